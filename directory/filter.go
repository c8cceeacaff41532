package directory

import (
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// BuildFilter returns the filter of template for the user's text: every
// "%s" of template replaced by text escaped with ldap.EscapeFilter, so
// that nothing in text can open, close or widen an assertion. The
// template must hold at least one "%s", no other "%" sequence, and
// compile as an RFC 4515 filter.
func BuildFilter(template, text string) (string, error) {
	if !strings.Contains(template, "%s") {
		return "", fmt.Errorf("%w: filter %q has no %%s", ErrConfig, template)
	}
	if strings.Contains(strings.ReplaceAll(template, "%s", ""), "%") {
		return "", fmt.Errorf("%w: filter %q: only %%s may follow %%", ErrConfig, template)
	}
	f := strings.ReplaceAll(template, "%s", ldap.EscapeFilter(text))
	if _, err := ldap.CompileFilter(f); err != nil {
		return "", fmt.Errorf("%w: filter %q: %v", ErrConfig, template, err)
	}
	return f, nil
}
