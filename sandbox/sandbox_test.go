package sandbox

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// TestMain lets the test binary be its own sandboxed child: Landlock
// cannot be lifted, so each restriction runs in a fresh process.
func TestMain(m *testing.M) {
	if os.Getenv("SANDBOX_TEST_CHILD") == "1" {
		os.Exit(child())
	}
	os.Exit(m.Run())
}

// child restricts itself to RW=$A, RO=$C and tries what the test asks.
func child() int {
	a, b, c := os.Getenv("A"), os.Getenv("B"), os.Getenv("C")
	if err := Restrict(Rules{RW: []string{a}, RO: []string{c, filepath.Join(c, "missing")}}); err != nil {
		os.Stderr.WriteString(err.Error())
		return 10
	}
	check := func(err error, wantDenied bool) bool {
		return wantDenied == errors.Is(err, syscall.EACCES)
	}
	_, e1 := os.ReadFile(filepath.Join(a, "own"))
	e2 := os.WriteFile(filepath.Join(a, "new"), []byte("x"), 0o600)
	_, e3 := os.ReadFile(filepath.Join(b, "other"))
	_, e4 := os.ReadFile(filepath.Join(a, "link")) // symlink into B
	_, e5 := os.ReadFile(filepath.Join(c, "conf")) // read-only
	e6 := os.WriteFile(filepath.Join(c, "conf"), []byte("x"), 0o600)
	_, e7 := os.ReadFile("/etc/passwd")
	os.Mkdir(filepath.Join(a, "new"+"dir"), 0o700)
	e8 := os.Rename(filepath.Join(a, "new"), filepath.Join(a, "newdir", "moved")) // Maildir new -> cur
	for i, ok := range []bool{
		e1 == nil, e2 == nil, check(e3, true), check(e4, true),
		e5 == nil, check(e6, true), check(e7, true), e8 == nil,
	} {
		if !ok {
			os.Stderr.WriteString("check " + string(rune('1'+i)) + " failed\n")
			return 20 + i
		}
	}
	return 0
}

func TestRestrict(t *testing.T) {
	if ABI() == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("kernel without Landlock (CI=true requires it)")
		}
		t.Skip("kernel without Landlock")
	}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(a, "own"), []byte("mine"), 0o600)
	os.WriteFile(filepath.Join(b, "other"), []byte("world-readable"), 0o644)
	os.WriteFile(filepath.Join(c, "conf"), []byte("conf"), 0o644)
	if err := os.Symlink(filepath.Join(b, "other"), filepath.Join(a, "link")); err != nil {
		t.Fatal(err)
	}
	// Without the sandbox the path bug works: the link reads B's file.
	if _, err := os.ReadFile(filepath.Join(a, "link")); err != nil {
		t.Fatalf("reading through the link without a sandbox: %v", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SANDBOX_TEST_CHILD=1", "A="+a, "B="+b, "C="+c)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("sandboxed child: %v: %s", err, out)
	}
}
