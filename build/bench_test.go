package build

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"postern/internal/testenv"
)

// stubs makes a directory of executable stand-ins for the named tools,
// and links the real programs named in real, for PATH.
func stubs(t *testing.T, tools, real []string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range tools {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range real {
		p, err := exec.LookPath(name)
		if err != nil {
			testenv.Lacking(t, "%s: %v", name, err)
		}
		if err := os.Symlink(p, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// without returns list less name.
func without(list []string, name string) []string {
	var out []string
	for _, s := range list {
		if s != name {
			out = append(out, s)
		}
	}
	return out
}

// runWithPath runs a command with PATH set to path and returns its exit
// status and combined output.
func runWithPath(t *testing.T, path string, name string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "PATH="+path, "SKIP_SQW=")
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// benchTools are the programs that bench/run.sh checks for, both sides.
var benchTools = []string{"go", "gcc", "make", "python3", "apache2", "wrk", "time", "setpriv", "useradd", "userdel", "chpasswd",
	"curl", "setsid", "webmaild"}

// TestBenchRunCheck: bench/run.sh stops, naming it, when a tool the run
// uses is missing (wrk was, and postern's throughput rows came out empty).
func TestBenchRunCheck(t *testing.T) {
	all := stubs(t, benchTools, []string{"dirname"})
	if status, out := runWithPath(t, all, "/bin/sh", "../bench/run.sh", "check"); status != 0 {
		t.Errorf("run.sh check with every tool = %d, %q; want 0", status, out)
	}
	// (Not the tools in /usr/sbin: run.sh adds it to PATH, where this
	// machine may have them.)
	for _, tool := range []string{"wrk", "time", "curl"} {
		dir := stubs(t, without(benchTools, tool), []string{"dirname"})
		status, out := runWithPath(t, dir, "/bin/sh", "../bench/run.sh", "check")
		if want := "bench: missing tools: " + tool + ";"; status == 0 || !strings.Contains(out, want) {
			t.Errorf("run.sh check without %s = %d, %q; want a failure that says %q", tool, status, out, want)
		}
	}
	// bash's time is a keyword, not the program bench.py runs.
	if _, err := exec.LookPath("bash"); err == nil {
		dir := stubs(t, without(benchTools, "time"), []string{"dirname"})
		if status, out := runWithPath(t, dir, "bash", "../bench/run.sh", "check"); status == 0 || !strings.Contains(out, "missing tools: time;") {
			t.Errorf("bash run.sh check without /usr/bin/time = %d, %q; want time missing", status, out)
		}
	}
}

// TestBenchPyCheck: bench.py, too, stops before it measures anything when
// a tool is missing.
func TestBenchPyCheck(t *testing.T) {
	// The interpreter itself, not a shim that needs PATH (pyenv's).
	exe, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		testenv.Lacking(t, "python3: %v", err)
	}
	python := strings.TrimSpace(string(exe))
	for _, p := range []string{"/usr/sbin/apache2", "/usr/bin/time"} {
		if _, err := os.Stat(p); err != nil {
			testenv.Lacking(t, "%s (make deps): %v", p, err)
		}
	}
	tools := []string{"go", "gcc", "make", "wrk", "setpriv", "useradd", "userdel", "chpasswd", "chown", "chmod", "du"}
	if status, out := runWithPath(t, stubs(t, tools, nil), python, "../bench/bench.py", "--check-tools"); status != 0 {
		t.Errorf("bench.py --check-tools with every tool = %d, %q; want 0", status, out)
	}
	status, out := runWithPath(t, stubs(t, without(tools, "wrk"), nil), python, "../bench/bench.py", "--out", "/nonexistent/x.jsonl")
	if want := "bench.py: missing tools: wrk;"; status == 0 || !strings.Contains(out, want) {
		t.Errorf("bench.py without wrk = %d, %q; want a failure that says %q", status, out, want)
	}
}
