package message

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlBlock reports whether a is an element whose start and end break
// the line. (Switches, not maps, here and below: a map literal is built
// at every start of the program.)
func htmlBlock(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center,
		atom.Dd, atom.Div, atom.Dl, atom.Dt, atom.Fieldset, atom.Figure,
		atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5,
		atom.H6, atom.Header, atom.Hr, atom.Li, atom.Main, atom.Nav, atom.Ol,
		atom.P, atom.Pre, atom.Section, atom.Table, atom.Tr, atom.Ul, atom.Body,
		atom.Html:
		return true
	}
	return false
}

// htmlSkipped reports whether a is an element whose content is not text
// to show.
func htmlSkipped(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template,
		atom.Noscript, atom.Iframe, atom.Textarea:
		return true
	}
	return false
}

// htmlText accumulates the Lines of an HTML document.
type htmlText struct {
	lines []Line
	cur   []Span
	quote int
	pre   int
	space bool   // a space is pending before the next word
	href  string // URL of the enclosing <a>, if shown as a link
	cids  map[string]bool
	spans func(string) []Span // linkify or plainSpans
	image bool                // an element shows an image (see showsImage)
}

func (t *htmlText) text(s string) {
	if t.pre > 0 {
		for i, l := range strings.Split(s, "\n") {
			if i > 0 {
				t.breakLine(true)
			}
			t.add(l)
		}
		return
	}
	words := joinFields(s)
	lead := len(s) > 0 && strings.TrimLeft(s, " \t\r\n\f") != s
	trail := len(s) > 0 && strings.TrimRight(s, " \t\r\n\f") != s
	if words == "" {
		if lead {
			t.space = true
		}
		return
	}
	if lead {
		t.space = true
	}
	t.add(words)
	t.space = trail
}

// joinFields is strings.Join(strings.Fields(s), " "): runs of white
// space (unicode.IsSpace) become one space, none at either end. It does
// not copy s when s is so already.
func joinFields(s string) string {
	clean, prevSpace := true, true // prevSpace: at the start, or after a space
	for _, r := range s {
		sp := unicode.IsSpace(r)
		if sp && (prevSpace || r != ' ') {
			clean = false
			break
		}
		prevSpace = sp
	}
	if clean && !prevSpace {
		return s
	}
	if clean { // s is "" or ends with one space
		return strings.TrimSuffix(s, " ")
	}
	var b strings.Builder
	b.Grow(len(s))
	start := -1 // of the word being read
	for i, r := range s {
		switch {
		case !unicode.IsSpace(r):
			if start < 0 {
				start = i
			}
		case start >= 0:
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[start:])
	}
	return b.String()
}

func (t *htmlText) add(s string) {
	if s == "" {
		return
	}
	if t.space && len(t.cur) > 0 {
		s = " " + s
	}
	t.space = false
	if t.href != "" {
		t.cur = append(t.cur, Span{Text: s, URL: t.href})
		return
	}
	t.cur = append(t.cur, t.spans(s)...)
}

// breakLine ends the current line; force keeps an empty one.
func (t *htmlText) breakLine(force bool) {
	t.space = false
	if len(t.cur) == 0 && !force {
		return
	}
	t.lines = append(t.lines, Line{Quote: t.quote, Spans: t.cur})
	t.cur = nil
}

// blankLine ends the line and leaves one empty line (paragraphs).
func (t *htmlText) blankLine() {
	t.breakLine(false)
	if n := len(t.lines); n > 0 && len(t.lines[n-1].Spans) > 0 {
		t.lines = append(t.lines, Line{Quote: t.quote})
	}
}

// attrURL returns the link target of an <a> worth showing.
func attrURL(v string) string {
	v = strings.TrimSpace(v)
	for _, p := range []string{"http://", "https://", "mailto:"} {
		if hasPrefixFold(v, p) {
			return cleanLine(v)
		}
	}
	return ""
}

// htmlToLines renders HTML as text (tags, scripts, styles and comments
// removed, entities decoded, block elements as line breaks, links kept)
// and returns the Content-IDs its cid: URLs refer to, and whether it
// shows an image (then it is not empty even without text). spans makes
// the Spans of text outside <a> (linkify, or plainSpans).
func htmlToLines(s string, spans func(string) []Span) ([]Line, map[string]bool, bool) {
	t := &htmlText{cids: map[string]bool{}, spans: spans}
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			if skip == 0 {
				t.text(cleanText(string(z.Text())))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			var href string
			img := imageElement(a)
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				val := string(v)
				if hasPrefixFold(strings.TrimSpace(val), "cid:") {
					t.cids[strings.Trim(strings.TrimSpace(val)[4:], "<>")] = true
				}
				switch string(k) {
				case "href":
					if a == atom.A {
						href = attrURL(val)
					}
				case "background":
					img = img || strings.TrimSpace(val) != ""
				case "width", "height":
					if tiny(val) {
						img = false // a tracking pixel shows nothing
					}
				}
			}
			if img && tt != html.EndTagToken && skip == 0 {
				t.image = true
			}
			t.tag(a, tt, href, &skip)
		}
	}
	t.breakLine(false)
	for len(t.lines) > 0 && len(t.lines[len(t.lines)-1].Spans) == 0 {
		t.lines = t.lines[:len(t.lines)-1]
	}
	return t.lines, t.cids, t.image
}

// imageElement reports whether a shows an image or other picture: HTML
// made of such elements alone is not empty. (So does any element with a background attribute.)
func imageElement(a atom.Atom) bool {
	switch a {
	case atom.Img, atom.Svg, atom.Picture, atom.Video, atom.Object, atom.Embed,
		atom.Canvas:
		return true
	}
	return false
}

// tiny reports a width or height of 0 or 1 pixel: a tracking pixel.
func tiny(v string) bool {
	v = strings.TrimSuffix(strings.TrimSpace(v), "px")
	return v == "0" || v == "1"
}

// tag applies one tag token.
func (t *htmlText) tag(a atom.Atom, tt html.TokenType, href string, skip *int) {
	end := tt == html.EndTagToken
	if htmlSkipped(a) {
		if tt == html.StartTagToken {
			*skip++
		} else if end && *skip > 0 {
			*skip--
		}
		return
	}
	if a == atom.Body && !end {
		*skip = 0 // QUIRK: an unclosed <head> ends at <body>
	}
	if *skip > 0 {
		return
	}
	switch a {
	case atom.Br:
		t.breakLine(true)
	case atom.A:
		if end {
			t.href = ""
		} else {
			t.href = href
		}
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Table:
		t.blankLine()
	case atom.Blockquote:
		t.breakLine(false)
		if end && t.quote > 0 {
			t.quote--
		} else if !end {
			t.quote++
		}
	case atom.Pre:
		t.breakLine(false)
		if end && t.pre > 0 {
			t.pre--
		} else if !end {
			t.pre++
		}
	case atom.Td, atom.Th:
		t.space = true
	case atom.Img:
		// Images are not shown as text.
	default:
		if htmlBlock(a) {
			t.breakLine(false)
		}
	}
}
