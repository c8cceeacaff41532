package main

import (
	"fmt"
	"html"
	"io"

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
		return fatalPage(500, "The webmail's page templates are broken. The administrator will find the reason in the web server's error log.", exitConfig)
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
		return exitInternal
	}
	return exitOK
}

// afterResponse is run, last first, once the response has been written:
// clean-up such as closing the index (which folds its write-ahead log
// into the database). Standard output stays open until the process ends:
// mod_cgi sends SIGTERM to a CGI that outlives its response.
var afterResponse []func()

// pages is the template set of this request, loaded by serve.
var pages *templates.Set

// securityHeaders sets what every response carries: no caching anywhere
// (so Back after logout shows no mail), a strict Content-Security-Policy
// that allows only the inlined style sheet and our own images, no
// referrer, no sniffing, no framing.
func securityHeaders(h httpcgi.Header, styleHash string, https bool) {
	h.Set("Cache-Control", "no-store, no-cache, must-revalidate, private, max-age=0")
	h.Set("Pragma", "no-cache")
	h.Set("Expires", "Thu, 01 Jan 1970 00:00:00 GMT")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src "+styleHash+"; img-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if https {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}

// scriptName is the URL path of the program, the base of every link.
func scriptName(r *httpcgi.Request) string {
	return strings.TrimSuffix(os.Getenv("SCRIPT_NAME"), "/")
}

// setSessionCookie sets (or, with clear, removes) the session cookie.
func setSessionCookie(w httpcgi.ResponseWriter, r *httpcgi.Request, value string, clear bool) {
	c := &httpcgi.Cookie{
		Name:     cookieName,
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

// fatalPage writes a minimal error response without templates, for the
// failures that happen before the templates can be loaded, and returns
// the exit status given.
func fatalPage(status int, public string, exit int) int {
	h := httpcgi.Header{}
	securityHeaders(h, "'none'", false)
	h.Set("Content-Type", "text/html; charset=utf-8")
	var b strings.Builder
	fmt.Fprintf(&b, "Status: %d %s\r\n", status, httpcgi.StatusText(status))
	h.Write(&b)
	b.WriteString("\r\n")
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Error</title></head>\n<body><h1>%d %s</h1>\n<p id=\"error\">%s</p></body></html>\n",
		status, html.EscapeString(httpcgi.StatusText(status)), html.EscapeString(public))
	os.Stdout.WriteString(b.String())
	return exit
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
