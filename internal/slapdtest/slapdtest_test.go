package slapdtest

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStart: the server answers ldapsearch on both ports, serves people
// to anyone and staff only after a bind.
func TestStart(t *testing.T) {
	s := Start(t, `dn: cn=Ann Example,`+People+`
objectClass: inetOrgPerson
cn: Ann Example
sn: Example
mail: ann@example.org

dn: cn=Bob Staff,`+Staff+`
objectClass: inetOrgPerson
cn: Bob Staff
sn: Staff
mail: bob@example.org
`)
	search := func(uri string, env []string, args ...string) string {
		t.Helper()
		cmd := exec.Command("ldapsearch", append([]string{"-x", "-LLL", "-H", uri, "-b", Suffix}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("ldapsearch %s %v: %v\n%s", uri, args, err, out)
		}
		return string(out)
	}
	if out := search(s.URI, nil, "(mail=*)", "mail"); !strings.Contains(out, "ann@example.org") || strings.Contains(out, "bob@") {
		t.Errorf("anonymous search = %q, want ann and not bob", out)
	}
	if out := search(s.URI, nil, "-D", ReaderDN, "-w", ReaderPassword, "(mail=*)", "mail"); !strings.Contains(out, "bob@example.org") {
		t.Errorf("bound search = %q, want bob", out)
	}
	if out := search(s.LDAPS, []string{"LDAPTLS_CACERT=" + s.CAFile}, "(mail=*)", "mail"); !strings.Contains(out, "ann@example.org") {
		t.Errorf("ldaps search = %q, want ann", out)
	}
}
