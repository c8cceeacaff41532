package app

import (
	"errors"
	"io"
	"os"
	"path/filepath"

	"postern/audit"
	"postern/config"
	"postern/gate"
	"postern/httpcgi"
	"postern/maildir"
	"postern/message"
	"postern/session"
	"postern/templates"
)

// userRequest serves a request whose cookie names a mailbox, as its
// owner: prove the session, open the Maildir, keep a session to what its
// state allows (factorGate), route.
func userRequest(e *gate.Entry) int {
	cfg, acct, req := e.Config, e.Account, e.Request
	sessions := sessionStore(cfg)
	return serve(cfg, func(w httpcgi.ResponseWriter, r *httpcgi.Request) {
		sess, err := proveSession(sessions, r, req)
		if err != nil {
			logf("session refused for %s from %s: %v", req.Mailbox, req.RemoteAddr, err)
			auditLog.Log(audit.SessionRefused, req.RemoteAddr, acct.User, sessionReason(err))
			expired(w, r, cfg)
			return
		}
		a := &app{
			cfg:      cfg,
			acct:     acct,
			sess:     sess,
			sessions: sessions,
			req:      req,
			codes:    e.Codes,
		}
		a.store, err = maildir.Open(acct.Maildir)
		if err != nil {
			logf("maildir of %s: %v", acct.User, err)
			a.fail(w, r, &httpError{status: httpcgi.StatusInternalServerError, public: "Your Maildir could not be opened.", err: err})
			return
		}
		a.store.Summarize = summarize
		a.store.Trash = cfg.Trash
		if a.factorGate(w, r) {
			return
		}
		a.route(w, r)
	})
}

// expired answers a request whose session did not prove: the login page,
// the cookie cleared.
func expired(w httpcgi.ResponseWriter, r *httpcgi.Request, cfg *config.Config) {
	p := basePage(cfg, r)
	p.Login = &templates.LoginData{Expired: true, AllowUnbound: cfg.AllowUnbound}
	p.Title = "Log in"
	setSessionCookie(w, r, "", true)
	render(w, httpcgi.StatusUnauthorized, "login", p)
}

// proveSession checks the cookie's token against the session file.
func proveSession(sessions *session.Store, r *httpcgi.Request, req *gate.Request) (*session.Session, error) {
	c, err := r.Cookie(gate.CookieName)
	if err != nil {
		return nil, err
	}
	mailbox, id, secret, err := session.ParseCookie(c.Value)
	if err != nil {
		return nil, err
	}
	if mailbox != req.Mailbox {
		return nil, errors.New("cookie changed between reads")
	}
	return sessions.Check(id, secret, req.RemoteAddr)
}

// sessionStore is the user's session directory; the process is in the
// Maildir already.
func sessionStore(cfg *config.Config) *session.Store {
	wd, err := os.Getwd()
	if err != nil {
		wd = "."
	}
	return &session.Store{
		Dir:  filepath.Join(wd, "postern", "sessions"),
		Idle: cfg.SessionIdle,
		Max:  cfg.SessionMax,
	}
}

// sessionReason is the audit reason of a refused session.
func sessionReason(err error) string {
	switch {
	case errors.Is(err, session.ErrBadToken):
		return "bad token"
	case errors.Is(err, session.ErrIPChanged):
		return "IP changed"
	case errors.Is(err, session.ErrIdle):
		return "idle timeout"
	case errors.Is(err, session.ErrMax):
		return "absolute timeout"
	case errors.Is(err, httpcgi.ErrNoCookie), errors.Is(err, session.ErrNoSession):
		return "no session"
	}
	return "invalid session"
}

// summarize adapts the message package to the list cache.
func summarize(r io.Reader) maildir.Summary {
	s := message.Summarize(r)
	return maildir.Summary{Date: s.Date, From: s.From, Subject: s.Subject, HasAttachment: s.HasAttachment, Malformed: s.Malformed}
}
