package app

import (
	"errors"
	"os"
	"path/filepath"

	"postern/audit"
	"postern/auth"
	"postern/config"
	"postern/gate"
	"postern/guard"
	"postern/httpcgi"
	"postern/loginlog"
	"postern/maildir"
	"postern/session"
	"postern/twofactor"
)

// loginDone finishes a login whose password gate has proved: as the user,
// inside the Maildir, it creates the session (pending when a second
// factor is due), resets the guard's counters of a whole login, and sends
// the browser on with the session cookie.
func loginDone(e *gate.Entry) int {
	cfg, acct, req, l := e.Config, e.Account, e.Request, e.Login
	store := sessionStore(cfg)
	opts := session.Options{IP: req.RemoteAddr, Bind: l.Bind, UA: os.Getenv("HTTP_USER_AGENT"), Public: l.Public}
	if l.Public {
		opts.Idle = cfg.PublicIdle
	}
	opts.Pending = secondFactorOn(cfg) || passkeyOn(cfg)
	sess, secret, err := store.CreateWith(opts)
	if err != nil {
		logf("login of %s: creating session: %v", acct.User, err)
		l.Held.Close()
		return anonymous(cfg, req, gate.Anon{Kind: gate.AnonError, Status: httpcgi.StatusInternalServerError,
			Message: "Your session could not be created. The administrator will find the reason in the web server's error log."})
	}
	passwordDone(l.Held, opts.Pending)
	logf("login: %s from %s", acct.MailboxID(), req.RemoteAddr)
	next := "/list?f=INBOX"
	if opts.Pending {
		auditLog.Log(audit.LoginPending, req.RemoteAddr, acct.User, "second factor")
		foldFailures(acct, l.Failures)
		next = "/totp-login"
	} else {
		auditLog.Log(audit.LoginOK, req.RemoteAddr, acct.User, "")
		loginWhole(cfg, acct, req, sess.ID, "password", l.Failures)
	}
	value := session.FormatCookie(acct.MailboxID(), sess.ID, secret)
	return serve(cfg, func(w httpcgi.ResponseWriter, r *httpcgi.Request) {
		setSessionCookie(w, r, value, false)
		if l.Remember && !l.Public {
			setRememberCookie(w, r, acct.User)
		} else if _, err := r.Cookie(rememberCookie); err == nil {
			setRememberCookie(w, r, "")
		}
		httpcgi.Redirect(w, r, scriptName(r)+next, httpcgi.StatusSeeOther)
	})
}

// pamPasswordDone shows the outcome of a PAM password change that gate
// tried as root (gate's pamPassword): as the user, the session and the
// form's token are proved again, as for any request, and only then are
// the other sessions ended.
func pamPasswordDone(e *gate.Entry) int {
	cfg, acct, req, pw := e.Config, e.Account, e.Request, e.Password
	sessions := sessionStore(cfg)
	return serve(cfg, func(w httpcgi.ResponseWriter, r *httpcgi.Request) {
		sess, err := proveSession(sessions, r, req)
		if err != nil || sess.Pending || !session.ValidCSRF(sess, pw.CSRF) {
			if pw.Changed {
				auditLog.Log(audit.PasswordChanged, req.RemoteAddr, acct.User, "without a valid session")
			}
			logf("password form for %s from %s: session or csrf refused: %v", acct.User, req.RemoteAddr, err)
			expired(w, r, cfg)
			return
		}
		a := &app{cfg: cfg, acct: acct, sess: sess, sessions: sessions, req: req}
		a.store, _ = maildir.Open(acct.Maildir)
		notice := pw.Notice
		if pw.Changed {
			n, err := sessions.DestroyOthers(sess.ID)
			if err != nil {
				logf("password change for %s: ending sessions: %v", acct.User, err)
			}
			auditLog.Log(audit.PasswordChanged, req.RemoteAddr, acct.User, plural(n, "other session")+" ended")
			a.recordEvent(loginlog.Password, "")
			notice = "Your password was changed; " + plural(n, "other session") + " ended."
		}
		if err := a.renderSecurity(w, r, notice, nil); err != nil {
			a.fail(w, r, err)
		}
	})
}

// rememberCookie is the long-lived cookie that holds only the user name.
const rememberCookie = "postern-user"

// setRememberCookie sets (name != "") or clears the user-name cookie.
func setRememberCookie(w httpcgi.ResponseWriter, r *httpcgi.Request, name string) {
	c := &httpcgi.Cookie{Name: rememberCookie, Value: name, Path: scriptName(r), HttpOnly: true,
		Secure: r.HTTPS, SameSite: httpcgi.SameSiteStrictMode, MaxAge: 365 * 24 * 3600}
	if c.Path == "" {
		c.Path = "/"
	}
	if name == "" {
		c.MaxAge = -1
	}
	httpcgi.SetCookie(w, c)
}

// rememberedUser reads the user-name cookie.
func rememberedUser(r *httpcgi.Request) string {
	c, err := r.Cookie(rememberCookie)
	if err != nil || auth.ValidUser(c.Value) != nil {
		return ""
	}
	return c.Value
}

// The second factor and the brute-force guard (guard/doc.go, "Second
// factor"): gate holds the guard's counters of a login or a code attempt
// open before the drop (gate.Login.Held, gate.Entry.Codes); the outcome is
// recorded through them here. A password alone resets nothing for a user
// whose code is still due: only the code completes the login.

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

// secondFactorOn reports whether the user (the process is in their
// Maildir) must give a TOTP code after the password.
func secondFactorOn(cfg *config.Config) bool {
	if cfg.TOTP == "off" {
		return false
	}
	on, _, _, err := (&twofactor.Store{Path: twofactorPath()}).Status()
	if err != nil {
		logf("totp: %v", err)
		return true // a broken state file must not switch the factor off
	}
	return on
}

// twofactorPath is the TOTP state file in the Maildir (the process is in it).
func twofactorPath() string {
	wd, err := os.Getwd()
	if err != nil {
		wd = "."
	}
	return filepath.Join(wd, "postern", "totp")
}
