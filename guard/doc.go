// Package guard is postern's brute-force defence and network allowlist. It
// runs in the root room, before the privilege drop, so it is small, uses
// only the standard library and parses nothing but its own state files and
// the client address.
//
// # Failure counting
//
// Every failed login is counted twice: against the user name that was
// tried and against the client's IP address. A counter is one small file
// in Guard.Dir, a directory owned by the effective user (root) with mode
// 700: "u-" followed by the hex SHA-256 of the user name (so any string an
// attacker sends becomes a fixed, safe file name), or "i-" followed by the
// hex of the address in its 16-byte form. The file holds one line,
// "count last-failure-unix-seconds". Every read-modify-write holds an
// flock(2) on that file, so simultaneous CGI processes never lose a count.
//
// Names that do not exist are counted exactly like real ones, and a locked
// name gets the same answer as a wrong password: the login page never tells
// whether a user exists. A successful login resets the user's counter (not
// the address's, so one valid account does not unlock an address that is
// guessing others).
//
// # Second-factor codes
//
// A wrong TOTP code or recovery code is a failed login: it adds to the same
// two counters as a wrong password, and the same delays and lockout apply.
// One count, not a second pair of counters, because a code guess is a login
// guess (separate counters would give an attacker who knows the password
// lockout_user more guesses, and the administrator more keys to set). For a
// user with a second factor, the login succeeds only with the right code:
// the right password alone resets nothing, so the wrong codes of one pending
// login still count at the next (without this, logging in again would give
// an attacker who knows the password fresh guesses for ever). A locked name
// or address may not submit codes either, and gets the page of a locked
// password login, whether the password was right or not.
//
// With the defaults (lockout_user 10, lockout_time 15m), an attacker who
// knows the password gets about 10 code guesses per 15 minutes, each right
// with a chance of 3 in a million (three time steps are accepted): about 1
// in 350 per day, before fail2ban.
//
// # Tickets
//
// The code is checked after the privilege drop: the key lives in the
// user's Maildir, which the root room must not parse, and Dir is root's.
// So the root room asks Check (and waits its delay), then Hold opens the
// two counters of the attempt; the descriptors stay open across the drop
// with the access they were opened with, and the handler records the
// outcome through them (Ticket.Fail, Ticket.Succeed) under the usual
// flock. A Ticket reaches those two files only: not Dir, not other
// counters (nothing can be created in Dir without write access to it),
// and its descriptors close on exec. A password login holds its counters
// the same way and resets the user's only once it knows that no code is
// due.
//
// Hold writes each counter back, so that Sweep, which removes a counter
// only when its window has passed and it was not written for MaxHold, and
// removes it under its lock, never removes a file a Ticket holds; Hold
// retries when Sweep removed a file between the open and the lock.
//
// # Delays and lockout
//
// With n failures on record (for an address, scaled by UserLock/IPLock, so
// that many users behind one NAT are not slowed by each other's typos),
// Check returns a delay of 0 while n <= Limits.Free, then 1 s, 2 s, 4 s, ... up to Limits.MaxDelay; the caller
// sleeps before it asks the backend. From Limits.UserLock failures for a
// name (Limits.IPLock for an address) the name or address is locked: the
// backend is not asked at all. A counter is forgotten Limits.Window after
// its last failure, which also ends a lockout.
//
// # What is not protected against
//
// A distributed guess from many addresses at many names stays under both
// limits; fail2ban on the audit log (dist/fail2ban) blocks addresses at the
// firewall. An attacker can lock a victim's name out on purpose (the price
// of any lockout). Counter files of names that were tried once stay until
// Sweep removes the forgotten ones. A process that could run code as the
// user while a Ticket is open could reset the two counters it holds, and
// no others.
//
// # Failed logins for the history
//
// The user's login history (package loginlog) lives in the Maildir, which
// the root room must not parse, and a failed login has no drop to the
// account (it may not exist). So the root room also keeps, per name tried,
// a record of its failures in Dir: "f-" followed by the same hex SHA-256
// as the name's counter, one line "unix-seconds address reason browser"
// per failure (NoteFailure), each field a short checked token, the newest
// MaxFailures kept, read and written under flock(2). It is written for
// every name tried, existing or not, so that its cost says nothing of
// whether an account exists. At a successful password login the root room
// takes the record (TakeFailures: read and removed under the lock, before
// the drop) and hands it to the app, which appends it to the user's
// history as the user. The counters stay the only source for delays and
// lockouts; the record decides nothing.
//
// A record is at most MaxFailures lines of at most 128 bytes. Sweep
// removes the records not written for FailKeep (90 days) and, beyond
// MaxFailRecords (the newest kept), the oldest, so that guessing many
// names fills Dir by at most MaxFailRecords small files. Failures of a
// name that nobody logs in as are therefore lost after FailKeep, and the
// failures a user sees are those of its own name only (a refusal before
// the name is read, such as a network outside allow_from, is nobody's).
//
// # Passkey challenges
//
// A passwordless login (a passkey instead of the password) begins before
// any account is known, so its WebAuthn challenge cannot be kept in a
// Maildir. IssueChallenge keeps it here, in Dir/passkey/ (mode 700, as
// Dir): one file per challenge, named "c-" and the hex SHA-256 of a
// random 256-bit id that the browser holds in a cookie, holding the 32
// random bytes of the challenge and the time it was drawn, a fixed size
// with nothing to parse. TakeChallenge renames the file before reading
// it, so that of two requests with the same id only one gets it (single
// use), removes it, and refuses a challenge older than ChallengeTTL (two
// minutes). At most MaxChallenges live at once: IssueChallenge removes
// the expired ones first and refuses beyond, so a client that asks for
// challenges without end fills no disk (it can delay other passwordless
// logins for two minutes; allow_from and the web server's rate limits are
// the answer to that). A passkey's assertion is a failed or successful
// login like a code: the root room holds the counters of the account the
// assertion names (Hold) and the app records the outcome.
//
// # Network allowlist
//
// ParseAllow reads a list of CIDR prefixes (IPv4 and IPv6, separated by
// commas or white space; a bare address is a /32 or /128). Allowed reports
// whether an address is inside one of them; an empty list allows every
// address. IPv4-mapped IPv6 addresses are compared as IPv4.
package guard
