// Package twofactor is postern's optional second factor: TOTP (RFC 6238,
// HMAC-SHA1, 6 digits, 30-second steps, the parameters every authenticator
// app supports) with ten one-time recovery codes.
//
// The state of a user lives in their own Maildir, in one JSON file (mode
// 600, written through a temporary file and a rename) that the program
// reads and writes only after the privilege drop, as the user:
//
//	{"secret": otpauth:// URL of the key, "confirmed": bool, "last_step": int,
//	 "recovery": [hex sha256 of each unused recovery code]}
//
// Enrolment is two steps: Begin draws a new key (160 random bits from
// crypto/rand, through github.com/pquerna/otp) and stores it unconfirmed;
// the page shows it as text and as a QR code rendered here (QRPNG, through
// github.com/boombuler/barcode: no remote service). Confirm needs a valid
// code from the app; only then is the key used for logins, and the ten
// recovery codes are drawn (80 random bits each, shown once, stored as
// SHA-256).
//
// Verify accepts a code of the previous, current or next time step (30 s
// of clock skew each way) whose step is later than the last step accepted,
// so a code that was used once is refused (RFC 6238 section 5.2), and a
// recovery code once. The check and the update of last_step hold an
// flock(2), so two requests racing with one code cannot both pass.
// Codes are compared in constant time.
//
// Not protected against: whoever can read the Maildir can read the key
// (the key must be readable by the process that checks it, which runs as
// the user); guessing is limited by the caller: session.MaxTries wrong
// codes end a pending login, and the brute-force guard counts every wrong
// code as a failed login (see postern/guard, "Second-factor codes").
package twofactor
