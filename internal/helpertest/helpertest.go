// Package helpertest builds postern-helper (helper/) for the tests of
// the packages that run it, as make builds it: static, without cgo.
package helpertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Build builds postern-helper into a temporary directory of t and
// returns its path; a failed build fails t.
func Build(t testing.TB) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "postern-helper")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, "postern/helper")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build postern/helper: %v\n%s", err, b)
	}
	return out
}
