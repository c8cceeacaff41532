package app

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"postern/audit"
	"postern/config"
	"postern/gate"
	"postern/httpcgi"
	"postern/loginlog"
	"postern/passkey"
	"postern/session"
	"postern/templates"
)

// Passkeys (package passkey): registered and removed on the Security page
// (POST /passkey), asked for at the second step of a login (the
// /totp-login page, answered by POST /passkey-step, a code attempt for
// the root room: it holds the guard's counters as for a TOTP code). The
// ceremonies run in passkey.js, served by postern; the options reach it
// in data- attributes of the page, and its answer comes back in an
// ordinary form field, so that the CSRF token and the form parsing are
// those of every POST.

// passkeyStore is the user's credentials (the process is in their Maildir).
func passkeyStore() *passkey.Store {
	return &passkey.Store{Path: filepath.Join(maildirPath(), "postern", "passkeys")}
}

// passkeyChallenges is the user's pending ceremonies.
func passkeyChallenges() *passkey.Challenges {
	return &passkey.Challenges{Path: filepath.Join(maildirPath(), "postern", "passkey-challenges")}
}

// relyingParty is the site's relying party, or nil when webauthn is off
// or its keys are unusable (logged).
func relyingParty(cfg *config.Config) *passkey.RP {
	if !cfg.WebAuthn {
		return nil
	}
	rp, err := passkey.New(passkey.Config{ID: cfg.WebAuthnRPID, Origins: cfg.WebAuthnOriginList(), Name: cfg.SiteName,
		Helper: config.DefaultHelper})
	if err != nil {
		logf("webauthn: %v", err)
		return nil
	}
	return rp
}

// passkeyOn reports whether the user (the process is in their Maildir)
// must give a passkey (or another second factor) after the password: the
// site allows passkeys and the user has registered one. A flagged
// credential (its counter went backwards) still counts: flagging a key
// must not switch the second factor off, so a user whose only keys are
// flagged and who has no TOTP cannot log in until they are removed by the
// administrator (postern(8)). A file that cannot be read counts as on.
func passkeyOn(cfg *config.Config) bool {
	if !cfg.WebAuthn {
		return false
	}
	cs, err := passkeyStore().List()
	if err != nil {
		logf("passkeys: %v", err)
		return true
	}
	return len(cs) > 0
}

// passkeySection is the Security page's list of passkeys, with the options
// of a new registration (its challenge kept for this session).
func (a *app) passkeySection(d *templates.SecurityData) {
	rp := relyingParty(a.cfg)
	if rp == nil {
		return
	}
	d.PasskeysOn = true
	cs, err := passkeyStore().List()
	if err != nil {
		logf("passkeys of %s: %v", a.acct.User, err)
		d.PasskeysBroken = true
		return
	}
	for _, c := range cs {
		row := templates.PasskeyRow{
			ID: base64.RawURLEncoding.EncodeToString(c.Key.ID), Name: c.Name,
			Created: c.Created.Local().Format(time.DateTime), UV: c.UserVerified(),
		}
		if !c.LastUsed.IsZero() {
			row.LastUsed = c.LastUsed.Local().Format(time.DateTime)
		}
		if !c.Cloned.IsZero() {
			row.Cloned = c.Cloned.Local().Format(time.DateTime)
		}
		row.Synced, _ = c.Backup()
		row.Transports = strings.Join(c.Transports(), ", ")
		d.Passkeys = append(d.Passkeys, row)
	}
	if len(cs) >= passkey.MaxCredentials {
		return
	}
	opts, sd, err := rp.BeginRegistration(a.acct.User, cs)
	if err == nil {
		err = passkeyChallenges().Put(a.sess.ID, passkey.PurposeRegister, sd)
	}
	if err != nil {
		logf("passkey registration of %s: %v", a.acct.User, err)
		return
	}
	d.PasskeyOptions = string(opts)
}

