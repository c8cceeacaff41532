// Package addrlist reads and writes address lists as people type them
// into a form (RFC 5322 section 3.4 with UTF-8 names, RFC 6532), for the
// compose form and the address book alike. It does not parse an address:
// net/mail does; it splits a list into its items and writes one address
// back so that it reads the same.
package addrlist

import "strings"

// Split splits an address list at the commas outside quoted strings,
// comments and angle brackets. The items are not trimmed.
func Split(s string) []string {
	var items []string
	start, quote, angle, comment := 0, false, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && (quote || comment > 0):
			i++
		case quote:
			quote = c != '"'
		case c == '(':
			comment++
		case c == ')' && comment > 0:
			comment--
		case comment > 0:
		case c == '"':
			quote = true
		case c == '<':
			angle = true
		case c == '>':
			angle = false
		case c == ',' && !angle:
			items = append(items, s[start:i])
			start = i + 1
		}
	}
	return append(items, s[start:])
}

// Format writes an address for a form: "Name <addr>", the name quoted
// when it must be to read back the same (UTF-8 names as they are, not
// RFC 2047 encoded); addr alone when there is no name.
func Format(name, addr string) string {
	if name == "" {
		return addr
	}
	if NeedsQuotes(name) {
		name = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	return name + " <" + addr + ">"
}

// NeedsQuotes reports whether a display name must be a quoted-string to
// read back the same: anything but atext words (UTF-8 allowed) separated
// by single spaces, or a name that holds an encoded word's "=?".
func NeedsQuotes(name string) bool {
	if strings.HasPrefix(name, " ") || strings.HasSuffix(name, " ") || strings.Contains(name, "  ") || strings.Contains(name, "=?") {
		return true
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x80 && c != ' ' && !Atext(c) {
			return true
		}
	}
	return false
}

// Atext reports whether c is an RFC 5322 atext character.
func Atext(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}
