package main

import (
	"errors"

	"postern/audit"
	"postern/config"
	"postern/guard"
	"postern/httpcgi"
)

// The brute-force guard and the second factor (guard/doc.go, "Second
// factor"). A wrong TOTP or recovery code is a failed login, counted in
// the same counters as a wrong password. The code is checked after the
// privilege drop, where guard_dir (root's, mode 700) cannot be opened, so
// the root room opens the two counters of the attempt (guard.Hold) before
// the drop and the handler records the outcome through them. A password
// alone resets nothing for a user whose code is still due: only the code
// completes the login.

// isCodeAttempt reports whether a user request submits a second-factor
// code: the requests the root room holds the counters for.
func isCodeAttempt(req *rootRequest) bool {
	return req.method == httpcgi.MethodPost && req.path == "/totp-login"
}

// codeGuard runs in the root room before the drop for a code attempt by
// req.user: a locked name or address gets the page of a locked password
// login (guardCheck), and the code is not looked at; else, after the
// delay, the counters are held for the handler. A guard that cannot hold
// them refuses the attempt (fail closed).
func codeGuard(cfg *config.Config, req *rootRequest) (*guard.Ticket, int, bool) {
	if code, stop := guardCheck(cfg, req, req.user); stop {
		return nil, code, true
	}
	t, err := loginGuard(cfg).Hold(req.user, req.remoteAddr)
	if err != nil {
		logf("code refused for %q from %s: %v", req.user, req.remoteAddr, err)
		return nil, anonymous(cfg, req, anonError{httpcgi.StatusInternalServerError, "Logins are not possible at the moment. The administrator will find the reason in the web server's error log."}), true
	}
	return t, 0, false
}

// holdAfterPassword holds the counters of a password login that
// succeeded, before the drop, for passwordDone. A failure is logged: the
// login goes on and the count is not reset.
func holdAfterPassword(cfg *config.Config, req *rootRequest, name string) *guard.Ticket {
	t, err := loginGuard(cfg).Hold(name, req.remoteAddr)
	if err != nil {
		logf("guard: %v", err)
	}
	return t
}

// passwordDone ends the guard's part of a password login once its
// session exists: a full login resets the user's counter; a pending one
// (a code is due) leaves it, so that the failures of earlier pending
// logins still count.
func passwordDone(t *guard.Ticket, pending bool) {
	if t == nil {
		return
	}
	if !pending {
		if err := t.Succeed(); err != nil {
			logf("%v", err)
		}
	}
	t.Close()
}

// errNoCounters refuses a code whose attempt the root room did not hold.
var errNoCounters = errors.New("a second-factor code without the guard's counters")

// codeDone records the outcome of a code and writes the audit line of a
// wrong one (reason as in the log: wrong or replayed code).
func codeDone(t *guard.Ticket, ok bool, ip, user, reason string) {
	var err error
	if ok {
		err = t.Succeed()
	} else {
		auditLog.Log(audit.LoginFailed, ip, user, reason)
		err = t.Fail()
	}
	if err != nil {
		logf("%v", err)
	}
}
