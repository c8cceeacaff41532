package app

import (
	"postern/config"
	"postern/gate"
	"postern/httpcgi"
	"postern/templates"
)

// anonymous answers a request that gate let through without a valid
// session, as the calling user or anon_user: the login page, the style
// sheet, or an error, as a says (gate.Anon).
func anonymous(cfg *config.Config, req *gate.Request, a gate.Anon) int {
	return serve(cfg, func(w httpcgi.ResponseWriter, r *httpcgi.Request) {
		p := basePage(cfg, r)
		login := &templates.LoginData{AllowUnbound: cfg.AllowUnbound}
		p.Login = login
		login.NeedHTTPS = cfg.RequireHTTPS && !r.HTTPS
		if u := rememberedUser(r); u != "" {
			login.User, login.Remembered = u, true
		}
		status := httpcgi.StatusOK
		switch a.Kind {
		case gate.AnonNeedHTTPS:
			status = httpcgi.StatusForbidden
		case gate.AnonRefused:
			login.Locked = true
			status = httpcgi.StatusForbidden
		case gate.AnonError:
			renderError(w, p, a.Status, a.Message)
			return
		case gate.AnonPasskeyChallenge:
			passkeyChallenge(w, r, cfg, a)
			return
		case gate.AnonPasskeyFailed:
			login.PasskeyFailed = true
			status = httpcgi.StatusUnauthorized
		case gate.AnonLoginFailed:
			login.Failed, login.User = true, a.User
			status = httpcgi.StatusUnauthorized
		case gate.AnonExpired:
			login.Expired = true
			status = httpcgi.StatusUnauthorized
			setSessionCookie(w, r, "", true)
		default:
			switch req.Path {
			case "/", "/login":
				if r.Method != httpcgi.MethodGet && r.Method != httpcgi.MethodHead {
					status = httpcgi.StatusUnauthorized
				}
			case "/logo":
				serveLogo(w, r)
				return
			case "/style.css":
				w.Header().Set("Content-Type", "text/css; charset=utf-8")
				w.Write([]byte(pages.CSS()))
				return
			case "/passkey.js":
				passkeyJS(w)
				return
			case "/folders", "/list", "/msg", "/part", "/raw", "/action", "/empty-trash", "/prefs", "/identities", "/identity", "/logout",
				"/security", "/sessions", "/password", gate.SessionCheckPath, "/totp", "/totp/qr", "/totp-login",
				"/passkey", gate.PasskeyStepPath:
				status = httpcgi.StatusUnauthorized
				login.Expired = req.Method == httpcgi.MethodPost
			default:
				renderError(w, p, httpcgi.StatusNotFound, "There is no such page.")
				return
			}
		}
		p.Title = "Log in"
		if cfg.WebAuthn && cfg.WebAuthnPasswordless {
			login.Passwordless = true
			allowScript(w)
		}
		render(w, status, "login", p)
	})
}

// basePage is the part of every page that does not depend on a session.
func basePage(cfg *config.Config, r *httpcgi.Request) *templates.Page {
	return &templates.Page{Site: cfg.SiteName, Base: scriptName(r)}
}

// render writes a page with status.
func render(w httpcgi.ResponseWriter, status int, name string, p *templates.Page) {
	b, err := pages.Bytes(name, p)
	if err != nil {
		logf("%v", err)
		httpcgi.Error(w, "The webmail's page templates are broken. The administrator will find the reason in the web server's error log.", httpcgi.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// renderError shows the error page.
func renderError(w httpcgi.ResponseWriter, p *templates.Page, status int, msg string) {
	p.Status = status
	p.Error = msg
	p.Title = httpcgi.StatusText(status)
	render(w, status, "error", p)
}
