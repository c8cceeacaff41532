package gate

import (
	"encoding/base64"
	"errors"
	"os"

	"postern/auth"
	"postern/guard"
)

// Passwordless login (webauthn_passwordless; guard/doc.go, "Passkey
// challenges"). Two requests, both classified before any cookie is
// looked at:
//
//   - GET /passkey-challenge passes the login policy, draws a challenge
//     in guard_dir (guard.IssueChallenge) and drops to anon_user; the app
//     sends the options and the challenge's id in a cookie.
//   - POST /passkey-login passes the login policy and reads a small
//     urlencoded form: "handle", the assertion's user handle (base64url;
//     postern's handles are user names, package passkey), and
//     "credential", the assertion, which is not parsed here. The handle
//     names the account; the guard is asked for it and the address (a
//     locked one gets the locked page), the challenge of the cookie is
//     taken (once), the account looked up without a password, the
//     guard's counters held (as for a code), and the process drops to it.
//     The app checks the assertion as that user, against that user's
//     credentials, with user verification required, and records the
//     outcome through the counters. The root room never reads a file of
//     the user's, and a handle that names someone else only gets an
//     assertion checked against that someone's credentials.
//
// A handle that is no valid name, a challenge that is missing, expired
// or used, and an account that does not exist are failed logins here,
// counted and audited as a wrong password is.

// maxPasskeyLoginBytes bounds the form of a passwordless login: the
// assertion's JSON (passkey.MaxResponseBytes) urlencoded, and the handle.
const maxPasskeyLoginBytes = 48 << 10

// passkeyChallenge answers GET /passkey-challenge.
func (g *room) passkeyChallenge() *Entry {
	if !g.cfg.WebAuthn || !g.cfg.WebAuthnPasswordless {
		return g.anonymous(Anon{})
	}
	if a, stop := g.loginPolicy(); stop {
		return g.anonymous(a)
	}
	id, ch, err := loginGuard(g.cfg).IssueChallenge()
	if err != nil {
		logf("passkey challenge for %s: %v", g.req.RemoteAddr, err)
		return g.anonymous(anonError(statusServiceUnavailable, "Passkey logins are not possible at the moment. Try again in two minutes, or log in with your password."))
	}
	return g.anonymous(Anon{Kind: AnonPasskeyChallenge, ChallengeID: id, Challenge: ch})
}

// passkeyLogin handles POST /passkey-login as root until enter.
func (g *room) passkeyLogin(backend auth.Authenticator) *Entry {
	if !g.cfg.WebAuthn || !g.cfg.WebAuthnPasswordless {
		return g.anonymous(Anon{})
	}
	if a, stop := g.loginPolicy(); stop {
		return g.anonymous(a)
	}
	form, a, ok := g.readSmallForm("passkey login ", maxPasskeyLoginBytes)
	if !ok {
		return g.anonymous(a)
	}
	failed := Anon{Kind: AnonPasskeyFailed}
	raw, err := base64.RawURLEncoding.DecodeString(form.Get("handle"))
	name := string(raw)
	if err == nil {
		err = auth.ValidUser(name)
	}
	if err != nil {
		logf("passkey login failed from %s: user handle: %v", g.req.RemoteAddr, err)
		g.noteFailure(name, errors.New("wrong passkey"), "passkey")
		return g.anonymous(failed)
	}
	g.req.User = name
	if a, stop := g.guardCheck(name); stop {
		return g.anonymous(a)
	}
	challenge, issued, err := loginGuard(g.cfg).TakeChallenge(cookieValue(os.Getenv("HTTP_COOKIE"), PasskeyCookie))
	if err != nil {
		logf("passkey login failed for %q from %s: %v", name, g.req.RemoteAddr, err)
		reason := "wrong passkey"
		if errors.Is(err, guard.ErrNoChallenge) {
			reason = "passkey challenge expired or used"
		}
		g.noteFailure(name, errors.New(reason), "passkey-expired")
		return g.anonymous(failed)
	}
	acct, err := lookupAccount(g.cfg, backend, name)
	if err == nil {
		err = checkAccount(g.cfg, acct)
	}
	if err != nil {
		logf("passkey login failed for %q from %s: %v", name, g.req.RemoteAddr, err)
		g.noteFailure(name, errors.New("wrong passkey"), "passkey")
		return g.anonymous(failed)
	}
	held, err := loginGuard(g.cfg).Hold(name, g.req.RemoteAddr)
	if err != nil {
		logf("passkey login refused for %q from %s: %v", name, g.req.RemoteAddr, err)
		return g.anonymous(anonError(statusInternalServerError, "Logins are not possible at the moment. The administrator will find the reason in the web server's error log."))
	}
	if err := g.enter(acct); err != nil {
		logf("passkey login failed for %q from %s: %v", name, g.req.RemoteAddr, err)
		held.Close()
		return g.anonymous(failed)
	}
	e := g.entry(acct)
	e.Passwordless = &Passwordless{Challenge: challenge, Issued: issued, Credential: form.Get("credential"), Held: held}
	return e
}
