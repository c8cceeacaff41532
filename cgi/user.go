package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"

	"postern/audit"
	"postern/auth"
	"postern/config"
	"postern/guard"
	"postern/httpcgi"
	"postern/maildir"
	"postern/message"
	"postern/session"
	"postern/templates"
)

// userRequest serves a request whose cookie names a mailbox: look the
// user up (no password; from the account cache while it is fresh), drop
// to them, and only then prove the session.
func userRequest(cfg *config.Config, backend auth.Authenticator, req *rootRequest) int {
	_, method, _ := auth.ParseMailboxID(req.mailbox)
	if method != cfg.Auth {
		logf("session refused: mailbox %q is not of backend %s", req.mailbox, cfg.Auth)
		return anonymous(cfg, req, anonExpired{})
	}
	if p := sessionPolicy(cfg, req); p != "" {
		logf("session refused for %q from %s: %s", req.mailbox, req.remoteAddr, p)
		auditLog.Log(audit.SessionRefused, req.remoteAddr, req.user, p)
		return anonymous(cfg, req, anonRefused{})
	}
	acct, err := lookupAccount(cfg, backend, req.user)
	var codes *guard.Ticket // held for a second-factor code (codeguard.go)
	if err == nil && isCodeAttempt(req) {
		t, code, stop := codeGuard(cfg, req)
		if stop {
			return code
		}
		codes = t
		defer codes.Close()
	}
	if err == nil {
		err = enter(cfg, acct, req)
	}
	if err != nil {
		logf("session refused for %q from %s: %v", req.mailbox, req.remoteAddr, err)
		return anonymous(cfg, req, anonExpired{})
	}
	// We are the user now, inside the Maildir (sandboxed unless sending).
	sessions := sessionStore(cfg)
	return serve(cfg, func(w httpcgi.ResponseWriter, r *httpcgi.Request) {
		sess, err := proveSession(sessions, r, req)
		if err != nil {
			logf("session refused for %s from %s: %v", req.mailbox, req.remoteAddr, err)
			auditLog.Log(audit.SessionRefused, req.remoteAddr, acct.User, sessionReason(err))
			p := basePage(cfg, r)
			p.Login = &templates.LoginData{Expired: true, AllowUnbound: cfg.AllowUnbound}
			p.Title = "Log in"
			setSessionCookie(w, r, "", true)
			render(w, httpcgi.StatusUnauthorized, "login", p)
			return
		}
		a := &app{
			cfg:      cfg,
			acct:     acct,
			sess:     sess,
			sessions: sessions,
			req:      req,
			codes:    codes,
		}
		a.store, err = maildir.Open(acct.Maildir)
		if err != nil {
			logf("maildir of %s: %v", acct.User, err)
			a.fail(w, r, &httpError{status: httpcgi.StatusInternalServerError, public: "Your Maildir could not be opened.", err: err})
			return
		}
		a.store.Summarize = summarize
		a.store.Trash = cfg.Trash
		if a.gate(w, r) {
			return
		}
		a.route(w, r)
	})
}

// proveSession checks the cookie's token against the session file.
func proveSession(sessions *session.Store, r *httpcgi.Request, req *rootRequest) (*session.Session, error) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return nil, err
	}
	mailbox, id, secret, err := session.ParseCookie(c.Value)
	if err != nil {
		return nil, err
	}
	if mailbox != req.mailbox {
		return nil, errors.New("cookie changed between reads")
	}
	return sessions.Check(id, secret, req.remoteAddr)
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

// summarize adapts the message package to the list cache.
func summarize(r io.Reader) maildir.Summary {
	s := message.Summarize(r)
	return maildir.Summary{Date: s.Date, From: s.From, Subject: s.Subject, HasAttachment: s.HasAttachment, Malformed: s.Malformed}
}
