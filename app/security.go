package app

import (
	"errors"
	"net/url"
	"postern/gate"
	"strconv"
	"time"

	"postern/audit"
	"postern/auth/webpass"
	"postern/httpcgi"
	"postern/loginlog"
	"postern/session"
	"postern/templates"
	"postern/twofactor"
)

// minPasswordBytes is the shortest new password accepted, the same for
// every backend.
const minPasswordBytes = gate.MinPasswordBytes

// factorGate keeps a session to the pages its state allows: a pending login
// only to the second-factor step, a user who must enrol (totp = required)
// only to the security page, until they have TOTP or a passkey. It reports whether it answered.
func (a *app) factorGate(w httpcgi.ResponseWriter, r *httpcgi.Request) bool {
	path := a.req.Path
	switch {
	case a.sess.Pending:
		switch path {
		case "/totp-login", gate.PasskeyStepPath, "/passkey.js", "/logout", "/style.css", "/logo":
			return false
		}
		httpcgi.Redirect(w, r, scriptName(r)+"/totp-login", httpcgi.StatusSeeOther)
		return true
	case path == "/totp-login" || path == gate.PasskeyStepPath:
		httpcgi.Redirect(w, r, scriptName(r)+"/list?f=INBOX", httpcgi.StatusSeeOther)
		return true
	case a.cfg.TOTP == "required":
		switch path {
		case "/security", "/sessions", "/password", gate.SessionCheckPath, "/totp", "/totp/qr", "/passkey", "/passkey.js", "/logout", "/style.css", "/logo":
			return false
		}
		if on, _, _, err := a.twofactor().Status(); err == nil && on {
			return false
		}
		if passkeyOn(a.cfg) { // a passkey is a second factor too
			return false
		}
		httpcgi.Redirect(w, r, scriptName(r)+"/security", httpcgi.StatusSeeOther)
		return true
	}
	return false
}

func (a *app) twofactor() *twofactor.Store { return &twofactor.Store{Path: twofactorPath()} }

// security shows the sessions, the password form and the TOTP state.
func (a *app) security(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	return a.renderSecurity(w, r, "", nil)
}

func (a *app) renderSecurity(w httpcgi.ResponseWriter, r *httpcgi.Request, notice string, recovery []string) error {
	list, err := a.sessions.List()
	if err != nil {
		logf("sessions of %s: %v", a.acct.User, err)
	}
	d := &templates.SecurityData{
		CanChangePassword: a.cfg.Auth == "webpass" || a.cfg.Auth == "pam",
		PasswordHint:      "Your password is the system's (/etc/shadow): change it where you log in to this system, for example with the passwd command.",
		TOTPOff:           a.cfg.TOTP == "off",
		TOTPRequired:      a.cfg.TOTP == "required",
		Recovery:          recovery,
		QRURL:             scriptName(r) + "/totp/qr",
		History:           a.historyRows(),
	}
	for _, s := range list {
		if s.Pending {
			continue
		}
		d.Sessions = append(d.Sessions, templates.SessionRow{
			ID: s.ID, IP: s.IP, Browser: s.UA, Current: s.ID == a.sess.ID, Public: s.Public, Bound: s.Bind,
			Created: s.Created.Format(time.DateTime), Last: s.Last.Format(time.DateTime),
		})
	}
	on, pending, left, err := a.twofactor().Status()
	if err != nil {
		return err
	}
	d.TOTPEnabled, d.RecoveryLeft = on, left
	a.passkeySection(d)
	if d.PasskeyOptions != "" {
		allowScript(w)
	}
	if pending != "" {
		d.TOTPEnrolling = true
		if u, err := url.Parse(pending); err == nil {
			d.TOTPSecret = u.Query().Get("secret")
		}
	}
	p := a.page(r, "Security")
	p.Notice = notice
	p.Security = d
	render(w, httpcgi.StatusOK, "security", p)
	return nil
}

