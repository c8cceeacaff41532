package main

import (
	"postern/config"
	"postern/httpcgi"
	"postern/templates"
)

// Anonymous answers: what a request without a valid session gets.
type (
	anonMode  interface{}
	anonPlain struct{}
	anonError struct {
		status int
		msg    string
	}
	anonLoginFailed struct{ user string }
	anonExpired     struct{}
	anonLoggedOut   struct{}
	anonNeedHTTPS   struct{} // a password sent without TLS was refused
	anonRefused     struct{} // network or client certificate not allowed
)

var anonNone anonMode = anonPlain{}

// anonymous drops root (to the caller, or anon_user) and answers a request
// that has no valid session: the login page, the style sheet, or an error.
func anonymous(cfg *config.Config, req *rootRequest, mode anonMode) int {
	dropAnonymous(cfg)
	return serve(cfg, func(w httpcgi.ResponseWriter, r *httpcgi.Request) {
		p := basePage(cfg, r)
		login := &templates.LoginData{AllowUnbound: cfg.AllowUnbound}
		p.Login = login
		login.NeedHTTPS = cfg.RequireHTTPS && !r.HTTPS
		if u := rememberedUser(r); u != "" {
			login.User, login.Remembered = u, true
		}
		status := httpcgi.StatusOK
		switch m := mode.(type) {
		case anonNeedHTTPS:
			status = httpcgi.StatusForbidden
		case anonRefused:
			login.Locked = true
			status = httpcgi.StatusForbidden
		case anonError:
			renderError(w, p, m.status, m.msg)
			return
		case anonLoginFailed:
			login.Failed, login.User = true, m.user
			status = httpcgi.StatusUnauthorized
		case anonExpired:
			login.Expired = true
			status = httpcgi.StatusUnauthorized
			setSessionCookie(w, r, "", true)
		case anonLoggedOut:
			login.LoggedOut = true
			setSessionCookie(w, r, "", true)
			w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
		default:
			switch req.path {
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
			case "/folders", "/list", "/msg", "/part", "/raw", "/action", "/empty-trash", "/prefs", "/logout",
				"/security", "/sessions", "/password", checkPath, "/totp", "/totp/qr", "/totp-login":
				status = httpcgi.StatusUnauthorized
				login.Expired = req.method == httpcgi.MethodPost
			default:
				renderError(w, p, httpcgi.StatusNotFound, "There is no such page.")
				return
			}
		}
		p.Title = "Log in"
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
