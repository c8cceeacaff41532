package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestRootRoomImports keeps the code that runs as root small: the
// packages of the root room must not depend on the packages that parse
// mail, forms and sessions (STYLE.md).
func TestRootRoomImports(t *testing.T) {
	root := []string{"postern/privdrop", "postern/privdrop/rtenv", "postern/config", "postern/sandbox", "postern/guard", "postern/audit", "postern/auth", "postern/auth/pam", "postern/auth/shadow", "postern/auth/webpass", "postern/auth/acctcache"}
	forbidden := []string{"postern/session", "postern/maildir", "postern/message", "postern/sanitize", "postern/compose", "postern/templates", "postern/cgi"}
	for _, pkg := range root {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if dep == f {
					t.Errorf("%s depends on %s, which must not run as root", pkg, f)
				}
			}
		}
	}
}
