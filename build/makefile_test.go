package build

import (
	"os/exec"
	"strings"
	"testing"

	"postern/internal/testenv"
)

// makeN returns what make -n prints for the arguments, in the tree's root.
func makeN(t *testing.T, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		testenv.Lacking(t, "make: %v", err)
	}
	out, err := exec.Command("make", append([]string{"-n", "-C", ".."}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("make -n %q: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestMakeDemo: make demo checks (as root: installs) the build's Debian
// packages before it builds, and PORT=n becomes -addr 127.0.0.1:n.
func TestMakeDemo(t *testing.T) {
	for _, tt := range []struct {
		args     []string
		wantAddr string // "" for no -addr
	}{
		{[]string{"demo"}, ""},
		{[]string{"demo", "PORT=4321"}, "-addr 127.0.0.1:4321"},
		{[]string{"demo", "PORT="}, ""},
	} {
		out := makeN(t, tt.args...)
		deps, build, run := strings.Index(out, "build/apt-deps.sh gcc libpam0g-dev libcrypt-dev"), strings.Index(out, "go build"), strings.Index(out, "go run ./demo")
		if deps < 0 || build < 0 || run < 0 || !(deps < build && build < run) {
			t.Errorf("make -n %q = %q, want apt-deps.sh of the build packages, then go build, then go run ./demo", tt.args, out)
			continue
		}
		line, _, _ := strings.Cut(out[run:], "\n")
		if got := strings.Contains(line, "-addr"); got != (tt.wantAddr != "") || !strings.Contains(line, tt.wantAddr) {
			t.Errorf("make -n %q runs %q, want -addr %q", tt.args, line, tt.wantAddr)
		}
	}
}
