package gate

import (
	"postern/guard"
)

// The brute-force guard and the second factor (guard/doc.go, "Second
// factor"). A wrong TOTP or recovery code is a failed login, counted in
// the same counters as a wrong password. The code is checked after the
// privilege drop, where guard_dir (root's, mode 700) cannot be opened, so
// the root room opens the two counters of the attempt (guard.Hold) before
// the drop and the app records the outcome through them (Entry.Codes). A
// password alone resets nothing for a user whose code is still due: only
// the code completes the login (Login.Held).

// codeGuard runs before the drop for a code attempt by req.User: a locked
// name or address gets the page of a locked password login (guardCheck),
// and the code is not looked at; else, after the delay, the counters are
// held for the app. A guard that cannot hold them refuses the attempt
// (fail closed).
func (g *room) codeGuard() (*guard.Ticket, Anon, bool) {
	if a, stop := g.guardCheck(g.req.User); stop {
		return nil, a, true
	}
	t, err := loginGuard(g.cfg).Hold(g.req.User, g.req.RemoteAddr)
	if err != nil {
		logf("code refused for %q from %s: %v", g.req.User, g.req.RemoteAddr, err)
		return nil, anonError(statusInternalServerError, "Logins are not possible at the moment. The administrator will find the reason in the web server's error log."), true
	}
	return t, Anon{}, false
}

// holdAfterPassword holds the counters of a password login that
// succeeded, before the drop, for the app to reset once the session
// exists. A failure is logged: the login goes on and the count is not
// reset.
func (g *room) holdAfterPassword(name string) *guard.Ticket {
	t, err := loginGuard(g.cfg).Hold(name, g.req.RemoteAddr)
	if err != nil {
		logf("guard: %v", err)
	}
	return t
}
