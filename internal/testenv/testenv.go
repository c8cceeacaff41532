// Package testenv holds what the tests of every package share about their
// surroundings: a prerequisite that is missing (root, a Debian package,
// the shared corpus) skips a test on a developer's machine and fails it
// under CI=true, where make deps installs everything.
//
// Only tests import it.
package testenv

import (
	"fmt"
	"os"
	"path/filepath"
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
