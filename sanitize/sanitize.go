package sanitize

import (
	"fmt"
	"html/template"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ScopeClass is the class of the wrapper element the output is wrapped in
// (<div class="postern-mail">); the sanitized <style> rules apply only
// under it.
const ScopeClass = "postern-mail"

// DefaultMaxInputBytes is the default of Options.MaxInputBytes.
const DefaultMaxInputBytes = 8 << 20

// maxDepth is the element nesting kept; deeper elements are unwrapped
// (their text stays). It keeps the output well under the 512 levels
// golang.org/x/net/html parses.
const maxDepth = 256

// Options tune one sanitization. The zero value is the safe default:
// cid: references dropped, remote content blocked, 8 MiB read.
type Options struct {
	// PartURL maps a cid: reference (without "cid:", URL-unescaped) to
	// the URL of that MIME part, or "" if the message has no such part
	// (then the reference is dropped). Its result is trusted as is.
	PartURL func(cid string) string
	// AllowRemote keeps remote (http, https) images, backgrounds, CSS
	// url()s and srcset candidates; when false they are removed and
	// counted in Result.RemoteBlocked.
	AllowRemote bool
	// MaxInputBytes is the most input read (default
	// DefaultMaxInputBytes); longer input is cut and Result.Truncated set.
	MaxInputBytes int64
	// Self names the webmail's own hosts, each "host" or "host:port" as
	// in HTTP_HOST, SERVER_NAME and SERVER_ADDR (an IPv6 address with or
	// without brackets). A URL in the mail that reaches one of these hosts
	// on one of these ports, 80 or 443 is dropped whatever AllowRemote
	// says (see the package documentation).
	Self []string
}

// Result is a sanitized HTML fragment and what was removed from it.
type Result struct {
	// HTML is the sanitized fragment: <div class="postern-mail"> holding
	// the scoped <style> (if any) and the body content. sanitize is the
	// only producer of template.HTML in postern.
	HTML template.HTML
	// RemoteBlocked counts remote resources removed because
	// Options.AllowRemote was false: images (tracking pixels too),
	// backgrounds, srcset candidates, CSS url()s and @imports, fonts,
	// video posters, <link> prefetches and stylesheets.
	RemoteBlocked int
	// PhishingLinks counts links whose visible text is a URL or domain
	// other than their target's; they carry the class "postern-phish"
	// and a title naming the real host.
	PhishingLinks int
	// Truncated is set when the input was longer than MaxInputBytes.
	Truncated bool
}

// PhishClass marks links whose text names another host than their target.
const PhishClass = "postern-phish"

// HTML reads UTF-8 HTML (a whole document or a fragment) from r and
// returns it sanitized. The error is a read error only; broken HTML is
// never an error.
func HTML(r io.Reader, opt Options) (*Result, error) {
	max := opt.MaxInputBytes
	if max <= 0 {
		max = DefaultMaxInputBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("sanitize: reading html: %w", err)
	}
	return String(string(data), opt), nil
}

// String sanitizes s, like HTML without the reading (and without a copy
// of the input).
func String(s string, opt Options) *Result {
	max := opt.MaxInputBytes
	if max <= 0 {
		max = DefaultMaxInputBytes
	}
	truncated := int64(len(s)) > max
	if truncated {
		s = s[:max]
	}
	res := sanitize(s, opt)
	res.Truncated = truncated
	return res
}

// sanitizer holds the state of one pass over a tree.
type sanitizer struct {
	opt    Options
	self   *selfSet
	res    *Result
	styles []string // text of the <style> elements met, in order

	styleCache map[string]cachedStyle // style attribute text -> result
}

// maxPasses bounds the walks of sanitize. The parser seldom restructures
// the rendering of a walked tree (none of the corpus's mail), and the
// tree it builds instead settles in the next walk in every case the tests
// and the fuzzer have found; input that has not settled after maxPasses
// walks is shown as text.
const maxPasses = 4

// sanitize runs the whole pipeline on data.
func sanitize(data string, opt Options) *Result {
	res, _ := passes(data, opt)
	return res
}

// passes parses data, walks the tree, renders it, and again on what the
// parser makes of the rendering, until the rendering is a fixed point of
// the parser. It returns the result and the number of walks, 0 when the
// text-only fallback was taken.
func passes(data string, opt Options) (*Result, int) {
	res := &Result{}
	doc, err := parseDocument(data)
	if err != nil { // nested deeper than the parser goes
		res.HTML = template.HTML(textOnly(data))
		return res, 0
	}
	self := newSelfSet(opt.Self)
	for pass := 1; pass <= maxPasses; pass++ {
		s := &sanitizer{opt: opt, self: self, res: &Result{}}
		out, ok := s.document(doc, len(data))
		res.RemoteBlocked += s.res.RemoteBlocked
		res.PhishingLinks = s.res.PhishingLinks
		if !ok {
			break
		}
		if doc, err = parseDocument(out); err != nil {
			break
		}
		if again, ok := renderBody(doc); ok && again == out {
			res.HTML = template.HTML(out)
			return res, pass
		}
	}
	res.HTML, res.PhishingLinks = template.HTML(textOnly(data)), 0
	return res, 0
}

// document walks a parsed document and renders the wrapper with the
// sanitized content. ok is false when rendering fails.
func (s *sanitizer) document(doc *html.Node, size int) (string, bool) {
	head, body := parts(doc)
	if head != nil {
		s.children(head, 0) // collects <style>, counts remote <link>s
	}
	wrapper := s.wrapper(body)
	var buf strings.Builder
	buf.Grow(size + size/8)
	if err := html.Render(&buf, wrapper); err != nil {
		return "", false
	}
	return buf.String(), true
}

// docStart is put before what sanitize parses: the frame the output is
// shown in is a standards-mode document (<!DOCTYPE html>), and its body is
// where the output goes. A doctype of the mail's own comes second and is
// ignored, so quirks mode never applies.
const docStart = "<!DOCTYPE html>"

// parseDocument parses data as the body of a standards-mode document.
func parseDocument(data string) (*html.Node, error) {
	return html.Parse(io.MultiReader(strings.NewReader(docStart), strings.NewReader(data)))
}

// renderBody renders the children of a parsed document's body.
func renderBody(doc *html.Node) (string, bool) {
	_, body := parts(doc)
	if body == nil {
		return "", false
	}
	var b strings.Builder
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return "", false
		}
	}
	return b.String(), true
}

