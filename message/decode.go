package message

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// maxProblems bounds View.Problems; repeated problems are listed once.
const maxProblems = 50

// problems collects short descriptions of what was malformed.
type problems struct {
	list []string
}

func (p *problems) add(s string) {
	if p == nil || len(p.list) >= maxProblems {
		return
	}
	for _, q := range p.list {
		if q == s {
			return
		}
	}
	p.list = append(p.list, s)
}

// maxCharsetName bounds a charset label taken from the message.
const maxCharsetName = 64

// toUTF8 converts b from the named charset (lookupCharset) to UTF-8.
// Unknown charsets and undeclared or invalid 8-bit bytes fall back to
// fallback8bit; the result is then valid UTF-8 (control characters are
// not removed here).
func toUTF8(b []byte, cs string, p *problems) string {
	if i := strings.IndexByte(cs, '*'); i >= 0 { // RFC 2231 section 5 language
		cs = cs[:i]
	}
	if len(cs) > maxCharsetName {
		p.add("charset name too long")
		return fallback8bit(b)
	}
	kind, enc := lookupCharset(cs)
	switch kind {
	case csUTF7:
		return decodeUTF7(b)
	case csUndeclared:
		return fallback8bit(b)
	case csUnknown:
		if strings.TrimSpace(cs) != "" {
			p.add("unknown charset " + cleanLine(strings.ToLower(strings.TrimSpace(cs))))
		}
		return fallback8bit(b)
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		p.add("bad bytes for charset " + cleanLine(strings.ToLower(cs)))
		out, _ = io.ReadAll(enc.NewDecoder().Reader(bytes.NewReader(b)))
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// fallback8bit keeps valid UTF-8 and reads every other byte as
// Windows-1252 (a superset of the printable part of Latin-1).
func fallback8bit(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/4)
	dec := charmap.Windows1252
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			sb.WriteRune(dec.DecodeByte(b[0]))
			b = b[1:]
			continue
		}
		sb.WriteRune(r)
		b = b[n:]
	}
	return sb.String()
}

// isDropped reports control and format characters never shown.
func isDropped(r rune, keepNL bool) bool {
	switch {
	case r == '\t':
		return false
	case r == '\n':
		return !keepNL
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == '\ufeff', r == '\u2028', r == '\u2029':
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069': // bidi overrides
		return true
	}
	return false
}

// cleanLine returns s as valid UTF-8 with control characters removed
// and tabs made spaces, for one-line display.
func cleanLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r == '\t' {
			return ' '
		}
		if isDropped(r, false) {
			return -1
		}
		return r
	}, s)
}

// cleanText is cleanLine for text with line breaks: CRLF and CR become
// LF. A run of invalid bytes becomes one U+FFFD (as strings.ToValidUTF8).
// It makes one pass, and no copy when s is clean already.
func cleanText(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == '\r' || isDropped(rune(c), true) {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || isDropped(r, true) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	invalid := false // the last byte was part of an invalid sequence
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			invalid = false
			switch {
			case c == '\r':
				b.WriteByte('\n')
				if i+1 < len(s) && s[i+1] == '\n' {
					i++
				}
			case !isDropped(rune(c), true):
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			if !invalid {
				b.WriteString("\uFFFD")
			}
			invalid = true
			i++
			continue
		}
		invalid = false
		if !isDropped(r, true) {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// decodeHeader decodes an unstructured header value: RFC 2047 encoded
// words, raw 8-bit bytes; the result is one clean line.
func decodeHeader(raw string, p *problems) string {
	return strings.TrimSpace(cleanLine(decodeWords(raw, p)))
}

// encodedWord is one parsed RFC 2047 word.
type encodedWord struct {
	charset string
	data    []byte
}

// parseWord parses an encoded word at the start of s ("=?cs?e?text?=")
// and returns its length, or 0 when s does not start with one.
//
// QUIRK: it is lenient as Thunderbird and mutt are: the charset may hold
// '.' and ':' (ANSI_X3.4-1968, ISO_646.irv:1991: RFC 2047 section 2 does
// not allow them, but glibc names charsets so), and Q-encoded text may
// hold spaces (section 4.2 wants "_"), read as spaces. The text ends at
// the first "?=".
func parseWord(s string) (encodedWord, int) {
	if !strings.HasPrefix(s, "=?") {
		return encodedWord{}, 0
	}
	q1 := strings.IndexByte(s[2:], '?')
	if q1 < 1 || q1 > maxCharsetName {
		return encodedWord{}, 0
	}
	cs := s[2 : 2+q1]
	if strings.ContainsAny(cs, " \t\r\n()<>@,;\"/[]?=") {
		return encodedWord{}, 0
	}
	rest := s[2+q1+1:]
	if len(rest) < 2 || rest[1] != '?' {
		return encodedWord{}, 0
	}
	enc := rest[0]
	end := strings.Index(rest[2:], "?=")
	if end < 0 {
		return encodedWord{}, 0
	}
	text := rest[2 : 2+end]
	total := 2 + q1 + 1 + 2 + end + 2
	var data []byte
	switch enc {
	case 'B', 'b':
		data = decodeB(text)
	case 'Q', 'q':
		data = decodeQ(text)
	default:
		return encodedWord{}, 0
	}
	return encodedWord{charset: cs, data: data}, total
}

// decodeB decodes base64 leniently: missing padding and stray
// characters are tolerated.
func decodeB(s string) []byte {
	s = strings.TrimRight(s, "=")
	s = strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '/' {
			return r
		}
		return -1
	}, s)
	if len(s)%4 == 1 {
		s = s[:len(s)-1]
	}
	out, _ := base64.RawStdEncoding.DecodeString(s)
	return out
}

// decodeQ decodes the Q encoding of RFC 2047 section 4.2.
func decodeQ(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// decodeWords decodes the RFC 2047 encoded words in s. White space
// between adjacent encoded words is dropped (section 6.2), and adjacent
// words in one charset are joined before conversion so that a character
// split over two words survives. Other text is read as raw 8-bit.
func decodeWords(s string, p *problems) string {
	if !strings.Contains(s, "=?") {
		return fallback8bit([]byte(s))
	}
	var out strings.Builder
	var pend []byte // decoded bytes of adjacent words in pendCS
	pendCS := ""
	flush := func() {
		if pend != nil {
			out.WriteString(toUTF8(pend, pendCS, p))
			pend = nil
		}
	}
	afterWord := false
	for len(s) > 0 {
		i := strings.Index(s, "=?")
		if i < 0 {
			flush()
			out.WriteString(fallback8bit([]byte(s)))
			break
		}
		w, n := parseWord(s[i:])
		if n == 0 {
			flush()
			out.WriteString(fallback8bit([]byte(s[:i+2])))
			s = s[i+2:]
			afterWord = false
			continue
		}
		between := s[:i]
		if !(afterWord && strings.TrimLeft(between, " \t\r\n") == "") {
			flush()
			out.WriteString(fallback8bit([]byte(between)))
		}
		if pend != nil && !strings.EqualFold(w.charset, pendCS) {
			flush()
		}
		pendCS = w.charset
		pend = append(pend, w.data...)
		if pend == nil {
			pend = []byte{}
		}
		s = s[i+n:]
		afterWord = true
	}
	flush()
	return out.String()
}
