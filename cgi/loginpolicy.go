package main

import (
	"time"

	"postern/audit"
	"postern/config"
	"postern/httpcgi"
	"postern/twofactor"
)

// loginPolicy refuses a login before its body is read: not over HTTPS
// (require_https), from a network outside allow_from, or without a
// verified client certificate (client_cert). It runs as root and reads
// only the CGI environment.
func loginPolicy(cfg *config.Config, req *rootRequest) (code int, stop bool) {
	refuse := func(reason string, mode anonMode) (int, bool) {
		logf("login refused from %s: %s", req.remoteAddr, reason)
		auditLog.Log(audit.LoginRefused, req.remoteAddr, "", reason)
		return anonymous(cfg, req, mode), true
	}
	switch {
	case cfg.RequireHTTPS && !httpsOn():
		return refuse("not over HTTPS", anonNeedHTTPS{})
	case !networkAllowed(cfg, req.remoteAddr):
		return refuse("network not allowed", anonRefused{})
	}
	if p := clientCertProblem(cfg, ""); p != "" {
		return refuse(p, anonRefused{})
	}
	return 0, false
}

// guardCheck asks the brute-force guard about a login at name: a locked
// name or address fails like a wrong password, without asking the
// backend; otherwise it waits the delay the guard asks for. A broken guard
// directory refuses logins (fail closed).
func guardCheck(cfg *config.Config, req *rootRequest, name string) (code int, stop bool) {
	v, err := loginGuard(cfg).Check(name, req.remoteAddr)
	if err != nil {
		logf("login refused: %v", err)
		return anonymous(cfg, req, anonError{httpcgi.StatusInternalServerError, "Logins are not possible at the moment. The administrator will find the reason in the web server's error log."}), true
	}
	if v.Locked {
		logf("login refused for %q from %s: %s", name, req.remoteAddr, v.Reason)
		auditLog.Log(audit.LoginLocked, req.remoteAddr, name, v.Reason)
		return anonymous(cfg, req, anonLoginFailed{user: name}), true
	}
	time.Sleep(v.Delay)
	return 0, false
}

// noteFailure counts a failed login and writes its audit line.
func noteFailure(cfg *config.Config, req *rootRequest, name string, err error) {
	if gerr := loginGuard(cfg).Fail(name, req.remoteAddr); gerr != nil {
		logf("guard: %v", gerr)
	}
	auditLog.Log(audit.LoginFailed, req.remoteAddr, name, failReason(err))
}

// failReason is the short audit reason of a failed login; the full error
// goes to the web server's log.
func failReason(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120]
	}
	return s
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

// sessionPolicy checks a request with a session cookie, as root, from the
// CGI environment only: "" when allowed, else the reason.
func sessionPolicy(cfg *config.Config, req *rootRequest) string {
	if !networkAllowed(cfg, req.remoteAddr) {
		return "network not allowed"
	}
	return clientCertProblem(cfg, req.user)
}
