package gate

import (
	"postern/audit"
	"postern/auth"
	"postern/guard"
)

// userRequest lets through a request whose cookie names a mailbox: the
// session policy, the user looked up (no password; from the account cache
// while it is fresh), the guard's counters held for a second-factor code,
// then the drop. The session itself is proved by the app, as the user.
func (g *room) userRequest(backend auth.Authenticator) *Entry {
	req := g.req
	_, method, _ := auth.ParseMailboxID(req.Mailbox)
	if method != g.cfg.Auth {
		logf("session refused: mailbox %q is not of backend %s", req.Mailbox, g.cfg.Auth)
		return g.anonymous(Anon{Kind: AnonExpired})
	}
	if p := sessionPolicy(g.cfg, req); p != "" {
		logf("session refused for %q from %s: %s", req.Mailbox, req.RemoteAddr, p)
		g.audit.Log(audit.SessionRefused, req.RemoteAddr, req.User, p)
		return g.anonymous(Anon{Kind: AnonRefused})
	}
	acct, err := lookupAccount(g.cfg, backend, req.User)
	var codes *guard.Ticket // held for a second-factor code (codeguard.go)
	if err == nil && req.isCodeAttempt() {
		t, a, stop := g.codeGuard()
		if stop {
			return g.anonymous(a)
		}
		codes = t
	}
	if err == nil {
		err = g.enter(acct)
	}
	if err != nil {
		logf("session refused for %q from %s: %v", req.Mailbox, req.RemoteAddr, err)
		codes.Close()
		return g.anonymous(Anon{Kind: AnonExpired})
	}
	// We are the user now, inside the Maildir (sandboxed unless sending).
	e := g.entry(acct)
	e.Codes = codes
	return e
}