// endSessions ends one other session (op=end, id) or all others
// (op=others).
func (a *app) endSessions(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	switch r.PostForm.Get("op") {
	case "end":
		id := r.PostForm.Get("id")
		if id == a.sess.ID {
			return badRequest("Use Log out to end this session.", nil)
		}
		if err := a.sessions.Destroy(id); err != nil {
			return badRequest("There is no such session.", err)
		}
		auditLog.Log(audit.SessionEnded, a.req.RemoteAddr, a.acct.User, "session "+id)
		return a.renderSecurity(w, r, "The session was ended.", nil)
	case "others":
		n, err := a.sessions.DestroyOthers(a.sess.ID)
		if err != nil {
			return err
		}
		auditLog.Log(audit.SessionEnded, a.req.RemoteAddr, a.acct.User, "all others")
		a.recordEvent(loginlog.LogoutOthers, "")
		return a.renderSecurity(w, r, plural(n, "other session")+" ended.", nil)
	}
	return badRequest("Unknown operation.", nil)
}

// changePassword changes a webpass password, after the drop, and ends the
// other sessions. With auth = pam, POST /password never gets here: it is
// pamPassword, in the root room. With shadow, passwords are changed
// outside postern (postern would have to write /etc/shadow itself).
func (a *app) changePassword(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if a.cfg.Auth != "webpass" {
		return &httpError{status: httpcgi.StatusForbidden, public: "Passwords are changed outside the webmail on this site."}
	}
	f := r.PostForm
	old, nw := f.Get("old"), f.Get("new")
	switch {
	case nw != f.Get("new2"):
		return a.renderSecurity(w, r, "The two new passwords differ; nothing was changed.", nil)
	case len(nw) < minPasswordBytes:
		return a.renderSecurity(w, r, "The new password is too short; nothing was changed.", nil)
	}
	if _, err := webpass.New(a.cfg.WebpassRoot, a.cfg.WebpassFile).Authenticate(a.acct.User, old); err != nil {
		logf("password change for %s: %v", a.acct.User, err)
		auditLog.Log(audit.PasswordFailed, a.req.RemoteAddr, a.acct.User, "wrong current password")
		return a.renderSecurity(w, r, "The current password is wrong; nothing was changed.", nil)
	}
	if err := webpass.SetPassword(a.acct.Maildir, a.cfg.WebpassFile, nw); err != nil {
		return err
	}
	n, err := a.sessions.DestroyOthers(a.sess.ID)
	if err != nil {
		logf("password change for %s: ending sessions: %v", a.acct.User, err)
	}
	auditLog.Log(audit.PasswordChanged, a.req.RemoteAddr, a.acct.User, plural(n, "other session")+" ended")
	a.recordEvent(loginlog.Password, "")
	return a.renderSecurity(w, r, "Your password was changed; "+plural(n, "other session")+" ended.", nil)
}

// totpOp starts (begin), confirms (confirm, code) or removes (disable,
// code) the second factor.
func (a *app) totpOp(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if a.cfg.TOTP == "off" {
		return &httpError{status: httpcgi.StatusForbidden, public: "Two-step login is not offered on this site."}
	}
	tf := a.twofactor()
	code := r.PostForm.Get("code")
	switch r.PostForm.Get("op") {
	case "begin":
		if _, _, err := tf.Begin(a.cfg.SiteName, a.acct.User); err != nil {
			return badRequest("Two-step login is on already.", err)
		}
		httpcgi.Redirect(w, r, scriptName(r)+"/security#totp", httpcgi.StatusSeeOther)
		return nil
	case "confirm":
		codes, err := tf.Confirm(code)
		if err != nil {
			return a.renderSecurity(w, r, "That code is wrong; two-step login is not on yet. Check the time on your phone and try the next code.", nil)
		}
		auditLog.Log(audit.TOTPEnabled, a.req.RemoteAddr, a.acct.User, "")
		return a.renderSecurity(w, r, "Two-step login is on.", codes)
	case "disable":
		if a.cfg.TOTP == "required" {
			return &httpError{status: httpcgi.StatusForbidden, public: "This site requires two-step login."}
		}
		if _, err := tf.Verify(code); err != nil {
			return a.renderSecurity(w, r, "That code is wrong; two-step login is still on.", nil)
		}
		if err := tf.Disable(); err != nil {
			return err
		}
		auditLog.Log(audit.TOTPDisabled, a.req.RemoteAddr, a.acct.User, "")
		return a.renderSecurity(w, r, "Two-step login is off.", nil)
	}
	return badRequest("Unknown operation.", nil)
}

// totpQR sends the QR code of the key being enrolled.
func (a *app) totpQR(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	u, err := a.twofactor().PendingKey()
	if err != nil {
		return &httpError{status: httpcgi.StatusNotFound, public: "There is no key being set up.", err: err}
	}
	png, err := twofactor.QRPNG(u, 240)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Security-Policy", partCSP)
	_, err = w.Write(png)
	return err
}

