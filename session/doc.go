// Package session keeps postern's login sessions: one small file per
// session in the user's own Maildir, read and written after the privilege
// drop, as the mail's owner.
//
// # What is stored
//
// A login creates a session id (64 random bits, 16 lower-case hex digits)
// and a secret (128 random bits, 32 lower-case hex digits), both from
// crypto/rand. The browser gets both in the cookie (FormatCookie:
// "<mailboxid>:<id>:<secret>"). The server keeps a file named by the id in
// Store.Dir (normally <Maildir>/postern/sessions, mode 700), mode 600, JSON:
//
//	{"hash": hex sha256(secret), "ip": login address, "bind": bool,
//	 "created": unix seconds, "last": unix seconds,
//	 "csrf": 32 hex digits, "ua": user agent (first 200 bytes)}
//
// The secret itself is never written: whoever can read the session files
// (a backup, another process of the same user, a misconfigured web server)
// cannot use them to log in. A plain hash is enough because the secret has
// 128 random bits; there is nothing to guess.
//
// The id only names the file; it is checked to be exactly 16 lower-case
// hex digits before it becomes part of a path, so a cookie cannot name any
// other file. Knowing that an id exists (a file exists) gives nothing.
//
// # What is checked
//
// Check proves a request, in this order: the formats of id and secret; the
// file exists; sha256(secret) equals the stored hash, compared in constant
// time (crypto/subtle); the absolute timeout (now - created > Max) and the
// idle timeout (now - last > Idle), either of which removes the file and
// returns an error wrapping ErrExpired (ErrMax, ErrIdle); then, when the
// session is bound to its IP, the request's address must equal the login
// address (ErrIPChanged; the session is kept, so a stolen cookie used
// elsewhere cannot log its owner out). On success the last-access time is
// updated, at most once every TouchEvery, by writing a temporary file and
// renaming it over the old one, so a reader never sees a half-written file.
// A new session is written the same way and then linked to its name, which
// fails if the name exists (the effect of O_EXCL).
//
// The CSRF token of a session (128 random bits) is compared in constant time
// by ValidCSRF. Destroy (logout) removes the file. Touch, Destroy and
// garbage collection hold an flock(2) on Dir/.lock, so a Check running at
// the same time as a logout cannot bring the session back.
//
// # What is not protected against
//
// Anyone who obtains the cookie (malware in the browser, an unencrypted
// connection) holds the session until it expires, from the same IP, or from
// anywhere if IP binding is off. A user who can read and write the session
// directory is the mail's owner anyway. Timestamps come from the system
// clock; setting it back extends sessions. The sessions of one user are
// independent: logging out ends only the session of that browser.
package session
