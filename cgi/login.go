package main

import (
	"errors"
	"io"
	"math/rand/v2"
	"mime"
	"net/url"
	"os"
	"strings"

	"postern/audit"
	"postern/auth"
	"postern/config"
	"postern/httpcgi"
	"postern/session"
)

// errLoginFailed is what every failed login looks like to the client.
var errLoginFailed = errors.New("login failed")

// login handles POST /login. It runs as root until enter: it reads at most
// config.LoginMaxBytes of a urlencoded body, authenticates, and drops to
// the user before the session is written.
func login(cfg *config.Config, backend auth.Authenticator, req *rootRequest) int {
	if code, stop := loginPolicy(cfg, req); stop {
		return code
	}
	mt, _, _ := mime.ParseMediaType(req.contentType)
	switch {
	case mt != "application/x-www-form-urlencoded":
		logf("login refused: content type %q", req.contentType)
		return anonymous(cfg, req, anonError{httpcgi.StatusUnsupportedMediaType, "The login form must be sent as a plain form."})
	case req.contentLength < 0:
		return anonymous(cfg, req, anonError{httpcgi.StatusLengthRequired, "The login request has no length."})
	case req.contentLength > config.LoginMaxBytes:
		logf("login refused: body of %d bytes", req.contentLength)
		return anonymous(cfg, req, anonError{httpcgi.StatusRequestEntityTooLarge, "The login request is too large."})
	}
	if !sameOrigin(os.Getenv) {
		logf("login refused: cross-site request")
		return anonymous(cfg, req, anonError{httpcgi.StatusForbidden, "The login form must be sent from this site."})
	}
	body, err := io.ReadAll(io.LimitReader(os.Stdin, req.contentLength))
	if err != nil || int64(len(body)) != req.contentLength {
		return anonymous(cfg, req, anonError{httpcgi.StatusBadRequest, "The login request was cut short."})
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return anonymous(cfg, req, anonError{httpcgi.StatusBadRequest, "The login request is malformed."})
	}
	name := strings.TrimSpace(form.Get("user"))
	pass := form.Get("pass")
	bind := cfg.BindIP
	if cfg.AllowUnbound && form.Get("nobind") != "" {
		bind = false
	}
	public, remember := form.Get("public") != "", form.Get("remember") != ""
	if code, stop := guardCheck(cfg, req, name); stop {
		return code
	}

	acct, err := authenticate(cfg, backend, name, pass)
	if err == nil {
		if p := clientCertProblem(cfg, name); p != "" {
			err = errors.New(p)
		}
	}
	if err != nil {
		logf("login failed for %q from %s: %v", name, req.remoteAddr, err)
		noteFailure(cfg, req, name, err)
		return anonymous(cfg, req, anonLoginFailed{user: name})
	}
	maybeSweep(loginGuard(cfg), rand.IntN(sweepEvery))
	// The reset waits until the session exists: a second factor may be due.
	held := holdAfterPassword(cfg, req, name)
	if err := enter(cfg, acct, req); err != nil {
		logf("login failed for %q from %s: %v", name, req.remoteAddr, err)
		return anonymous(cfg, req, anonLoginFailed{user: name})
	}
	// From here on we are the user, inside the Maildir.
	store := sessionStore(cfg)
	opts := session.Options{IP: req.remoteAddr, Bind: bind, UA: os.Getenv("HTTP_USER_AGENT"), Public: public}
	if public {
		opts.Idle = cfg.PublicIdle
	}
	opts.Pending = secondFactorOn(cfg)
	sess, secret, err := store.CreateWith(opts)
	if err != nil {
		logf("login of %s: creating session: %v", acct.User, err)
		return anonymous(cfg, req, anonError{httpcgi.StatusInternalServerError, "Your session could not be created. The administrator will find the reason in the web server's error log."})
	}
	passwordDone(held, opts.Pending)
	logf("login: %s from %s", acct.MailboxID(), req.remoteAddr)
	next := "/list?f=INBOX"
	if opts.Pending {
		auditLog.Log(audit.LoginPending, req.remoteAddr, acct.User, "totp")
		next = "/totp-login"
	} else {
		auditLog.Log(audit.LoginOK, req.remoteAddr, acct.User, "")
	}
	value := session.FormatCookie(acct.MailboxID(), sess.ID, secret)
	return serve(cfg, func(w httpcgi.ResponseWriter, r *httpcgi.Request) {
		setSessionCookie(w, r, value, false)
		if remember && !public {
			setRememberCookie(w, r, acct.User)
		} else if _, err := r.Cookie(rememberCookie); err == nil {
			setRememberCookie(w, r, "")
		}
		httpcgi.Redirect(w, r, scriptName(r)+next, httpcgi.StatusSeeOther)
	})
}

// authenticate validates the user name, then asks the backend. Every
// failure is errLoginFailed to the client; the wrapped text is for the log.
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

// sameOrigin refuses cross-site form posts, judged by the Fetch Metadata
// header when the browser sends one, else by Origin. Browsers send
// "Origin: null" for every POST under Referrer-Policy: no-referrer, so
// "null" decides nothing; requests with neither header (text browsers,
// curl) pass, and the CSRF token still guards every logged-in POST.
func sameOrigin(getenv func(string) string) bool {
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