// passkeyOp registers (op=add, name, credential: the browser's answer)
// or removes (op=remove, id) a passkey.
func (a *app) passkeyOp(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	rp := relyingParty(a.cfg)
	if rp == nil {
		return &httpError{status: httpcgi.StatusForbidden, public: "Passkeys are not offered on this site."}
	}
	f := r.PostForm
	switch f.Get("op") {
	case "add":
		name := f.Get("name")
		if passkey.CheckName(name) != nil {
			return a.renderSecurity(w, r, "Give the passkey a name (at most 64 characters); nothing was added.", nil)
		}
		sd, err := passkeyChallenges().Take(a.sess.ID, passkey.PurposeRegister)
		if err != nil {
			logf("passkey registration of %s: %v", a.acct.User, err)
			return a.renderSecurity(w, r, "The passkey was not added: the page was too old. Try again.", nil)
		}
		key, err := rp.FinishRegistration(a.acct.User, sd, []byte(f.Get("credential")))
		if errors.Is(err, passkey.ErrHelper) {
			return errPasskeyHelper(err)
		}
		if err != nil {
			logf("passkey registration of %s from %s: %v", a.acct.User, a.req.RemoteAddr, err)
			return a.renderSecurity(w, r, "The passkey was not added: the browser's answer was refused.", nil)
		}
		switch err := passkeyStore().Add(name, key); {
		case errors.Is(err, passkey.ErrDuplicate):
			return a.renderSecurity(w, r, "That passkey is registered already.", nil)
		case errors.Is(err, passkey.ErrTooMany):
			return a.renderSecurity(w, r, "You have as many passkeys as the site allows; remove one first.", nil)
		case err != nil:
			return err
		}
		auditLog.Log(audit.PasskeyAdded, a.req.RemoteAddr, a.acct.User, name)
		return a.renderSecurity(w, r, "The passkey “"+name+"” was added.", nil)
	case "remove":
		id, err := base64.RawURLEncoding.DecodeString(f.Get("id"))
		if err != nil || len(id) == 0 {
			return badRequest("There is no such passkey.", err)
		}
		if err := passkeyStore().Remove(id); errors.Is(err, passkey.ErrNoCredential) {
			return badRequest("There is no such passkey.", err)
		} else if err != nil {
			return err
		}
		auditLog.Log(audit.PasskeyRemoved, a.req.RemoteAddr, a.acct.User, f.Get("id"))
		return a.renderSecurity(w, r, "The passkey was removed.", nil)
	}
	return badRequest("Unknown operation.", nil)
}

// passkeyStep fills the second step's page with a passkey assertion's
// options (its challenge kept for this pending session), when the user
// has a usable passkey.
func (a *app) passkeyStep(d *templates.TOTPLoginData) {
	rp := relyingParty(a.cfg)
	if rp == nil {
		return
	}
	cs, err := passkeyStore().List()
	if err != nil {
		logf("passkeys of %s: %v", a.acct.User, err)
		return
	}
	opts, sd, err := rp.BeginLogin(a.acct.User, cs)
	if errors.Is(err, passkey.ErrNoneLeft) {
		return
	}
	if err == nil {
		err = passkeyChallenges().Put(a.sess.ID, passkey.PurposeLogin, sd)
	}
	if err != nil {
		logf("passkey login of %s: %v", a.acct.User, err)
		return
	}
	d.Passkey = true
	d.PasskeyOptions = string(opts)
}

// passkeyLogin checks the assertion of a pending session (credential:
// the browser's answer to the options of the second step) and replaces
// that session with a full one. A refused assertion is a failed login,
// counted by the guard through the counters the root room held, as a
// wrong code is.
func (a *app) passkeyLogin(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if a.codes == nil {
		return &httpError{status: httpcgi.StatusInternalServerError, public: "Logins are not possible at the moment.", err: errNoCounters}
	}
	rp := relyingParty(a.cfg)
	if rp == nil {
		return &httpError{status: httpcgi.StatusForbidden, public: "Passkeys are not offered on this site."}
	}
	sd, err := passkeyChallenges().Take(a.sess.ID, passkey.PurposeLogin)
	var used *passkey.Credential
	if err == nil {
		used, err = rp.Verify(passkeyStore(), a.acct.User, sd, []byte(r.PostForm.Get("credential")))
	}
	if errors.Is(err, passkey.ErrHelper) {
		// Not the user's failure: nothing was checked, nothing counted.
		return errPasskeyHelper(err)
	}
	if err != nil {
		reason, history := passkeyReason(err)
		logf("passkey login of %s from %s: %v", a.acct.User, a.req.RemoteAddr, err)
		codeDone(a.codes, false, a.req.RemoteAddr, a.acct.User, reason)
		a.recordEvent(loginlog.Failed, history)
		if _, ferr := a.sessions.Fail(a.sess.ID); errors.Is(ferr, session.ErrNoSession) {
			setSessionCookie(w, r, "", true)
			p := basePage(a.cfg, r)
			p.Title = "Log in"
			p.Login = &templates.LoginData{Failed: true, User: a.acct.User, AllowUnbound: a.cfg.AllowUnbound}
			render(w, httpcgi.StatusUnauthorized, "login", p)
			return nil
		}
		return a.renderSecondStep(w, r, httpcgi.StatusUnauthorized, false, history)
	}
	return a.secondStepDone(w, r, "passkey "+used.Name, "password+passkey")
}

// errPasskeyHelper is the page of a ceremony whose answer could not be
// checked (postern-helper missing or failing, package helperrun): 503,
// and not a failed login.
func errPasskeyHelper(err error) *httpError {
	return &httpError{status: httpcgi.StatusServiceUnavailable,
		public: "Passkeys cannot be checked at the moment. Try again later, or use another way to log in.", err: err}
}

// passkeyReason is the audit log's reason and the history's reason of a
// refused assertion.
func passkeyReason(err error) (audit, history string) {
	switch {
	case errors.Is(err, passkey.ErrCloned):
		return "passkey counter went backwards", "passkey-cloned"
	case errors.Is(err, passkey.ErrNoChallenge):
		return "passkey challenge expired or used", "passkey-expired"
	}
	return "wrong passkey", "passkey"
}

