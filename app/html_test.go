package app

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"postern/message"
)

func TestHTMLCSP(t *testing.T) {
	for _, remote := range []bool{false, true} {
		csp := htmlCSP(remote)
		for _, want := range []string{"default-src 'none'", "form-action 'none'", "base-uri 'none'", "frame-ancestors 'self'", "sandbox"} {
			if !strings.Contains(csp, want) {
				t.Errorf("htmlCSP(%v) = %q, lacks %q", remote, csp, want)
			}
		}
		// No script may ever run in the frame, whatever the sanitizer let through.
		if strings.Contains(csp, "allow-scripts") || strings.Contains(csp, "script-src") || strings.Contains(iframeSandbox, "allow-scripts") {
			t.Errorf("htmlCSP(%v) = %q (frame sandbox %q) allows scripts", remote, csp, iframeSandbox)
		}
		// An opaque origin: no Referer, not even for CSS images, and no
		// request to the webmail with the session cookie.
		if strings.Contains(csp, "allow-same-origin") || strings.Contains(iframeSandbox, "allow-same-origin") {
			t.Errorf("htmlCSP(%v) = %q (frame sandbox %q) keeps the same origin", remote, csp, iframeSandbox)
		}
		if strings.Contains(csp, "'self'") && !strings.Contains(csp, "frame-ancestors 'self'") {
			t.Errorf("htmlCSP(%v) = %q loads from 'self'", remote, csp)
		}
		if got := strings.Contains(csp, "https:"); got != remote {
			t.Errorf("htmlCSP(%v) allows remote images = %v", remote, got)
		}
	}
}

func TestSelfHosts(t *testing.T) {
	t.Setenv("HTTP_HOST", "Mail.Example.org:8443")
	t.Setenv("SERVER_NAME", "mail.example.org")
	t.Setenv("SERVER_PORT", "8443")
	t.Setenv("SERVER_ADDR", "2001:db8::7")
	got := strings.Join(selfHosts(), " ")
	if want := "Mail.Example.org:8443 mail.example.org:8443 [2001:db8::7]:8443"; got != want {
		t.Errorf("selfHosts() = %q, want %q", got, want)
	}
}

// TestInlineParts writes the cid: images of a message into data: URLs:
// raster images only, within the size limits.
func TestInlineParts(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\nfake image bytes")
	big := strings.Repeat("A", maxInlineImage+10)
	msg := "From: a@example.org\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/html\r\n\r\n<img src=cid:logo@x><img src=cid:svg@x>\r\n" +
		"--b\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString(png) + "\r\n" +
		"--b\r\nContent-Type: image/svg+xml\r\nContent-ID: <svg@x>\r\n\r\n<svg xmlns='http://www.w3.org/2000/svg'/>\r\n" +
		"--b\r\nContent-Type: image/gif\r\nContent-ID: <big@x>\r\n\r\n" + big + "\r\n" +
		"--b--\r\n"
	path := filepath.Join(t.TempDir(), "msg")
	if err := os.WriteFile(path, []byte(msg), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	v := message.Parse(f, message.DefaultLimits)
	f.Close()
	partURL := inlineParts(&msgRef{path: path, id: "k"}, contentIDs(v))
	tests := []struct{ cid, want string }{
		{"logo@x", "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)},
		{"svg@x", ""},     // SVG can carry script: never inline
		{"big@x", ""},     // past maxInlineImage
		{"missing@x", ""}, // no such part
	}
	for _, tt := range tests {
		if got := partURL(tt.cid); got != tt.want {
			t.Errorf("inlineParts(%q) = %.60q, want %.60q", tt.cid, got, tt.want)
		}
	}
}
