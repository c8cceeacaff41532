package main

import (
	"io"
	"mime"
	"net/url"
	"os"

	"postern/audit"
	"postern/auth"
	"postern/auth/pam"
	"postern/config"
	"postern/httpcgi"
	"postern/maildir"
	"postern/session"
	"postern/templates"
)

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
// drop the session and the token are proved again, as for any request,
// and only then are the other sessions ended.
func pamPassword(cfg *config.Config, backend auth.Authenticator, req *rootRequest) int {
	pb, ok := backend.(*pam.Backend)
	if !ok {
		return userRequest(cfg, backend, req)
	}
	if code, stop := loginPolicy(cfg, req); stop {
		return code
	}
	form, code, ok := readSmallForm(cfg, req)
	if !ok {
		return code
	}
	old, nw := form.Get("old"), form.Get("new")
	notice, changed := "", false
	switch {
	case nw != form.Get("new2"):
		notice = "The two new passwords differ; nothing was changed."
	case len(nw) < minPasswordBytes:
		notice = "The new password is too short; nothing was changed."
	default:
		if code, stop := guardCheck(cfg, req, req.user); stop {
			return code
		}
		if err := proveInChild(form.Get("csrf")); err != nil {
			logf("password change for %q from %s: %v", req.user, req.remoteAddr, err)
			auditLog.Log(audit.PasswordFailed, req.remoteAddr, req.user, "no valid session")
			return anonymous(cfg, req, anonExpired{})
		}
		if err := pb.ChangePassword(req.user, old, nw, req.remoteAddr); err != nil {
			logf("password change for %q from %s: %v", req.user, req.remoteAddr, err)
			if gerr := loginGuard(cfg).Fail(req.user, req.remoteAddr); gerr != nil {
				logf("guard: %v", gerr)
			}
			auditLog.Log(audit.PasswordFailed, req.remoteAddr, req.user, failReason(err))
			notice = "The password was not changed: the current password is wrong, or the system does not accept the new one."
		} else {
			// No reset of the guard: knowing the password is not a
			// whole login while a second factor may be due.
			changed = true
		}
	}
	acct, err := backend.Lookup(req.user)
	if err == nil {
		err = enter(cfg, acct, req)
	}
	if err != nil {
		logf("session refused for %q from %s: %v", req.mailbox, req.remoteAddr, err)
		return anonymous(cfg, req, anonExpired{})
	}
	sessions := sessionStore(cfg)
	return serve(cfg, func(w httpcgi.ResponseWriter, r *httpcgi.Request) {
		sess, err := proveSession(sessions, r, req)
		if err != nil || sess.Pending || !session.ValidCSRF(sess, form.Get("csrf")) {
			if changed {
				auditLog.Log(audit.PasswordChanged, req.remoteAddr, acct.User, "without a valid session")
			}
			logf("password form for %s from %s: session or csrf refused: %v", acct.User, req.remoteAddr, err)
			setSessionCookie(w, r, "", true)
			p := basePage(cfg, r)
			p.Title = "Log in"
			p.Login = &templates.LoginData{Expired: true, AllowUnbound: cfg.AllowUnbound}
			render(w, httpcgi.StatusUnauthorized, "login", p)
			return
		}
		a := &app{cfg: cfg, acct: acct, sess: sess, sessions: sessions, req: req}
		a.store, _ = maildir.Open(acct.Maildir)
		if changed {
			n, err := sessions.DestroyOthers(sess.ID)
			if err != nil {
				logf("password change for %s: ending sessions: %v", acct.User, err)
			}
			auditLog.Log(audit.PasswordChanged, req.remoteAddr, acct.User, plural(n, "other session")+" ended")
			notice = "Your password was changed; " + plural(n, "other session") + " ended."
		}
		if err := a.renderSecurity(w, r, notice, nil); err != nil {
			a.fail(w, r, err)
		}
	})
}

// readSmallForm reads a urlencoded body of at most config.LoginMaxBytes as
// root, with the checks of the login form. On failure it has answered and
// returns the exit status.
func readSmallForm(cfg *config.Config, req *rootRequest) (url.Values, int, bool) {
	mt, _, _ := mime.ParseMediaType(req.contentType)
	switch {
	case mt != "application/x-www-form-urlencoded":
		return nil, anonymous(cfg, req, anonError{httpcgi.StatusUnsupportedMediaType, "The form must be sent as a plain form."}), false
	case req.contentLength < 0:
		return nil, anonymous(cfg, req, anonError{httpcgi.StatusLengthRequired, "The request has no length."}), false
	case req.contentLength > config.LoginMaxBytes:
		return nil, anonymous(cfg, req, anonError{httpcgi.StatusRequestEntityTooLarge, "The request is too large."}), false
	}
	if !sameOrigin(os.Getenv) {
		return nil, anonymous(cfg, req, anonError{httpcgi.StatusForbidden, "The form must be sent from this site."}), false
	}
	body, err := io.ReadAll(io.LimitReader(os.Stdin, req.contentLength))
	if err != nil || int64(len(body)) != req.contentLength {
		return nil, anonymous(cfg, req, anonError{httpcgi.StatusBadRequest, "The request was cut short."}), false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, anonymous(cfg, req, anonError{httpcgi.StatusBadRequest, "The request is malformed."}), false
	}
	return form, 0, true
}
