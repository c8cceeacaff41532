package gate

import (
	"fmt"
	"html"
	"os"
	"slices"
	"strings"
)

// SecurityHeaders are the headers of every response (app sets them on each
// page, FatalPage on its own): no caching anywhere (so Back after logout
// shows no mail), a strict Content-Security-Policy that allows only the
// inlined style sheet (styleHash, its 'sha256-…' source) and our own
// images, no referrer, no sniffing, no framing; with https, HSTS.
func SecurityHeaders(styleHash string, https bool) [][2]string {
	h := [][2]string{
		{"Cache-Control", "no-store, no-cache, must-revalidate, private, max-age=0"},
		{"Pragma", "no-cache"},
		{"Expires", "Thu, 01 Jan 1970 00:00:00 GMT"},
		{"Content-Security-Policy", "default-src 'none'; style-src " + styleHash + "; img-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"},
		{"Referrer-Policy", "no-referrer"},
		{"X-Content-Type-Options", "nosniff"},
		{"X-Frame-Options", "DENY"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
		{"Cross-Origin-Resource-Policy", "same-origin"},
	}
	if https {
		h = append(h, [2]string{"Strict-Transport-Security", "max-age=31536000"})
	}
	return h
}

// statusText is the reason phrase of the statuses FatalPage is given.
func statusText(status int) string {
	switch status {
	case 500:
		return "Internal Server Error"
	case 503:
		return "Service Unavailable"
	}
	return "Error"
}

// FatalPage writes a minimal error response without templates to standard
// output, for the failures that happen before the templates can be loaded
// (a broken configuration, a failed drop, broken templates), and returns
// the exit status given. It is the only output of the root room.
func FatalPage(status int, public string, exit int) int {
	var b strings.Builder
	fmt.Fprintf(&b, "Status: %d %s\r\n", status, statusText(status))
	hs := append(SecurityHeaders("'none'", false), [2]string{"Content-Type", "text/html; charset=utf-8"})
	slices.SortFunc(hs, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) }) // as httpcgi.Header.Write
	for _, kv := range hs {
		fmt.Fprintf(&b, "%s: %s\r\n", kv[0], kv[1])
	}
	b.WriteString("\r\n")
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Error</title></head>\n<body><h1>%d %s</h1>\n<p id=\"error\">%s</p></body></html>\n",
		status, html.EscapeString(statusText(status)), html.EscapeString(public))
	os.Stdout.WriteString(b.String())
	return exit
}
