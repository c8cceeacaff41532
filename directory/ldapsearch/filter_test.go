package ldapsearch

import (
	"errors"
	"testing"

	"postern/directory"

	"github.com/go-ldap/ldap/v3"
)

// TestBuildFilter: the user's text is escaped (RFC 4515 section 3) in
// every "%s" of the template; a template that cannot work is refused.
func TestBuildFilter(t *testing.T) {
	for _, tt := range []struct {
		template, text, want string
	}{
		{"(cn=%s*)", "ann", "(cn=ann*)"},
		{directory.DefaultFilter, "ann", "(|(cn=ann*)(sn=ann*)(givenName=ann*)(mail=ann*))"},
		// The injection characters: a star widens, parentheses open
		// and close assertions, a backslash starts an escape, NUL ends
		// C strings in some servers.
		{"(cn=%s*)", "*", `(cn=\2a*)`},
		{"(cn=%s)", "a)(objectClass=*", `(cn=a\29\28objectClass=\2a)`},
		{"(cn=%s)", `\2a`, `(cn=\5c2a)`},
		{"(cn=%s)", "a\x00b", `(cn=a\00b)`},
		{"(cn=%s)", "*)(|(uid=*", `(cn=\2a\29\28|\28uid=\2a)`},
		// Bytes outside ASCII are escaped one by one: UTF-8 reaches
		// the server unchanged.
		{"(cn=%s*)", "Zoë", `(cn=Zo\c3\ab*)`},
	} {
		got, err := BuildFilter(tt.template, tt.text)
		if err != nil || got != tt.want {
			t.Errorf("BuildFilter(%q, %q) = %q, %v, want %q", tt.template, tt.text, got, err, tt.want)
		}
	}
	for _, bad := range []string{
		"(cn=ann)",          // no %s: the same result for every search
		"(cn=%d)",           // another verb
		"(cn=%s%)",          // a lone %
		"(cn=%s",            // does not compile
		"cn=%s)(",           // does not compile
		"(&(cn=%s)(mail=*)", // unbalanced
	} {
		if got, err := BuildFilter(bad, "x"); !errors.Is(err, directory.ErrConfig) {
			t.Errorf("BuildFilter(%q, x) = %q, %v, want directory.ErrConfig", bad, got, err)
		}
	}
}

// FuzzBuildFilter: whatever the user types stays one assertion value:
// "(cn=%s)" compiles to an equality match of exactly the text, and
// "(cn=%s*)" to a substring filter whose only part is the text as its
// start. Nothing typed can add an assertion, a wildcard or an operator.
func FuzzBuildFilter(f *testing.F) {
	for _, s := range []string{"ann", "*", "a)(b=*", `\`, `\2a`, "\x00", "Zoë", "\xff\xfe", "((((", "*)(|(uid=*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if text == "" {
			return // Search never builds a filter of nothing
		}
		eq, err := BuildFilter("(cn=%s)", text)
		if err != nil {
			t.Fatalf("BuildFilter((cn=%%s), %q): %v", text, err)
		}
		p, err := ldap.CompileFilter(eq)
		if err != nil {
			t.Fatalf("CompileFilter(%q): %v", eq, err)
		}
		if p.Tag != ldap.FilterEqualityMatch || len(p.Children) != 2 || p.Children[1].Value != text {
			t.Fatalf("(cn=%%s) with %q compiled to tag %d, %d children, want an equality match of the text", text, p.Tag, len(p.Children))
		}
		sub, err := BuildFilter("(cn=%s*)", text)
		if err != nil {
			t.Fatalf("BuildFilter((cn=%%s*), %q): %v", text, err)
		}
		p, err = ldap.CompileFilter(sub)
		if err != nil {
			t.Fatalf("CompileFilter(%q): %v", sub, err)
		}
		if p.Tag != ldap.FilterSubstrings || len(p.Children) != 2 || len(p.Children[1].Children) != 1 {
			t.Fatalf("(cn=%%s*) with %q: tag %d, want one substring part", text, p.Tag)
		}
		if part := p.Children[1].Children[0]; part.Tag != ldap.FilterSubstringsInitial || part.Value != text {
			t.Fatalf("(cn=%%s*) with %q: part %d %q, want initial of the text", text, part.Tag, part.Value)
		}
	})
}
