package sanitize

import (
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/css"
)

// cssProps is the property allowlist. A property not named here is
// dropped with its value. The value of a kept property is still checked
// token by token (cssValue) and, for some, against allowed keywords.
var cssProps = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Fields(`
		color opacity visibility
		background background-color background-image background-repeat
		background-position background-size background-attachment background-clip background-origin
		font font-family font-size font-style font-weight font-variant font-stretch
		line-height letter-spacing word-spacing text-align text-align-last text-decoration
		text-decoration-line text-decoration-color text-decoration-style text-indent
		text-transform text-shadow text-overflow white-space word-wrap word-break
		overflow-wrap hyphens vertical-align direction
		-webkit-text-size-adjust -ms-text-size-adjust text-size-adjust
		-webkit-font-smoothing -moz-osx-font-smoothing
		margin margin-top margin-right margin-bottom margin-left
		padding padding-top padding-right padding-bottom padding-left
		border border-top border-right border-bottom border-left
		border-color border-style border-width
		border-top-color border-top-style border-top-width
		border-right-color border-right-style border-right-width
		border-bottom-color border-bottom-style border-bottom-width
		border-left-color border-left-style border-left-width
		border-radius border-top-left-radius border-top-right-radius
		border-bottom-left-radius border-bottom-right-radius
		border-collapse border-spacing
		outline outline-color outline-style outline-width outline-offset
		box-shadow box-sizing
		width height min-width min-height max-width max-height
		display position z-index float clear overflow overflow-x overflow-y
		table-layout caption-side empty-cells
		list-style list-style-type list-style-position
		flex flex-direction flex-wrap flex-flow flex-grow flex-shrink flex-basis
		justify-content align-items align-content align-self order gap row-gap column-gap
		`) {
		m[p] = true
	}
	return m
})

// cssDisplay lists the allowed values of display: the layout mail uses,
// none for hidden preheaders, nothing that can float UI over the page.
var cssDisplay = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"none": true, "block": true, "inline": true, "inline-block": true,
		"table": true, "inline-table": true, "table-row": true, "table-cell": true,
		"table-row-group": true, "table-header-group": true, "table-footer-group": true,
		"table-column": true, "table-column-group": true, "table-caption": true,
		"list-item": true, "flex": true, "inline-flex": true,
	}
})

// cssFuncs are the functions allowed in values; url() is judged apart.
var cssFuncs = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"rgb(": true, "rgba(": true, "hsl(": true, "hsla(": true, "calc(": true,
		"linear-gradient(": true, "radial-gradient(": true,
	}
})

// maxZIndex bounds z-index: enough for mail layouts, too small to lift
// an overlay above anything that matters.
const maxZIndex = 100

// declarations sanitizes the content of a style attribute and returns
// the kept declarations as "name:value;name:value", or "".
func (s *sanitizer) declarations(src string) string {
	if v, ok := s.styleCache[src]; ok {
		s.res.RemoteBlocked += v.blocked
		return v.out
	}
	blocked := s.res.RemoteBlocked
	out := s.parseDeclarations(src)
	if s.styleCache == nil {
		s.styleCache = map[string]cachedStyle{}
	}
	s.styleCache[src] = cachedStyle{out: out, blocked: s.res.RemoteBlocked - blocked}
	return out
}

// cachedStyle is the result of one style attribute's text; mail repeats
// the same inline styles many times.
type cachedStyle struct {
	out     string
	blocked int // remote URLs it removed
}

// parseDeclarations does the work of declarations.
func (s *sanitizer) parseDeclarations(src string) string {
	p := css.NewParser(parse.NewInputString(src), true)
	var b strings.Builder
	for {
		gt, _, data := p.Next()
		if gt == css.ErrorGrammar {
			if p.HasParseError() {
				continue
			}
			break
		}
		if gt == css.DeclarationGrammar {
			s.declaration(&b, string(data), p.Values())
		}
	}
	return b.String()
}

// declaration appends name:value to b (with a ';' separator) when the
// property is allowed and its value passes.
func (s *sanitizer) declaration(b *strings.Builder, name string, vals []css.Token) {
	if !cssProps()[name] {
		s.countCSSURLs(vals)
		return
	}
	v, ok := s.cssValue(vals)
	if !ok || v == "" || !propertyValueOK(name, v) {
		return
	}
	if b.Len() > 0 {
		b.WriteByte(';')
	}
	b.WriteString(name)
	b.WriteByte(':')
	b.WriteString(v)
}

// propertyValueOK applies the keyword rules of single properties.
func propertyValueOK(name, v string) bool {
	bare := strings.TrimSpace(strings.TrimSuffix(strings.ToLower(v), "!important"))
	switch name {
	case "position":
		return bare == "static" || bare == "relative"
	case "display":
		return cssDisplay()[bare]
	case "z-index":
		n, err := strconv.Atoi(bare)
		return err == nil && n >= -maxZIndex && n <= maxZIndex
	}
	return true
}

