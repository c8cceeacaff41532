package gate

import (
	"errors"
	"io"
	"math/rand/v2"
	"mime"
	"net/url"
	"os"
	"strings"

	"postern/auth"
	"postern/config"
	"postern/guard"
)

// login handles POST /login as root until enter: the login policy, at most
// config.LoginMaxBytes of a urlencoded body, the guard, the backend. The
// session is created by the app, as the user.
func (g *room) login(backend auth.Authenticator) *Entry {
	if a, stop := g.loginPolicy(); stop {
		return g.anonymous(a)
	}
	form, a, ok := g.readSmallForm("login ", loginMaxBytes)
	if !ok {
		return g.anonymous(a)
	}
	name := strings.TrimSpace(form.Get("user"))
	pass := form.Get("pass")
	l := &Login{
		Bind:     g.cfg.BindIP && !(g.cfg.AllowUnbound && form.Get("nobind") != ""),
		Public:   form.Get("public") != "",
		Remember: form.Get("remember") != "",
	}
	if a, stop := g.guardCheck(name); stop {
		return g.anonymous(a)
	}
	acct, err := authenticate(g.cfg, backend, name, pass)
	reason := "password"
	if err == nil {
		if p := clientCertProblem(g.cfg, name); p != "" {
			err, reason = errors.New(p), "client-cert"
		}
	}
	if err != nil {
		logf("login failed for %q from %s: %v", name, g.req.RemoteAddr, err)
		g.noteFailure(name, err, reason)
		return g.anonymous(Anon{Kind: AnonLoginFailed, User: name})
	}
	maybeSweep(loginGuard(g.cfg), rand.IntN(sweepEvery))
	// The reset waits until the session exists: a second factor may be due.
	l.Held = g.holdAfterPassword(name)
	l.Failures = g.takeFailures(name)
	if err := g.enter(acct); err != nil {
		logf("login failed for %q from %s: %v", name, g.req.RemoteAddr, err)
		l.Held.Close()
		return g.anonymous(Anon{Kind: AnonLoginFailed, User: name})
	}
	e := g.entry(acct)
	e.Login = l
	return e
}

// loginMaxBytes bounds the login form and the PAM password form.
const loginMaxBytes = config.LoginMaxBytes

// authenticate validates the user name, then asks the backend. Every
// failure looks the same to the client; the error is for the log.
func authenticate(cfg *config.Config, backend auth.Authenticator, name, pass string) (*auth.Account, error) {
	if err := auth.ValidUser(name); err != nil {
		return nil, err
	}
	if pass == "" {
		return nil, errors.New("empty password")
	}
	acct, err := backend.Authenticate(name, pass)
	if err != nil {
		return nil, err
	}
	if err := checkAccount(cfg, acct); err != nil {
		return nil, err
	}
	rememberAccount(cfg, acct)
	return acct, nil
}

// readSmallForm reads a urlencoded body of at most max bytes as root, for
// the login form, the passwordless login and the PAM password form (what
// names which in the texts of the refusals). On failure it returns the
// refusal.
func (g *room) readSmallForm(what string, max int64) (url.Values, Anon, bool) {
	mt, _, _ := mime.ParseMediaType(g.req.ContentType)
	switch {
	case mt != "application/x-www-form-urlencoded":
		logf("%srefused: content type %q", what, g.req.ContentType)
		return nil, anonError(statusUnsupportedMediaType, "The "+what+"form must be sent as a plain form."), false
	case g.req.ContentLength < 0:
		return nil, anonError(statusLengthRequired, "The "+what+"request has no length."), false
	case g.req.ContentLength > max:
		logf("%srefused: body of %d bytes", what, g.req.ContentLength)
		return nil, anonError(statusRequestEntityTooLarge, "The "+what+"request is too large."), false
	}
	if !SameOrigin(os.Getenv) {
		logf("%srefused: cross-site request", what)
		return nil, anonError(statusForbidden, "The "+what+"form must be sent from this site."), false
	}
	body, err := io.ReadAll(io.LimitReader(os.Stdin, g.req.ContentLength))
	if err != nil || int64(len(body)) != g.req.ContentLength {
		return nil, anonError(statusBadRequest, "The "+what+"request was cut short."), false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, anonError(statusBadRequest, "The "+what+"request is malformed."), false
	}
	return form, Anon{}, true
}

// SameOrigin refuses cross-site form posts, judged by the Fetch Metadata
// header when the browser sends one, else by Origin. Browsers send
// "Origin: null" for every POST under Referrer-Policy: no-referrer, so
// "null" decides nothing; requests with neither header (text browsers,
// curl) pass, and the CSRF token still guards every logged-in POST. The
// app asks it of every POST too.
func SameOrigin(getenv func(string) string) bool {
	switch getenv("HTTP_SEC_FETCH_SITE") {
	case "same-origin", "none":
		return true
	case "":
	default: // cross-site, same-site, or anything new
		return false
	}
	origin := getenv("HTTP_ORIGIN")
	if origin == "" || origin == "null" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Host, getenv("HTTP_HOST"))
}

// takeFailures takes the guard's record of the failed logins at name
// since the last successful one, for the app to fold into the user's
// history. A record that cannot be read is logged and left.
func (g *room) takeFailures(name string) []guard.Failure {
	f, err := loginGuard(g.cfg).TakeFailures(name)
	if err != nil {
		logf("guard: %v", err)
	}
	return f
}
