package message

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// linkPrefixes start the links found in text (ASCII, matched without case).
var linkPrefixes = []string{"https://", "http://", "mailto:", "www."}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// linkAt returns the length of the link starting at s[i:], or 0.
func linkAt(s string, i int) int {
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '/' || r == '@' || r == '-' || r == '_' {
			return 0
		}
	}
	rest := s[i:]
	pre := ""
	for _, p := range linkPrefixes {
		if hasPrefixFold(rest, p) {
			pre = p
			break
		}
	}
	if pre == "" {
		return 0
	}
	end := len(pre)
	for end < len(rest) {
		r, size := utf8.DecodeRuneInString(rest[end:])
		if unicode.IsSpace(r) || r == '<' || r == '>' || r == '"' || r < 0x20 || r == utf8.RuneError || r == '\u00a0' {
			break
		}
		end += size
	}
	end = trimLinkEnd(rest[:end])
	if end <= len(pre) {
		return 0
	}
	if pre == "mailto:" && !strings.Contains(rest[len(pre):end], "@") {
		return 0
	}
	if pre == "www." && !strings.Contains(rest[len(pre):end], ".") {
		return 0
	}
	return end
}

// trimLinkEnd drops trailing punctuation that more likely ends the
// sentence than the link: .,;:!?'* and a closing bracket with no
// opening one in the link.
func trimLinkEnd(u string) int {
	for len(u) > 0 {
		c := u[len(u)-1]
		switch c {
		case '.', ',', ';', ':', '!', '?', '\'', '*':
			u = u[:len(u)-1]
			continue
		case ')', ']', '}':
			open := map[byte]byte{')': '(', ']': '[', '}': '{'}[c]
			if strings.Count(u, string(open)) < strings.Count(u, string(c)) {
				u = u[:len(u)-1]
				continue
			}
		}
		break
	}
	return len(u)
}

// linkURL returns the URL of link text t.
func linkURL(t string) string {
	if hasPrefixFold(t, "www.") {
		return "http://" + t
	}
	return t
}

// linkify splits text into Spans, links with their URL.
func linkify(s string) []Span {
	var spans []Span
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c != 'h' && c != 'm' && c != 'w' {
			continue
		}
		n := linkAt(s, i)
		if n == 0 {
			continue
		}
		if start < i {
			spans = append(spans, Span{Text: s[start:i]})
		}
		spans = append(spans, Span{Text: s[i : i+n], URL: linkURL(s[i : i+n])})
		i += n - 1
		start = i + 1
	}
	if start < len(s) {
		spans = append(spans, Span{Text: s[start:]})
	}
	return spans
}

// plainSpans is linkify without links: s as one Span, none when empty.
func plainSpans(s string) []Span {
	if s == "" {
		return nil
	}
	return []Span{{Text: s}}
}
