package directory

import (
	"errors"
	"testing"
)

// TestCheckFilter: a template that cannot work is refused; ldapsearch's
// TestBuildFilter and FuzzBuildFilter check the escaping and compiling.
func TestCheckFilter(t *testing.T) {
	for _, ok := range []string{"(cn=%s*)", DefaultFilter, "(&(mail=%s)(objectClass=person))"} {
		if err := CheckFilter(ok); err != nil {
			t.Errorf("CheckFilter(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{
		"(cn=ann)", // no %s: the same result for every search
		"(cn=%d)",  // another verb
		"(cn=%s%)", // a lone %
	} {
		if err := CheckFilter(bad); !errors.Is(err, ErrConfig) {
			t.Errorf("CheckFilter(%q) = %v, want ErrConfig", bad, err)
		}
	}
}
