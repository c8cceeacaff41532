package app

import (
	"io"
	"postern/gate"

	"os"
	"strings"
	"time"

	"postern/config"
	"postern/httpcgi"
	"postern/templates"
)

// serve answers the request with h through httpcgi, after the
// privilege drop. It loads the templates (possibly from template_dir, as
// the dropped user) and sends the security headers on every response.
func serve(cfg *config.Config, h func(w httpcgi.ResponseWriter, r *httpcgi.Request)) int {
	set, err := templates.Load(cfg.TemplateDir)
	if err != nil {
		logf("%v", err)
		return gate.FatalPage(500, "The webmail's page templates are broken. The administrator will find the reason in the web server's error log.", gate.ExitConfig)
	}
	pages = set
	err = httpcgi.Serve(func(w httpcgi.ResponseWriter, r *httpcgi.Request) {
		securityHeaders(w.Header(), set.StyleHash(), r.HTTPS)
		h(w, r)
	})
	for i := len(afterResponse) - 1; i >= 0; i-- {
		afterResponse[i]()
	}
	if err != nil {
		logf("cgi: %v", err)
		return gate.ExitInternal
	}
	return gate.ExitOK
}

// afterResponse is run, last first, once the response has been written:
// clean-up such as closing the index (which folds its write-ahead log
// into the database). Standard output stays open until the process ends:
// mod_cgi sends SIGTERM to a CGI that outlives its response.
var afterResponse []func()

// pages is the template set of this request, loaded by serve.
var pages *templates.Set

// securityHeaders sets what every response carries
// (gate.SecurityHeaders), with the hash of this template set's inlined
// style sheet.
func securityHeaders(h httpcgi.Header, styleHash string, https bool) {
	for _, kv := range gate.SecurityHeaders(styleHash, https) {
		h.Set(kv[0], kv[1])
	}
}

// scriptName is the URL path of the program, the base of every link.
func scriptName(r *httpcgi.Request) string {
	return strings.TrimSuffix(os.Getenv("SCRIPT_NAME"), "/")
}

// setSessionCookie sets (or, with clear, removes) the session cookie.
func setSessionCookie(w httpcgi.ResponseWriter, r *httpcgi.Request, value string, clear bool) {
	c := &httpcgi.Cookie{
		Name:     gate.CookieName,
		Value:    value,
		Path:     scriptName(r),
		HttpOnly: true,
		Secure:   r.HTTPS,
		SameSite: httpcgi.SameSiteStrictMode,
	}
	if c.Path == "" {
		c.Path = "/"
	}
	if clear {
		c.Value = ""
		c.MaxAge = -1
		c.Expires = time.Unix(1, 0)
	}
	httpcgi.SetCookie(w, c)
}

// serveLogo sends the site's logo from the template directory.
func serveLogo(w httpcgi.ResponseWriter, r *httpcgi.Request) {
	path, mediaType := pages.Logo()
	if path == "" {
		httpcgi.NotFound(w, r)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		logf("logo: %v", err)
		httpcgi.NotFound(w, r)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Content-Security-Policy", partCSP)
	io.Copy(w, io.LimitReader(f, maxLogoBytes))
}

// maxLogoBytes bounds the logo file sent.
const maxLogoBytes = 1 << 20
