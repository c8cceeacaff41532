// Package loginlog keeps a user's login history: a bounded ring of the
// last MaxEntries events of the account, shown on the Security page, and
// the one-time notice shown after a login ("Last login: <time> from <IP>;
// N failed attempts since").
//
// # What is recorded
//
// An Entry is one event: a successful login (Login, with the factors used:
// "password", "password+totp", "password+recovery", "password+passkey",
// "passkey"), a failed one (Failed,
// with the reason: "password" for a wrong password or unknown name,
// "code" for a wrong second-factor code, "passkey" for a refused passkey
// assertion, "passkey-cloned" for a passkey whose signature counter went
// backwards, "passkey-expired" for an assertion whose challenge expired
// or was used already (a replay), "locked" for a name or address
// locked by the brute-force guard, "client-cert" for a client certificate
// that does not match), "log out other sessions" (LogoutOthers) and a
// password change (Password). Each has its time, the client address and
// the browser's short name (package useragent).
//
// # Where failures come from
//
// A failed password happens in the root room, before any privilege drop,
// and the account may not exist; the root room must not parse this file.
// So the root room keeps the failures of each name in its own small
// record (package guard, "Failed logins for the history") and, at the next
// successful password login, hands them to the app, which appends them
// here as the user. A wrong second-factor code is checked after the drop
// and is appended here directly. A refusal before the name is read (a
// network outside allow_from, no client certificate at all, not HTTPS) is
// nobody's and is not in any history.
//
// # Storage
//
// The history is the file postern/loginlog in the Maildir: one JSON
// object per line, oldest first, mode 600, at most MaxBytes. Append holds
// an exclusive lock (postern/loginlog.lock) while it reads, appends, keeps
// the newest MaxEntries and replaces the file atomically. It does not
// sync the file: a login must not wait for a disk flush for its history
// (a crash may lose the last entries, or leave the history empty). A corrupt line
// is skipped and a file longer than MaxBytes read as empty (and replaced
// at the next Append), so a broken history never stops a login: callers
// log an error and go on.
//
// The notice is the file postern/loginnotice, written at a login for that
// session only; TakeNotice, called when that session renders its next
// page, returns it once and removes it.
//
// # What it does not do
//
// It is not the audit log: the syslog lines (package audit) are the
// administrator's record, this is the user's. It keeps no more than
// MaxEntries events, so the logins "seen" by Unusual are those among them.
//
// # Login alerts
//
// Unusual tells whether a login comes from a network (/24, /64) or a
// browser not seen among the logins of the last AlertWindow (90 days),
// and AlertMessage is the mail that says so. The app delivers it straight
// into the user's INBOX when their preferences ask for it: no program is
// run at a login (the login request's sandbox executes nothing), so a
// user who reads mail elsewhere through a forward does not get it there.
package loginlog