// passkeyJS serves the ceremonies' script.
func passkeyJS(w httpcgi.ResponseWriter) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Write(templates.PasskeyJS())
}

func (a *app) passkeyJS(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	passkeyJS(w)
	return nil
}

// passkeyChallenge answers GET /passkey-challenge, as anon_user: the
// options of a passwordless login for passkey.js, whose challenge the
// root room drew and keeps (guard.IssueChallenge), and its id in a
// cookie that lives as long as the challenge.
func passkeyChallenge(w httpcgi.ResponseWriter, r *httpcgi.Request, cfg *config.Config, a gate.Anon) {
	rp := relyingParty(cfg)
	if rp == nil {
		httpcgi.Error(w, "Passkeys are not offered on this site.", httpcgi.StatusNotFound)
		return
	}
	opts, err := rp.PasswordlessOptions(a.Challenge)
	if err != nil {
		logf("passkey challenge: %v", err)
		httpcgi.Error(w, "Internal error.", httpcgi.StatusInternalServerError)
		return
	}
	c := &httpcgi.Cookie{Name: gate.PasskeyCookie, Value: a.ChallengeID, Path: scriptName(r), HttpOnly: true,
		Secure: r.HTTPS, SameSite: httpcgi.SameSiteStrictMode, MaxAge: int(passkey.ChallengeTTL.Seconds())}
	if c.Path == "" {
		c.Path = "/"
	}
	httpcgi.SetCookie(w, c)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(opts)
}

// passwordlessDone finishes a passwordless login the root room let
// through as the account the assertion's user handle names: the
// assertion is checked against this user's credentials, with user
// verification required; the outcome goes to the guard through the
// counters the root room held, to the audit log and to the history.
// Success creates a full session; failure shows the login page again.
func passwordlessDone(e *gate.Entry) int {
	cfg, acct, req, pl := e.Config, e.Account, e.Request, e.Passwordless
	defer pl.Held.Close()
	return serve(cfg, func(w httpcgi.ResponseWriter, r *httpcgi.Request) {
		clear := &httpcgi.Cookie{Name: gate.PasskeyCookie, Path: scriptName(r), MaxAge: -1, HttpOnly: true, Secure: r.HTTPS, SameSite: httpcgi.SameSiteStrictMode}
		if clear.Path == "" {
			clear.Path = "/"
		}
		httpcgi.SetCookie(w, clear)
		a := &app{cfg: cfg, acct: acct, req: req}
		var used *passkey.Credential
		rp := relyingParty(cfg)
		err := errors.New("webauthn is off")
		if rp != nil {
			used, err = rp.VerifyPasswordless(passkeyStore(), acct.User, rp.PasswordlessSession(pl.Challenge, acct.User, pl.Issued), []byte(pl.Credential))
		}
		if errors.Is(err, passkey.ErrHelper) {
			logf("passwordless login of %s from %s: %v", acct.User, req.RemoteAddr, err)
			httpcgi.Error(w, errPasskeyHelper(err).public, httpcgi.StatusServiceUnavailable)
			return
		}
		if err != nil {
			reason, history := passkeyReason(err)
			logf("passwordless login of %s from %s: %v", acct.User, req.RemoteAddr, err)
			codeDone(pl.Held, false, req.RemoteAddr, acct.User, reason)
			a.recordEvent(loginlog.Failed, history)
			p := basePage(cfg, r)
			p.Title = "Log in"
			p.Login = &templates.LoginData{PasskeyFailed: true, Passwordless: true, AllowUnbound: cfg.AllowUnbound}
			allowScript(w)
			render(w, httpcgi.StatusUnauthorized, "login", p)
			return
		}
		sessions := sessionStore(cfg)
		opts := session.Options{IP: req.RemoteAddr, Bind: cfg.BindIP, UA: os.Getenv("HTTP_USER_AGENT")}
		sess, secret, err := sessions.CreateWith(opts)
		if err != nil {
			logf("passwordless login of %s: creating session: %v", acct.User, err)
			httpcgi.Error(w, "Your session could not be created.", httpcgi.StatusInternalServerError)
			return
		}
		codeDone(pl.Held, true, req.RemoteAddr, acct.User, "")
		auditLog.Log(audit.LoginOK, req.RemoteAddr, acct.User, "passkey "+used.Name+" (passwordless)")
		logf("login: %s from %s (passkey)", acct.MailboxID(), req.RemoteAddr)
		loginWhole(cfg, acct, req, sess.ID, "passkey", nil)
		setSessionCookie(w, r, session.FormatCookie(acct.MailboxID(), sess.ID, secret), false)
		httpcgi.Redirect(w, r, scriptName(r)+"/list?f=INBOX", httpcgi.StatusSeeOther)
	})
}
