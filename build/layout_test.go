package build

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// packageDirs returns the directories under root, relative to it and
// with a trailing slash, that hold Go files; root itself, hidden
// directories, testdata and node_modules are left out, as the go command
// leaves them out.
func packageDirs(t *testing.T, root string) []string {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if dir := filepath.Dir(p); strings.HasSuffix(name, ".go") && dir != root {
			rel, err := filepath.Rel(root, dir)
			if err != nil {
				return err
			}
			seen[filepath.ToSlash(rel)+"/"] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for d := range seen {
		dirs = append(dirs, d)
	}
	slices.Sort(dirs)
	return dirs
}

// dirRE is a directory named in the layout paragraph: `name/` or
// `name/sub/`.
var dirRE = regexp.MustCompile("`([a-z0-9_]+(?:/[a-z0-9_]+)*/)`")

// layoutDirs returns the directories named in the "## Layout" section of
// a README.
func layoutDirs(readme string) []string {
	_, section, ok := strings.Cut(readme, "\n## Layout\n")
	if !ok {
		return nil
	}
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	var dirs []string
	for _, m := range dirRE.FindAllStringSubmatch(section, -1) {
		dirs = append(dirs, m[1])
	}
	slices.Sort(dirs)
	return slices.Compact(dirs)
}

func TestLayoutDirs(t *testing.T) {
	for _, tt := range []struct {
		readme string
		want   []string
	}{
		{"# x\n\n## Layout\n\n`cgi/` the program, `auth/pam/` a backend.\n", []string{"auth/pam/", "cgi/"}},
		{"## Layout\n", nil}, // not after a line: no section
		{"x\n## Layout\n`a/`, `a/` again\n## Next\n`b/`\n", []string{"a/"}}, // stops at the next section, no duplicates
		{"x\n## Layout\nmain.go and `go test` and `a/b`\n", nil},            // only names that end in a slash
	} {
		if got := layoutDirs(tt.readme); !slices.Equal(got, tt.want) {
			t.Errorf("layoutDirs(%q) = %q, want %q", tt.readme, got, tt.want)
		}
	}
}

// TestReadmeLayout: README.md's layout paragraph names every package
// directory of the tree, and nothing else.
func TestReadmeLayout(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	named := layoutDirs(string(readme))
	if len(named) == 0 {
		t.Fatal("README.md has no \"## Layout\" section naming directories")
	}
	have := packageDirs(t, "..")
	for _, d := range have {
		if !slices.Contains(named, d) {
			t.Errorf("package directory %s is not in README.md's layout paragraph", d)
		}
	}
	for _, d := range named {
		if !slices.Contains(have, d) {
			t.Errorf("README.md's layout paragraph names %s, which is not a package directory", d)
		}
	}
}
