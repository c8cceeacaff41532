package directory

import (
	"errors"
	"testing"
)

// TestBuildFilter: the user's text is escaped (RFC 4515 section 3) in
// every "%s" of the template; a template that cannot work is refused.
// ldapsearch's tests compile the results, and FuzzBuildFilter there
// holds EscapeFilter to the library's.
func TestBuildFilter(t *testing.T) {
	for _, tt := range []struct {
		template, text, want string
	}{
		{"(cn=%s*)", "ann", "(cn=ann*)"},
		{DefaultFilter, "ann", "(|(cn=ann*)(sn=ann*)(givenName=ann*)(mail=ann*))"},
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
		"(cn=ann)", // no %s: the same result for every search
		"(cn=%d)",  // another verb
		"(cn=%s%)", // a lone %
		// Whether it compiles is the helper's (ldapsearch.BuildFilter).
	} {
		if got, err := BuildFilter(bad, "x"); !errors.Is(err, ErrConfig) {
			t.Errorf("BuildFilter(%q, x) = %q, %v, want ErrConfig", bad, got, err)
		}
	}
}
