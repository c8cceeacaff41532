package directory

import (
	"fmt"
	"strings"
)

// CheckFilter checks a filter template: it must hold at least one "%s"
// (where the user's text goes) and no other "%" sequence. Escaping the
// text into it (RFC 4515 section 3, github.com/go-ldap/ldap's EscapeFilter)
// and compiling the result are the helper's (ldapsearch.BuildFilter): the
// request binary links no LDAP library.
func CheckFilter(template string) error {
	if !strings.Contains(template, "%s") {
		return fmt.Errorf("%w: filter %q has no %%s", ErrConfig, template)
	}
	if strings.Contains(strings.ReplaceAll(template, "%s", ""), "%") {
		return fmt.Errorf("%w: filter %q: only %%s may follow %%", ErrConfig, template)
	}
	return nil
}
