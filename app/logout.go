package app

import (
	"context"
	"postern/audit"

	"postern/httpcgi"
	"postern/templates"
)

// logout destroys the session on the server at once, tells the browser to
// forget everything of this site (Clear-Site-Data) and shows the login
// page. A passphrase remembered for the session is dropped from the
// user's gpg-agent (remember.go): with crypto on, this request may run
// GnuPG.
func (a *app) logout(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if err := a.sessions.Destroy(a.sess.ID); err != nil {
		return err
	}
	a.forgetRemembered(context.Background())
	logf("logout: %s from %s", a.acct.MailboxID(), a.req.RemoteAddr)
	auditLog.Log(audit.Logout, a.req.RemoteAddr, a.acct.User, "")
	setSessionCookie(w, r, "", true)
	w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
	p := basePage(a.cfg, r)
	p.Title = "Logged out"
	p.Login = &templates.LoginData{LoggedOut: true, AllowUnbound: a.cfg.AllowUnbound}
	render(w, httpcgi.StatusOK, "login", p)
	return nil
}
