package seal

import (
	"bytes"
	"mime"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postern/compose"
	"postern/gnupg"
	"postern/internal/gpgtest"
)

// runner is a gnupg.Runner on home with the installed programs.
func runner(t *testing.T, home string) *gnupg.Runner {
	t.Helper()
	return &gnupg.Runner{GPG: gpgtest.Tool(t, "gpg"), GPGSM: gpgtest.Tool(t, "gpgsm"), Home: home, Timeout: 60 * time.Second}
}

// message builds a message with compose, 7-bit safe, as the app does.
func message(t *testing.T, from, to, subject, body string, atts ...compose.Attachment) []byte {
	t.Helper()
	d := &compose.Draft{To: to, Subject: subject, Body: body, SevenBit: true, Attachments: atts}
	d.From.Address = from
	var b bytes.Buffer
	if _, err := d.Build(&b, time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC), ""); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// parts returns the header of msg and the exact bytes of the parts of its
// top multipart (CRLF, as a reader canonicalises them), split at the
// boundary of its Content-Type.
func parts(t *testing.T, msg []byte) (header, [][]byte) {
	t.Helper()
	crlf := []byte(toCRLF(msg))
	h, body := splitMessage(crlf)
	ct := h.get("Content-Type")
	if ct == nil {
		t.Fatalf("no Content-Type in\n%s", msg)
	}
	_, params, err := mime.ParseMediaType(ct.value())
	if err != nil || params["boundary"] == "" {
		t.Fatalf("Content-Type %q: %v", ct.value(), err)
	}
	delim := []byte("\r\n--" + params["boundary"])
	chunks := bytes.Split(append([]byte("\r\n"), body...), delim)
	if len(chunks) < 3 {
		t.Fatalf("fewer than 2 parts in\n%s", msg)
	}
	var out [][]byte
	for _, c := range chunks[1 : len(chunks)-1] {
		out = append(out, bytes.TrimPrefix(c, []byte("\r\n")))
	}
	return h, out
}

// partBody is the body of a part (after its blank line).
func partBody(p []byte) []byte {
	_, b, _ := bytes.Cut(p, []byte("\r\n\r\n"))
	return b
}

// writeFile writes b into a new file of a test directory.
func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// mustContain fails when s lacks any of want.
func mustContain(t *testing.T, what string, s []byte, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(string(s), w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}

// gpgtestRun runs prog and returns its error (a check that must fail).
func gpgtestRun(prog string, args ...string) ([]byte, error) {
	return exec.Command(prog, args...).Output()
}
