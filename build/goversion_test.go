package build

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// goLineRE is go.mod's go line; its first two numbers are the language
// version, the oldest Go that builds postern.
var goLineRE = regexp.MustCompile(`(?m)^go (1\.(\d+))(\.\d+)?$`)

// TestGoVersionOneTruth: the documents that tell a user or a packager
// which Go to install say the version of go.mod's go line.
func TestGoVersionOneTruth(t *testing.T) {
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := goLineRE.FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	v := string(m[1])
	for _, tt := range []struct{ file, want string }{
		{"README.md", "Go " + v + " or later"},
		{"INSTALL", "To build: Go " + v + " or later"},
		{"DESIGN.md", "Go " + v + "+"},
		{"debian/control", "golang-go (>= 2:" + v + "~)"},
	} {
		b, err := os.ReadFile("../" + tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), tt.want) {
			t.Errorf("%s does not say %q (go.mod: %s)", tt.file, tt.want, m[0])
		}
	}
}