// totpLoginForm is the second step of a login.
func (a *app) totpLoginForm(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	return a.renderSecondStep(w, r, httpcgi.StatusOK, false, "")
}

// renderSecondStep shows the second step: the code form when the user
// has TOTP, the passkey button (with a new challenge) when the user has a
// passkey; codeFailed or passkeyFailed (the history's reason) say why the
// last try was refused.
func (a *app) renderSecondStep(w httpcgi.ResponseWriter, r *httpcgi.Request, status int, codeFailed bool, passkeyFailed string) error {
	d := &templates.TOTPLoginData{Failed: codeFailed}
	on, _, _, err := a.twofactor().Status()
	if err != nil {
		logf("totp of %s: %v", a.acct.User, err)
		on = true // a broken state file must not hide the code form
	}
	d.Code = on && a.cfg.TOTP != "off"
	a.passkeyStep(d)
	if passkeyFailed != "" {
		d.PasskeyFailed = loginlog.Entry{Reason: passkeyFailed}.Why()
	}
	if d.Passkey {
		allowScript(w)
	}
	p := a.page(r, "Two-step login")
	p.TOTPLogin = d
	render(w, status, "totp", p)
	return nil
}

// totpLogin checks the code of a pending session and replaces that
// session with a full one (a new id and secret). The brute-force guard
// counts each wrong code and resets on the right one, through the
// counters the root room held (codeguard.go).
func (a *app) totpLogin(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if a.codes == nil {
		return &httpError{status: httpcgi.StatusInternalServerError, public: "Logins are not possible at the moment.", err: errNoCounters}
	}
	recovery, err := a.twofactor().Verify(r.PostForm.Get("code"))
	if err != nil {
		reason := "wrong totp code"
		if errors.Is(err, twofactor.ErrReplay) {
			reason = "totp code replayed"
		}
		logf("totp login of %s from %s: %v", a.acct.User, a.req.RemoteAddr, err)
		codeDone(a.codes, false, a.req.RemoteAddr, a.acct.User, reason)
		a.recordEvent(loginlog.Failed, "code")
		if _, ferr := a.sessions.Fail(a.sess.ID); errors.Is(ferr, session.ErrNoSession) {
			setSessionCookie(w, r, "", true)
			p := basePage(a.cfg, r)
			p.Title = "Log in"
			p.Login = &templates.LoginData{Failed: true, User: a.acct.User, AllowUnbound: a.cfg.AllowUnbound}
			render(w, httpcgi.StatusUnauthorized, "login", p)
			return nil
		}
		return a.renderSecondStep(w, r, httpcgi.StatusUnauthorized, true, "")
	}
	if recovery {
		auditLog.Log(audit.RecoveryUsed, a.req.RemoteAddr, a.acct.User, "")
	}
	factors := "password+totp"
	if recovery {
		factors = "password+recovery"
	}
	return a.secondStepDone(w, r, "totp", factors)
}

// secondStepDone ends a login whose second step (how: "totp",
// "passkey …") succeeded: the pending session is replaced by a whole one
// (the same IP binding and kind), the guard's counters are told, the
// audit log and the history get the login with its factors, and the
// browser goes to the INBOX with the new cookie.
func (a *app) secondStepDone(w httpcgi.ResponseWriter, r *httpcgi.Request, how, factors string) error {
	opts := session.Options{IP: a.sess.IP, Bind: a.sess.Bind, UA: a.sess.UA, Public: a.sess.Public}
	if a.sess.Public {
		opts.Idle = a.cfg.PublicIdle
	}
	sess, secret, err := a.sessions.CreateWith(opts)
	if err != nil {
		return err
	}
	if err := a.sessions.Destroy(a.sess.ID); err != nil {
		logf("%s login of %s: %v", how, a.acct.User, err)
	}
	codeDone(a.codes, true, a.req.RemoteAddr, a.acct.User, "")
	auditLog.Log(audit.LoginOK, a.req.RemoteAddr, a.acct.User, how)
	loginWhole(a.cfg, a.acct, a.req, sess.ID, factors, nil)
	setSessionCookie(w, r, session.FormatCookie(a.acct.MailboxID(), sess.ID, secret), false)
	httpcgi.Redirect(w, r, scriptName(r)+"/list?f=INBOX", httpcgi.StatusSeeOther)
	return nil
}

// plural is "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
