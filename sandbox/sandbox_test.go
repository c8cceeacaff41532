package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"postern/internal/testenv"
)

// TestMain lets the test binary be its own sandboxed child: Landlock
// cannot be lifted, so each restriction runs in a fresh process.
func TestMain(m *testing.M) {
	switch os.Getenv("SANDBOX_TEST_CHILD") {
	case "restrict":
		os.Exit(restrictChild())
	case "asroot":
		os.Exit(asRootChild())
	case "tcp":
		os.Exit(tcpChild())
	}
	os.Exit(m.Run())
}

// probe is one thing a sandboxed child tries and whether the sandbox
// must refuse it (EACCES) or allow it.
type probe struct {
	what   string
	err    error
	denied bool
}

// report checks the probes, writes the failures to stderr and returns
// the child's exit status: 0 when every probe went as it should.
func report(probes []probe) int {
	status := 0
	for _, p := range probes {
		switch {
		case p.denied && !errors.Is(p.err, syscall.EACCES):
			fmt.Fprintf(os.Stderr, "%s: %v, want EACCES\n", p.what, p.err)
			status = 1
		case !p.denied && p.err != nil:
			fmt.Fprintf(os.Stderr, "%s: %v, want success\n", p.what, p.err)
			status = 1
		}
	}
	return status
}

// runChild runs the test binary as child kind with env and fails t with
// its output when it fails.
func runChild(t *testing.T, kind string, env ...string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append(env, "SANDBOX_TEST_CHILD="+kind)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("sandboxed child %s: %v\n%s", kind, err, out)
	}
}

// lacking is testenv.Lacking.
var lacking = testenv.Lacking

// dirs makes the directories of a test: A (the Maildir: a file "own"
// and a symbolic link "link" to B's file), B (elsewhere: a world-readable
// file "other" and a file "rwfile" the rules allow alone), C (read-only
// configuration: "conf"). Without a sandbox the link reads B's file.
func dirs(t *testing.T) (a, b, c string) {
	t.Helper()
	a, b, c = t.TempDir(), t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(a, "own"), []byte("mine"), 0o600)
	os.WriteFile(filepath.Join(b, "other"), []byte("world-readable"), 0o644)
	os.WriteFile(filepath.Join(b, "rwfile"), nil, 0o644)
	os.WriteFile(filepath.Join(c, "conf"), []byte("conf"), 0o644)
	if err := os.Symlink(filepath.Join(b, "other"), filepath.Join(a, "link")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.ReadFile(filepath.Join(a, "link")); err != nil {
		t.Fatalf("reading through the link without a sandbox: %v", err)
	}
	return a, b, c
}

// rules are the rules of a child: A and B's rwfile read-write, C and the
// shared libraries read-only, and the programs progs can be run.
func rules(a, b, c string, progs ...string) (Rules, error) {
	r := Rules{
		RW: []string{a, filepath.Join(b, "rwfile")},
		RO: []string{c, "/lib", "/lib64", "/usr/lib", "/usr/lib64", "/etc/ld.so.cache"},
	}
	for _, p := range progs {
		interps, err := Interpreters(p)
		if err != nil {
			return r, err
		}
		r.Exec = append(append(r.Exec, p), interps...)
	}
	return r, nil
}

// fileProbes are the checks of A, B and C common to both children.
func fileProbes(a, b, c string) []probe {
	_, readOwn := os.ReadFile(filepath.Join(a, "own"))
	writeNew := os.WriteFile(filepath.Join(a, "new"), []byte("x"), 0o600)
	mkdir := os.Mkdir(filepath.Join(a, "newdir"), 0o700)
	rename := os.Rename(filepath.Join(a, "new"), filepath.Join(a, "newdir", "moved"))
	_, readOther := os.ReadFile(filepath.Join(b, "other"))
	_, readLink := os.ReadFile(filepath.Join(a, "link"))
	writeRWFile := os.WriteFile(filepath.Join(b, "rwfile"), []byte("x"), 0o644)
	writeB := os.WriteFile(filepath.Join(b, "new"), []byte("x"), 0o644)
	_, readConf := os.ReadFile(filepath.Join(c, "conf"))
	writeConf := os.WriteFile(filepath.Join(c, "conf"), []byte("x"), 0o600)
	_, readPasswd := os.ReadFile("/etc/passwd")
	_, execSh := run("/bin/sh", "-c", ":")
	prog := filepath.Join(a, "prog") // a script of the allowed shell
	os.WriteFile(prog, []byte("#!/bin/sh\n"), 0o755)
	_, execInRW := run(prog)
	return []probe{
		{"read a file of the Maildir", readOwn, false},
		{"create a file in the Maildir", writeNew, false},
		{"make a directory in the Maildir", mkdir, false},
		{"rename between directories (new -> cur)", rename, false},
		{"read a world-readable file elsewhere", readOther, true},
		{"read through a symbolic link out of the Maildir", readLink, true},
		{"write the one file allowed outside", writeRWFile, false},
		{"create a file next to it", writeB, true},
		{"read the configuration", readConf, false},
		{"write the configuration", writeConf, true},
		{"read /etc/passwd", readPasswd, true},
		{"run the shell (in Exec)", execSh, false},
		{"execute a file of the Maildir", execInRW, true},
	}
}

// run runs path with args and returns its standard output. Its standard
// files are pipes: os/exec would open /dev/null, which the sandbox
// refuses, for those left nil.
func run(path string, args ...string) ([]byte, error) {
	var out, errOut bytes.Buffer
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(""), &out, &errOut
	err := cmd.Run()
	if err != nil && errOut.Len() > 0 {
		err = fmt.Errorf("%w: %s", err, errOut.Bytes())
	}
	return out.Bytes(), err
}

// restrictChild: Restrict after the drop (here: as whoever runs the test).
func restrictChild() int {
	a, b, c := os.Getenv("A"), os.Getenv("B"), os.Getenv("C")
	r, err := rules(a, b, c, "/bin/sh")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 10
	}
	r.RO = append(r.RO, filepath.Join(c, "missing"))
	if err := Restrict(r); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 10
	}
	probes := fileProbes(a, b, c)
	nnp, _, _ := syscall.RawSyscall(syscall.SYS_PRCTL, prGetNoNewPrivs, 0, 0)
	if nnp != 1 {
		probes = append(probes, probe{"no_new_privs", fmt.Errorf("is %d", nnp), false})
	}
	return report(probes)
}

// prGetNoNewPrivs is PR_GET_NO_NEW_PRIVS of prctl(2).
const prGetNoNewPrivs = 39

func TestRestrict(t *testing.T) {
	if handled(ABI()) == 0 {
		lacking(t, "kernel without usable Landlock (ABI %d)", ABI())
	}
	a, b, c := dirs(t)
	runChild(t, "restrict", "A="+a, "B="+b, "C="+c)
}

func TestHandled(t *testing.T) {
	tests := []struct {
		abi  int
		want uint64
	}{
		{0, 0},
		{1, 0}, // no refer: Maildir's renames would fail, so nothing
		{2, 1<<14 - 1},
		{4, 1<<15 - 1},
		{5, 1<<16 - 1},
		{9, 1<<16 - 1}, // resolve_unix (postdrop's pickup socket) not handled
	}
	for _, tt := range tests {
		if got := handled(tt.abi); got != tt.want {
			t.Errorf("handled(%d) = %#x, want %#x", tt.abi, got, tt.want)
		}
	}
}
