package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"postern/audit"
	"postern/auth"
	"postern/config"
	"postern/guard"
	"postern/httpcgi"
	"postern/session"
)

// auditLog is the audit log of this request, opened in step 2 (a datagram
// socket connected as root; it reads nothing).
var auditLog *audit.Logger

// openAudit connects the audit log; failing that, lines go to stderr.
func openAudit(cfg *config.Config) {
	auditLog, _ = audit.Dial(cfg.AuditSocket) // a failure is told with the first line
}

// loginGuard is the brute-force guard of the configuration.
func loginGuard(cfg *config.Config) *guard.Guard {
	return &guard.Guard{Dir: cfg.GuardDir, Limits: guard.Limits{
		UserLock: cfg.LockoutUser, IPLock: cfg.LockoutIP, Window: cfg.LockoutTime,
	}}
}

// networkAllowed checks the client address against allow_from.
func networkAllowed(cfg *config.Config, ip string) bool {
	l, err := guard.ParseAllow(cfg.AllowFrom)
	if err != nil { // config checked it; refuse rather than allow
		logf("allow_from: %v", err)
		return false
	}
	return l.Allowed(ip)
}

// httpsOn reports whether the web server says the request came over TLS
// (the root room's reading of HTTPS; after the drop it is
// httpcgi.Request.HTTPS, by the same function).
func httpsOn() bool { return httpcgi.HTTPSOn(os.Getenv("HTTPS")) }

// clientCertProblem checks client_cert for a request by user ("" before
// the user is known): "" when fine, else the reason for the log.
func clientCertProblem(cfg *config.Config, user string) string {
	if cfg.ClientCert == "off" {
		return ""
	}
	if os.Getenv("SSL_CLIENT_VERIFY") != "SUCCESS" {
		return "no verified client certificate"
	}
	if cfg.ClientCert == "match" && user != "" {
		email, cn := os.Getenv("SSL_CLIENT_S_DN_Email"), os.Getenv("SSL_CLIENT_S_DN_CN")
		if user != cn && !strings.EqualFold(user, email) {
			return "client certificate (CN " + cn + ", e-mail " + email + ") is not " + user
		}
	}
	return ""
}

// privateTmp sends temporary files (SQLite's sorts and FTS merges, Go's
// spilled uploads) to a private directory in the Maildir, not /var/tmp or
// /tmp, which the sandbox closes (and which other users share).
func privateTmp(acct *auth.Account) {
	tmp := filepath.Join(acct.Maildir, "postern", "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		logf("temporary directory of %s: %v", acct.User, err)
		return
	}
	os.Setenv("TMPDIR", tmp)
	os.Setenv("SQLITE_TMPDIR", tmp)
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

// rememberedUser reads the user-name cookie (after the drop).
func rememberedUser(r *httpcgi.Request) string {
	c, err := r.Cookie(rememberCookie)
	if err != nil || auth.ValidUser(c.Value) != nil {
		return ""
	}
	return c.Value
}

// twofactorPath is the TOTP state file in the Maildir (the process is in it).
func twofactorPath() string {
	wd, err := os.Getwd()
	if err != nil {
		wd = "."
	}
	return filepath.Join(wd, "postern", "totp")
}

// sweepEvery is how many successful logins, on average, pass between two
// sweeps of the guard directory: the counters of names tried once and
// never again are removed once their window has passed.
const sweepEvery = 50

// maybeSweep sweeps g when roll (a random draw in [0, sweepEvery)) is 0.
func maybeSweep(g *guard.Guard, roll int) {
	if roll != 0 {
		return
	}
	if err := g.Sweep(); err != nil {
		logf("guard: sweep: %v", err)
	}
}
