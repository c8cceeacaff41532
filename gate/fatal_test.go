package gate

import (
	"io"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestFatalPage: the root room's only output is a complete CGI answer
// with the security headers in order, and the public text escaped.
func TestFatalPage(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	code := FatalPage(500, `<b>broken</b> & "x"`, ExitConfig)
	os.Stdout = saved
	w.Close()
	b, _ := io.ReadAll(r)
	head, body, ok := strings.Cut(string(b), "\r\n\r\n")
	if code != ExitConfig || !ok {
		t.Fatalf("FatalPage = %d, output %q; want %d and a header block", code, b, ExitConfig)
	}
	lines := strings.Split(head, "\r\n")
	if lines[0] != "Status: 500 Internal Server Error" {
		t.Errorf("status line = %q", lines[0])
	}
	var names []string
	for _, l := range lines[1:] {
		name, _, _ := strings.Cut(l, ": ")
		names = append(names, name)
	}
	if !slices.IsSorted(names) || !slices.Contains(names, "Content-Security-Policy") || !slices.Contains(names, "Content-Type") {
		t.Errorf("headers %q: want sorted, with the CSP and the type", names)
	}
	if strings.Contains(body, "<b>") || !strings.Contains(body, "&lt;b&gt;broken&lt;/b&gt; &amp; &#34;x&#34;") {
		t.Errorf("body %q: the text is not escaped", body)
	}
}

func TestSecurityHeadersHSTS(t *testing.T) {
	has := func(h [][2]string) bool {
		return slices.ContainsFunc(h, func(kv [2]string) bool { return kv[0] == "Strict-Transport-Security" })
	}
	if has(SecurityHeaders("'none'", false)) || !has(SecurityHeaders("'none'", true)) {
		t.Error("SecurityHeaders: HSTS must be sent over HTTPS only")
	}
}
