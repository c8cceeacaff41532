package e2e

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTmpSweep: files a killed request left in a folder's tmp/ (a draft
// save killed mid-write) are removed once 36 hours old, by a later
// request (opening the compose form) and by "postern index"; younger
// files, and files elsewhere, stay.
func TestTmpSweep(t *testing.T) {
	a := env.b
	folder := filepath.Join(a.maildir, ".ptSweep")
	for _, d := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(folder, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { os.RemoveAll(folder) })
	if err := chownTree(a, folder); err != nil {
		t.Fatal(err)
	}
	// plant writes the files of one round as the user's, with their ages,
	// and returns the paths that must go and those that must stay.
	plant := func(round string) (old, kept []string) {
		t.Helper()
		for _, f := range []struct {
			path string
			age  time.Duration
		}{
			{filepath.Join(a.maildir, "tmp", round+"-killed-draft"), 40 * time.Hour},
			{filepath.Join(folder, "tmp", round+"-killed-copy"), 37 * time.Hour},
			{filepath.Join(a.maildir, "tmp", round+"-being-written"), time.Hour},
			{filepath.Join(folder, "cur", round+"-old-mail:2,S"), 40 * time.Hour},
		} {
			if err := os.WriteFile(f.path, []byte("From: x\n\npartial"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Lchown(f.path, a.uid, a.gid); err != nil {
				t.Fatal(err)
			}
			when := time.Now().Add(-f.age)
			if err := os.Chtimes(f.path, when, when); err != nil {
				t.Fatal(err)
			}
			if f.age > 36*time.Hour && strings.Contains(f.path, "/tmp/") {
				old = append(old, f.path)
			} else {
				kept = append(kept, f.path)
			}
		}
		return old, kept
	}
	check := func(what string, old, kept []string) {
		t.Helper()
		for _, p := range old {
			if _, err := os.Lstat(p); err == nil {
				t.Errorf("after %s, %s (older than 36 hours, in tmp/) is still there", what, p)
			}
		}
		for _, p := range kept {
			if _, err := os.Lstat(p); err != nil {
				t.Errorf("after %s, %s is gone: %v", what, p, err)
			}
		}
	}

	old, kept := plant("request")
	c := loggedIn(t, a)
	wantStatus(t, c.get("/compose"), http.StatusOK)
	check("GET /compose", old, kept)

	old, kept = plant("index")
	cmd := exec.Command("setpriv", "--reuid", strconv.Itoa(a.uid), "--regid", strconv.Itoa(a.gid), "--init-groups", env.binary, "index")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
	}
	if want := fmt.Sprintf("removed %d files abandoned in tmp/", len(old)); !strings.Contains(string(out), want) {
		t.Errorf("postern index said %q, want %q", out, want)
	}
	check("postern index", old, kept)
}
