// Package app is the webmail after the privilege drop: every handler,
// page, form, session and piece of mail. It runs as the mail's owner
// (or, for a request without a session, as the calling user or
// anon_user), inside the Maildir, in the Landlock sandbox the root room
// (package gate) put on, and is given the request through a gate.Entry.
//
// Its one entry is Serve. Serve refuses to run while the effective or
// real uid is 0: whatever goes wrong in front of it, nothing here ever
// parses a form, a cookie, a session or a message as root.
//
// What it does, by file: app.go routes a path to its handler and checks
// every POST's origin and CSRF token; user.go proves the session;
// login.go finishes a login that gate has let through (the session, the
// cookies, the guard's reset); anon.go shows the login page and the
// refusals gate decided; one file per action after that (list.go,
// read.go, part.go, html.go, compose.go, send.go, search.go,
// security.go, ...); errors.go turns errors into an HTTP status and a
// public text in one place; serve.go writes the response with the
// security headers.
package app

import (
	"fmt"
	"os"

	"postern/audit"
	"postern/gate"
)

// auditLog is the audit log of this request, connected as root by gate
// (Entry.Audit).
var auditLog *audit.Logger

// Serve answers the request that gate.Enter let through and returns the
// process's exit status.
func Serve(e *gate.Entry) int {
	if err := refuseRoot(os.Geteuid(), os.Getuid()); err != nil {
		logf("%v", err)
		return gate.FatalPage(500, "Internal error.", gate.ExitDrop)
	}
	auditLog = e.Audit
	switch {
	case e.Account == nil:
		return anonymous(e.Config, e.Request, e.Anon)
	case e.Login != nil:
		return loginDone(e)
	case e.Password != nil:
		return pamPasswordDone(e)
	case e.Passwordless != nil:
		return passwordlessDone(e)
	}
	defer e.Codes.Close()
	return userRequest(e)
}

// refuseRoot is the app's own proof that the root room dropped
// privileges: an error when either uid is root's.
func refuseRoot(euid, uid int) error {
	if euid == 0 || uid == 0 {
		return fmt.Errorf("refusing to serve as root (uid %d, euid %d): the privilege drop did not happen", uid, euid)
	}
	return nil
}

// logf writes one line to the web server's error log.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "postern: "+format+"\n", args...)
}
