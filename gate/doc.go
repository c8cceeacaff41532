// Package gate is postern's root room: everything the program does while
// it may still be root, and nothing else. A postern is a gate; this one
// lets a request through only as the mail's owner.
//
// # Security model
//
// Installed setuid root, postern is started by the web server's user and
// can also be started by any local user with any environment, arguments
// and file descriptors. So, like Apache's suexec and Postfix's postdrop,
// it does as little as possible as root and parses nothing it does not
// need while privileged. The steps, in this order:
//
//  0. Before the Go runtime starts, a C constructor (privdrop/rtenv)
//     removes every GO* variable, which the runtime would read before
//     main (GOMAXPROCS, GOGC, GOMEMLIMIT, GODEBUG, GOTRACEBACK), and
//     narrows the CPU affinity to one CPU, so that the runtime starts
//     with GOMAXPROCS 1 whoever the caller is, and sets 2 ms of timer
//     slack, which the runtime's threads inherit.
//  1. Prepare: no GO* variable reached the runtime (rtenv.Check), the
//     main thread has its CPUs and its timer slack back (rtenv.Unpin),
//     and so does every program run later (internal/childstart), umask
//     077, standard descriptors open, the environment reduced to an
//     allowlist of CGI variables (privdrop.Sanitize); the
//     configuration path is the one fixed at build time (config.Path), and
//     only a run that borrows nobody's privileges may name another with
//     POSTERN_CONFIG.
//  2. Enter reads the configuration and refuses any caller but web_user
//     (when set), with its own exit status.
//  3. The request is classified (classify) from REQUEST_METHOD, PATH_INFO,
//     CONTENT_TYPE, CONTENT_LENGTH, REMOTE_ADDR and the identity part (the
//     mailbox id) of the session cookie alone. The session token is not
//     looked at.
//  4. A login (POST /login, and the passwordless POST /passkey-login)
//     passes the login policy (require_https,
//     allow_from, client_cert) before its body is read, then reads at
//     most config.LoginMaxBytes (a passkey login: 48 KiB, and the
//     postern-pk cookie's value, a hex id) of
//     application/x-www-form-urlencoded body,
//     asks the brute-force guard, and authenticates through the
//     configured backend. This program links neither libpam nor libc's
//     name service (it is a static PIE: no dynamic loader, no shared
//     object, ever): with auth = pam, PAM runs in postern-login
//     (config.LoginHelper, mode 0700 root; package auth/checkpass), run
//     with a fixed argv, an empty environment, the password on a pipe and
//     a time limit, only for a login, a password change and an account
//     check when the account cache has no fresh entry. Users come from
//     /etc/passwd and /etc/group, read in Go; one that only the name
//     service knows (sssd, LDAP) is looked up through postern-login too. A request with a session cookie passes the
//     session policy and looks the user up without a password (from
//     root's account cache while its entry is fresh). Root and accounts
//     below min_uid are refused whatever the backend says.
//  5. The Landlock ruleset of the request goes on (as root, just before
//     the drop, when it can): the Maildir, the index and what the pages
//     read, and nothing executable, except for the few requests that
//     Request.Runs names from their method and path alone (POST /send
//     runs the sendmail wrapper, and with crypto = yes GnuPG too, POST
//     /filters and /vacation the rule compiler, POST /spam the learn
//     command, GET /verify, POST /decrypt and POST /compose (an
//     encrypted draft) GnuPG, the passkey ceremonies' answers (POST
//     /passkey, /passkey-step, /passkey-login, webauthn = yes) and the
//     directory's lookups postern-helper (RunsHelper: that one static
//     program executable, nothing else)), each with the programs and
//     paths root's configuration names for its kinds. The requests that
//     look up the site's directory (Request.LooksUpDirectory: completion
//     and the directory page, when directory_uri is set) may also read
//     the resolver's files, the CA certificates and the directory's CA
//     and bind password files, and connect to the directory's TCP port
//     (postern-helper does the lookup, in the same Landlock domain). No
//     other request that runs nothing may connect to any TCP port or bind
//     one (Landlock ABI 4; Multipath TCP and UDP are not covered by the
//     kernel's rights); those that run a program, and GnuPG's, keep TCP;
//     postern-helper's passkey requests do not.
//     Then privdrop drops to the
//     account:
//     setgroups, setgid, setuid, and the proof that root cannot be
//     regained. A request without an account drops to the calling user,
//     or to anon_user when the caller is root. A failed drop ends the
//     process.
//
// Only then does Enter return, and only then are the session proved
// (token, address, timeouts), forms and other cookies parsed and mail
// read, by package app. The boundary is kept by the compiler:
// TestRootRoomImports fails when this package, or anything it imports,
// depends on the packages that parse sessions, forms, mail, HTML or
// SQLite (session, maildir, message, index, sanitize, compose, templates,
// twofactor, httpcgi, app; golang.org/x/net/html, go-message,
// go-sqlite3). Package app refuses to serve while the effective uid is 0.
//
// # What runs as root besides
//
// One request must act as root after a login: a password change with auth
// = pam (pam_chauthtok writes /etc/shadow). Its session is proved first,
// without parsing it as root, by running this program as the ordinary
// request POST /session-check with the request's cookie, address and CSRF
// token (sessioncheck.go): the child goes through these same steps and
// proves the session as the user.
//
// A second-factor code is checked after the drop, where the guard's
// root-owned directory cannot be opened; so the root room holds the two
// counters of a code attempt open (guard.Ticket) and hands them to the app
// (Entry.Codes), which records the outcome through them.
//
// A passkey's assertion at the second step (POST /passkey-step) is held
// the same way: it is a code attempt. A passwordless login
// (webauthn_passwordless, passkey.go) starts before any account is known:
// GET /passkey-challenge and POST /passkey-login are classified before
// any cookie, pass the login policy, and the root room keeps their
// challenge in guard_dir (guard.IssueChallenge: a fixed-size file under
// the hash of a random id the browser holds in a cookie, taken once,
// for two minutes). The POST's small urlencoded form carries the
// assertion's user handle, which is the user name and names the account;
// the root room asks the guard for it, takes the challenge, looks the
// account up without a password, holds its counters and drops to it. It
// never parses the assertion (JSON, CBOR) nor any file of the user's:
// the app checks the assertion as that user, against that user's
// credentials (package passkey), and records the outcome through the
// counters. A handle that names someone else gets an assertion checked
// against that someone's keys, which it cannot pass.
//
// A failed login leaves, besides the counters, a line in the guard's
// per-name record of failures (guard.NoteFailure: time, address, a reason
// token, the browser's short name from package useragent), written the
// same way for every name so that its cost does not tell whether the
// account exists. A successful password login takes that record before
// the drop (Login.Failures); the app adds it to the user's login history
// (package loginlog), which this package does not import: it parses a
// file of the user's.
//
// # What it does not do
//
// It renders no page. Every answer the user sees, the refusals of this
// package included, is rendered by package app after the drop from the
// Entry's Anon. The only output written as root is FatalPage, a fixed
// page for a broken configuration or a failed drop. Logging goes to
// standard error (the web server's error log) and, for the audit events,
// to the syslog socket connected as root (package audit).
//
// Each refusal outside the web request has its own exit status (the Exit
// constants, documented in postern(8)).
package gate
