// Package testenv holds what the tests of every package share about their
// surroundings: a prerequisite that is missing (root, a Debian package,
// the shared corpus) skips a test on a developer's machine and fails it
// under CI=true, where make deps installs everything.
//
// Only tests import it.
package testenv

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
)

// CI reports whether the tests run under CI=true.
func CI() bool { return os.Getenv("CI") == "true" }

// Lacking stops a test whose prerequisite is missing: a failure under
// CI=true, a skip elsewhere.
func Lacking(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if CI() {
		t.Fatalf("%s (CI=true requires it; make deps installs it)", msg)
	}
	t.Skip(msg)
}

// NeedRoot stops a test that needs root when not run as root.
func NeedRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Lacking(t, "test needs root")
	}
}

// Corpus returns the shared corpus, ../shared/corpus beside the module's
// root (the directory of go.mod).
func Corpus(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
	c := filepath.Join(dir, "..", "shared", "corpus")
	if _, err := os.Stat(filepath.Join(c, "mime-INDEX.tsv")); err != nil {
		Lacking(t, "corpus not found: %v", err)
	}
	return c
}

// NewUser creates a system user named prefix and four random digits, with
// password pw (chpasswd), home directory a fresh temporary one (not
// created by useradd), shell nologin and the extra useradd arguments
// (e.g. "-G", "mail"), and removes the user when the test ends. Test users
// start with "pt" (the developers' guide); a prefix that does not is a test bug.
// It needs root and useradd, userdel and chpasswd (Lacking otherwise).
func NewUser(t testing.TB, prefix, pw string, useradd ...string) string {
	t.Helper()
	if !strings.HasPrefix(prefix, "pt") {
		t.Fatalf("testenv.NewUser: user prefix %q does not start with pt", prefix)
	}
	NeedRoot(t)
	for _, tool := range []string{"useradd", "userdel", "chpasswd"} {
		if _, err := exec.LookPath(tool); err != nil {
			Lacking(t, "%s: %v", tool, err)
		}
	}
	var name string
	for i := 0; ; i++ {
		name = fmt.Sprintf("%s%04d", prefix, rand.IntN(10000))
		if _, err := user.Lookup(name); err != nil {
			break
		}
		if i > 20 {
			t.Fatalf("testenv.NewUser: no free %sNNNN user name", prefix)
		}
	}
	home := t.TempDir()
	args := append([]string{"-M", "-d", home, "-s", "/usr/sbin/nologin"}, useradd...)
	if out, err := exec.Command("useradd", append(args, name)...).CombinedOutput(); err != nil {
		t.Fatalf("useradd %s: %v\n%s", name, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("userdel", name).CombinedOutput(); err != nil {
			t.Errorf("userdel %s: %v\n%s", name, err, out)
		}
	})
	cmd := exec.Command("chpasswd")
	cmd.Stdin = strings.NewReader(name + ":" + pw + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chpasswd %s: %v\n%s", name, err, out)
	}
	return name
}

// Run runs name with args and stdin as its standard input, and fails the
// test with the command's output when it exits other than 0.
func Run(t testing.TB, stdin, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// PAMService installs src (the project's dist/pam.d/postern) as
// /etc/pam.d/service when there is no such file, and removes it when the
// test ends only in that case. The stack includes other files of
// /etc/pam.d (Debian's common-*): one it names with @include that is
// not there is Lacking.
func PAMService(t testing.TB, service, src string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "@include" {
			if _, err := os.Stat("/etc/pam.d/" + f[1]); err != nil {
				Lacking(t, "the PAM stack of %s includes %s: %v", src, f[1], err)
			}
		}
	}
	dst := "/etc/pam.d/" + service
	if _, err := os.Stat(dst); err == nil {
		return
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(dst) })
}

// Script writes body as a shell script named name, mode 0700, in a fresh
// temporary directory, and returns its path: a stand-in for a program a
// package runs.
func Script(t testing.TB, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}