// cssValue serializes a declaration's value from its tokens, allowing
// only plain tokens; any other token rejects the whole value. The result
// never holds '<', '\\', quotes other than its own, or a function outside
// cssFuncs.
func (s *sanitizer) cssValue(vals []css.Token) (string, bool) {
	var b strings.Builder
	level := 0
	for _, t := range vals {
		d := string(t.Data)
		switch t.TokenType {
		case css.WhitespaceToken:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
				b.WriteByte(' ')
			}
		case css.IdentToken:
			if !plainIdent(d) {
				return "", false
			}
			b.WriteString(d)
		case css.NumberToken, css.PercentageToken, css.DimensionToken:
			if !plainNumber(d) {
				return "", false
			}
			b.WriteString(d)
		case css.HashToken:
			if len(d) < 2 || !plainName(d[1:]) {
				return "", false
			}
			b.WriteString(d)
		case css.StringToken:
			q, ok := cssString(d)
			if !ok {
				return "", false
			}
			b.WriteString(q)
		case css.CommaToken:
			b.WriteByte(',')
		case css.DelimToken:
			switch d {
			case "/", "!", "+", "-", "*":
				b.WriteString(d)
			default:
				return "", false
			}
		case css.FunctionToken:
			f := strings.ToLower(d)
			if !cssFuncs()[f] {
				return "", false
			}
			level++
			b.WriteString(f)
		case css.RightParenthesisToken:
			if level == 0 {
				return "", false
			}
			level--
			b.WriteByte(')')
		case css.URLToken:
			blocked := s.res.RemoteBlocked
			u, ok := s.cssURL(d)
			if !ok && s.res.RemoteBlocked > blocked {
				continue // a blocked remote image: the rest of the value stays
			}
			if !ok {
				return "", false
			}
			b.WriteString(u)
		default:
			return "", false
		}
	}
	if level != 0 {
		return "", false
	}
	return strings.TrimSpace(b.String()), true
}

// cssURL judges the URL of a url() token and returns the url("...") to
// keep. Only cid: parts and, with AllowRemote, http and https pass.
func (s *sanitizer) cssURL(tok string) (string, bool) {
	raw, ok := urlTokenValue(tok)
	if !ok {
		return "", false
	}
	u, ok := s.imageURL(raw, false)
	if !ok || strings.ContainsAny(u, "\"\\\n\r\f<>") {
		return "", false
	}
	return `url("` + u + `")`, true
}

// countCSSURLs counts the remote url()s of a dropped declaration or rule
// as blocked remote content.
func (s *sanitizer) countCSSURLs(vals []css.Token) {
	for _, t := range vals {
		if t.TokenType == css.URLToken {
			if raw, ok := urlTokenValue(string(t.Data)); ok {
				s.countIfRemote(raw)
			}
		}
	}
}

// urlTokenValue returns the URL inside a url( ... ) token with CSS
// escapes undone.
func urlTokenValue(tok string) (string, bool) {
	i := strings.IndexByte(tok, '(')
	if i < 0 || !strings.HasSuffix(tok, ")") {
		return "", false
	}
	v := strings.TrimSpace(tok[i+1 : len(tok)-1])
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	return unescapeCSS(v), true
}

// unescapeCSS undoes CSS escapes (CSS Syntax 3 section 4.3.7).
func unescapeCSS(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(s) && j < i+7 && isHex(s[j]) {
			j++
		}
		if j == i+1 { // not hex: the next character itself
			if s[j] != '\n' {
				b.WriteByte(s[j])
			}
			i = j
			continue
		}
		n, _ := strconv.ParseUint(s[i+1:j], 16, 32)
		r := rune(n)
		if r == 0 || r > unicode.MaxRune || (r >= 0xD800 && r <= 0xDFFF) {
			r = unicode.ReplacementChar
		}
		b.WriteRune(r)
		if j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n') {
			j++
		}
		i = j - 1
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// plainIdent reports whether s is an identifier without escapes:
// -?[A-Za-z_][A-Za-z0-9_-]*.
func plainIdent(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" || !(s[0] == '_' || 'a' <= s[0]|0x20 && s[0]|0x20 <= 'z') {
		return false
	}
	return plainName(s)
}

// plainName reports whether s is made of [A-Za-z0-9_-] only.
func plainName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '-' || '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z') {
			return false
		}
	}
	return true
}

// plainNumber reports whether s is a number, percentage or dimension
// without escapes.
func plainNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '.' || c == '+' || c == '-' || c == '%' || '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z') {
			return false
		}
	}
	return s != ""
}

// cssString returns a quoted CSS string token as "...", when its content
// is plain text as font names use: letters, digits, spaces and a little
// punctuation. Escapes, quotes, colons and brackets reject it.
func cssString(tok string) (string, bool) {
	if len(tok) < 2 || tok[0] != tok[len(tok)-1] {
		return "", false
	}
	v := tok[1 : len(tok)-1]
	for _, r := range v {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == ' ', strings.ContainsRune("-_.,&+!'", r) && r != rune(tok[0]):
		default:
			return "", false
		}
	}
	return `"` + v + `"`, !strings.Contains(v, `"`)
}
