package app

import (
	"strings"
	"testing"
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
		if got := strings.Contains(csp, "https:"); got != remote {
			t.Errorf("htmlCSP(%v) allows remote images = %v", remote, got)
		}
	}
}
