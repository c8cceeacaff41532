package httpcgi

import (
	"io"
	"sort"
	"strings"
)

// Header holds the fields of a request or a response, by canonical key.
type Header map[string][]string

// CanonicalKey returns the canonical form of a header field name: the
// first letter and every letter after a hyphen upper case, the rest lower
// case ("content-type" is "Content-Type"). A name with a byte that is not
// a token character is returned as it is, as net/textproto does.
func CanonicalKey(s string) string {
	upper, change := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isToken(c) {
			return s
		}
		change = change || (upper && 'a' <= c && c <= 'z') || (!upper && 'A' <= c && c <= 'Z')
		upper = c == '-'
	}
	if change {
		return canonicalize(s)
	}
	return s
}

func canonicalize(s string) string {
	b := []byte(s)
	upper := true
	for i, c := range b {
		switch {
		case upper && 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		case !upper && 'A' <= c && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
		upper = c == '-'
	}
	return string(b)
}

// isToken reports whether c may appear in a header field name (RFC 7230
// token).
func isToken(c byte) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// Set replaces the values of key with value.
func (h Header) Set(key, value string) { h[CanonicalKey(key)] = []string{value} }

// Add appends value to the values of key.
func (h Header) Add(key, value string) {
	k := CanonicalKey(key)
	h[k] = append(h[k], value)
}

// Get returns the first value of key, "" if none.
func (h Header) Get(key string) string {
	if v := h[CanonicalKey(key)]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Values returns all values of key.
func (h Header) Values(key string) []string { return h[CanonicalKey(key)] }

// Del removes key.
func (h Header) Del(key string) { delete(h, CanonicalKey(key)) }

// Write writes the header in wire format, keys sorted, one "Key: value"
// line per value; carriage returns and line feeds in values become
// spaces, and surrounding white space is trimmed, so that no value can
// start a field or a body of its own.
func (h Header) Write(w io.Writer) error {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range h[k] {
			v = strings.Map(func(r rune) rune {
				if r == '\r' || r == '\n' {
					return ' '
				}
				return r
			}, v)
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(strings.Trim(v, " \t"))
			b.WriteString("\r\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
