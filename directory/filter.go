package directory

import (
	"fmt"
	"strings"
)

// BuildFilter returns the filter of template for the user's text: every
// "%s" of template replaced by text escaped with EscapeFilter, so that
// nothing in text can open, close or widen an assertion. The template
// must hold at least one "%s" and no other "%" sequence; that it
// compiles as an RFC 4515 filter is the helper's to check
// (ldapsearch.BuildFilter).
func BuildFilter(template, text string) (string, error) {
	if !strings.Contains(template, "%s") {
		return "", fmt.Errorf("%w: filter %q has no %%s", ErrConfig, template)
	}
	if strings.Contains(strings.ReplaceAll(template, "%s", ""), "%") {
		return "", fmt.Errorf("%w: filter %q: only %%s may follow %%", ErrConfig, template)
	}
	return strings.ReplaceAll(template, "%s", EscapeFilter(text)), nil
}

// EscapeFilter escapes text for an assertion value of a filter (RFC 4515
// section 3): '*', '(', ')', '\\', NUL and every byte outside ASCII
// become \XX (two lower-case hexadecimal digits), as
// github.com/go-ldap/ldap's EscapeFilter does (ldapsearch's tests compare
// them).
func EscapeFilter(text string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '*' || c == '(' || c == ')' || c == '\\' || c == 0 || c > 0x7f {
			b.WriteByte('\\')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
