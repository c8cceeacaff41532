package app

import (
	"io"
	"os"
	"strings"
	"testing"

	"postern/config"
	"postern/gate"
	"postern/internal/testenv"
)

func TestRefuseRoot(t *testing.T) {
	for _, tt := range []struct {
		euid, uid int
		refused   bool
	}{
		{1000, 1000, false},
		{0, 0, true},
		{0, 1000, true}, // setuid root, never dropped
		{1000, 0, true}, // root's real uid kept: it could be regained
		{33, 33, false},
	} {
		if err := refuseRoot(tt.euid, tt.uid); (err != nil) != tt.refused {
			t.Errorf("refuseRoot(%d, %d) = %v, want refused %v", tt.euid, tt.uid, err, tt.refused)
		}
	}
}

// TestServeRefusesRoot: given an entry while the process is root (as the
// tests run in CI), Serve answers with the fixed error page and
// gate.ExitDrop, and renders nothing of the request.
func TestServeRefusesRoot(t *testing.T) {
	testenv.NeedRoot(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	code := Serve(&gate.Entry{Config: config.Default(), Request: &gate.Request{Method: "GET", Path: "/"}})
	os.Stdout = saved
	w.Close()
	out, _ := io.ReadAll(r)
	if code != gate.ExitDrop || !strings.HasPrefix(string(out), "Status: 500 ") || strings.Contains(string(out), "Log in") {
		t.Errorf("Serve as root = %d, output:\n%s\nwant %d and a 500 page", code, out, gate.ExitDrop)
	}
}
