package gate

import (
	"postern/audit"
	"postern/auth"
	"postern/auth/checkpass"
)

// MinPasswordBytes is the shortest new password accepted; the app's form
// for the other backends asks the same.
const MinPasswordBytes = 8

// pamPassword handles POST /password for auth = pam. pam_chauthtok must
// run as root (pam_unix writes /etc/shadow), so this is a second root-room
// path, shaped like a login: the same policy checks and body limits
// (config.LoginMaxBytes, urlencoded only) and the brute-force guard on the
// user named by the cookie. Before PAM is asked, the session is proved
// without parsing it as root: the program runs itself as the ordinary
// request POST /session-check with this request's cookie, address and
// CSRF token (proveInChild, sessioncheck.go), and goes on only on its 204,
// which says the session is valid, full (not pending a second factor),
// bound to this address and the token its own. Anything else is the
// refused branch: the login page, an audit line, no chauthtok, and no
// failure counted in the guard (no password was tried). Then PAM proves
// the current password in the same transaction as the change. After the
// drop the app proves the session and the token again, as for any
// request, and only then ends the other sessions (Entry.Password).
func (g *room) pamPassword(backend auth.Authenticator) *Entry {
	pb, ok := backend.(*checkpass.PAM)
	if !ok {
		return g.userRequest(backend)
	}
	req := g.req
	if a, stop := g.loginPolicy(); stop {
		return g.anonymous(a)
	}
	form, a, ok := g.readSmallForm("", loginMaxBytes)
	if !ok {
		return g.anonymous(a)
	}
	old, nw := form.Get("old"), form.Get("new")
	out := &Password{CSRF: form.Get("csrf")}
	switch {
	case nw != form.Get("new2"):
		out.Notice = "The two new passwords differ; nothing was changed."
	case len(nw) < MinPasswordBytes:
		out.Notice = "The new password is too short; nothing was changed."
	default:
		if a, stop := g.guardCheck(req.User); stop {
			return g.anonymous(a)
		}
		if err := proveInChild(out.CSRF, g.cfgPath); err != nil {
			logf("password change for %q from %s: %v", req.User, req.RemoteAddr, err)
			g.audit.Log(audit.PasswordFailed, req.RemoteAddr, req.User, "no valid session")
			return g.anonymous(Anon{Kind: AnonExpired})
		}
		if err := pb.ChangePassword(req.User, old, nw, req.RemoteAddr); err != nil {
			logf("password change for %q from %s: %v", req.User, req.RemoteAddr, err)
			if gerr := loginGuard(g.cfg).Fail(req.User, req.RemoteAddr); gerr != nil {
				logf("guard: %v", gerr)
			}
			g.audit.Log(audit.PasswordFailed, req.RemoteAddr, req.User, FailReason(err))
			out.Notice = "The password was not changed: the current password is wrong, or the system does not accept the new one."
		} else {
			// No reset of the guard: knowing the password is not a
			// whole login while a second factor may be due.
			out.Changed = true
		}
	}
	acct, err := backend.Lookup(req.User)
	if err == nil {
		err = g.enter(acct)
	}
	if err != nil {
		logf("session refused for %q from %s: %v", req.Mailbox, req.RemoteAddr, err)
		return g.anonymous(Anon{Kind: AnonExpired})
	}
	e := g.entry(acct)
	e.Password = out
	return e
}
