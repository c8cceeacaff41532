package gate

import (
	"os"
	"strings"
	"time"

	"postern/audit"
	"postern/config"
	"postern/guard"
	"postern/useragent"
)

// loginPolicy refuses a login before its body is read: not over HTTPS
// (require_https), from a network outside allow_from, or without a
// verified client certificate (client_cert). It reads only the CGI
// environment.
func (g *room) loginPolicy() (Anon, bool) {
	refuse := func(reason string, kind AnonKind) (Anon, bool) {
		logf("login refused from %s: %s", g.req.RemoteAddr, reason)
		g.audit.Log(audit.LoginRefused, g.req.RemoteAddr, "", reason)
		return Anon{Kind: kind}, true
	}
	switch {
	case g.cfg.RequireHTTPS && !HTTPSOn(os.Getenv("HTTPS")):
		return refuse("not over HTTPS", AnonNeedHTTPS)
	case !networkAllowed(g.cfg, g.req.RemoteAddr):
		return refuse("network not allowed", AnonRefused)
	}
	if p := clientCertProblem(g.cfg, ""); p != "" {
		return refuse(p, AnonRefused)
	}
	return Anon{}, false
}

// sessionPolicy checks a request with a session cookie from the CGI
// environment only: "" when allowed, else the reason.
func sessionPolicy(cfg *config.Config, req *Request) string {
	if !networkAllowed(cfg, req.RemoteAddr) {
		return "network not allowed"
	}
	return clientCertProblem(cfg, req.User)
}

// HTTPSOn reports whether the CGI variable HTTPS says the request came
// over TLS: "on" in any case (Apache, lighttpd, nginx's fastcgi_params) or
// "1". The root room's reading; it must agree with httpcgi.HTTPSOn, the
// app's reading of the same variable (TestHTTPSReadings in package main),
// which this package does not import.
func HTTPSOn(v string) bool { return strings.EqualFold(v, "on") || v == "1" }

// networkAllowed checks the client address against allow_from.
func networkAllowed(cfg *config.Config, ip string) bool {
	l, err := guard.ParseAllow(cfg.AllowFrom)
	if err != nil { // config checked it; refuse rather than allow
		logf("allow_from: %v", err)
		return false
	}
	return l.Allowed(ip)
}

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

// guardCheck asks the brute-force guard about a login at name: a locked
// name or address fails like a wrong password, without asking the
// backend; otherwise it waits the delay the guard asks for. A broken guard
// directory refuses logins (fail closed).
func (g *room) guardCheck(name string) (Anon, bool) {
	v, err := loginGuard(g.cfg).Check(name, g.req.RemoteAddr)
	if err != nil {
		logf("login refused: %v", err)
		return anonError(statusInternalServerError, "Logins are not possible at the moment. The administrator will find the reason in the web server's error log."), true
	}
	if v.Locked {
		logf("login refused for %q from %s: %s", name, g.req.RemoteAddr, v.Reason)
		g.audit.Log(audit.LoginLocked, g.req.RemoteAddr, name, v.Reason)
		g.recordFailure(name, "locked")
		return Anon{Kind: AnonLoginFailed, User: name}, true
	}
	time.Sleep(v.Delay)
	return Anon{}, false
}

// noteFailure counts a failed login, records it for the user's history
// under reason (a guard.Failure token) and writes its audit line.
func (g *room) noteFailure(name string, err error, reason string) {
	if gerr := loginGuard(g.cfg).Fail(name, g.req.RemoteAddr); gerr != nil {
		logf("guard: %v", gerr)
	}
	g.recordFailure(name, reason)
	g.audit.Log(audit.LoginFailed, g.req.RemoteAddr, name, FailReason(err))
}

// recordFailure adds a failed login at name to the guard's record, which
// the app folds into the user's history at the next login (guard/doc.go,
// "Failed logins for the history"). Every name is recorded the same way,
// existing or not. A failure to record is logged; the login answer is the
// same.
func (g *room) recordFailure(name, reason string) {
	f := guard.Failure{Time: time.Now(), IP: g.req.RemoteAddr, Reason: reason,
		Browser: useragent.Short(os.Getenv("HTTP_USER_AGENT"))}
	if err := loginGuard(g.cfg).NoteFailure(name, f); err != nil {
		logf("guard: %v", err)
	}
}

// FailReason is the short audit reason of a failed login; the full error
// goes to the web server's log.
func FailReason(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}