// parts finds the head and body (or frameset) of a parsed document.
func parts(doc *html.Node) (head, body *html.Node) {
	for h := doc.FirstChild; h != nil; h = h.NextSibling {
		if h.Type != html.ElementNode || h.DataAtom != atom.Html {
			continue
		}
		for c := h.FirstChild; c != nil; c = c.NextSibling {
			switch c.DataAtom {
			case atom.Head:
				head = c
			case atom.Body:
				body = c
			}
		}
	}
	return head, body
}

// wrapper sanitizes the body's content and returns it moved into the
// wrapper div, after the scoped <style>. The body's colours and style go
// to the wrapper. Output of an earlier call (a body holding only the
// wrapper div) is unwrapped first, so that sanitizing is idempotent.
func (s *sanitizer) wrapper(body *html.Node) *html.Node {
	w := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div,
		Attr: []html.Attribute{{Key: "class", Val: ScopeClass}}}
	if body == nil {
		return w
	}
	content, decls := body, bodyStyle(body)
	if d := onlyChild(body); d != nil && d.DataAtom == atom.Div && getAttr(d, "class") == ScopeClass {
		content, decls = d, getAttr(d, "style")
	}
	if v := getAttr(body, "background"); v != "" {
		s.countIfRemote(v)
	}
	s.children(content, 1)
	if st := s.declarations(decls); st != "" {
		w.Attr = append(w.Attr, html.Attribute{Key: "style", Val: st})
	}
	var sheet strings.Builder
	for _, src := range s.styles {
		sheet.WriteString(s.stylesheet(src))
	}
	if css := sheet.String(); css != "" && !strings.Contains(css, "<") {
		st := &html.Node{Type: html.ElementNode, Data: "style", DataAtom: atom.Style}
		st.AppendChild(&html.Node{Type: html.TextNode, Data: css})
		w.AppendChild(st)
	}
	for c := content.FirstChild; c != nil; c = content.FirstChild {
		content.RemoveChild(c)
		w.AppendChild(c)
	}
	return w
}

// bodyStyle turns the body's bgcolor, text and style attributes into
// declarations for the wrapper.
func bodyStyle(body *html.Node) string {
	var d []string
	if c := getAttr(body, "bgcolor"); plainColor(c) {
		d = append(d, "background-color:"+c)
	}
	if c := getAttr(body, "text"); plainColor(c) {
		d = append(d, "color:"+c)
	}
	if st := getAttr(body, "style"); st != "" {
		d = append(d, st)
	}
	return strings.Join(d, ";")
}

// plainColor reports whether c is a colour name or #hex.
func plainColor(c string) bool {
	if strings.HasPrefix(c, "#") {
		c = c[1:]
	}
	return plainName(c)
}

// onlyChild returns the only element child of n when n has no other
// child but blank text, else nil.
func onlyChild(n *html.Node) *html.Node {
	var only *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		case c.Type == html.ElementNode && only == nil:
			only = c
		default:
			return nil
		}
	}
	return only
}

// getAttr returns the value of n's attribute key, or "".
func getAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

// textOnly is the fallback for input the parser refuses (nested deeper
// than it goes) or whose rendering does not settle: its text, without
// control characters, escaped, in the wrapper.
func textOnly(data string) string {
	z := html.NewTokenizer(strings.NewReader(data))
	var b strings.Builder
	skip := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return `<div class="` + ScopeClass + `"><p>` + html.EscapeString(strings.Join(strings.Fields(stripControls(b.String())), " ")) + `</p></div>`
		case html.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			skip = a == atom.Script || a == atom.Style || a == atom.Title || a == atom.Textarea || a == atom.Xmp
		case html.EndTagToken:
			skip = false
		case html.TextToken:
			if !skip {
				b.Write(z.Text())
				b.WriteByte(' ')
			}
		}
	}
}
