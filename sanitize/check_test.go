package sanitize

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// testOpts are the options of the property checks: cid: parts map to
// themselves, so that output sanitizes to itself, and the webmail is
// webmail.example on port 8443 and 127.0.0.1 on 8080.
var testOpts = Options{
	PartURL: func(cid string) string { return "cid:" + url.PathEscape(cid) },
	Self:    []string{"webmail.example:8443", "127.0.0.1:8080"},
}

// frameHead and frameTail surround the output in the document the webmail
// serves it in (cgi/html.go): a standards-mode document, the output in
// its body.
const (
	frameHead = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\"><title>Message</title><style>body{margin:8px}</style></head><body>\n"
	frameTail = "\n</body></html>\n"
)

// reparse parses out as a browser does in the frame document and renders
// it again; it also parses it as a fragment in a body and checks that the
// two agree.
func reparse(out string) ([]*html.Node, string, error) {
	doc, err := html.Parse(strings.NewReader(frameHead + out + frameTail))
	if err != nil {
		return nil, "", err
	}
	var body *html.Node
	for n := doc.FirstChild; n != nil; n = n.NextSibling {
		if n.DataAtom == atom.Html {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.DataAtom == atom.Body {
					body = c
				}
			}
		}
	}
	if body == nil {
		return nil, "", fmt.Errorf("no body in the frame document")
	}
	var nodes []*html.Node
	var b bytes.Buffer
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		nodes = append(nodes, c)
		if err := html.Render(&b, c); err != nil {
			return nil, "", err
		}
	}
	// The frame's line breaks around the output are text of the body;
	// the one after </body></html> is appended to it.
	again, ok := strings.CutPrefix(b.String(), "\n")
	again, ok2 := strings.CutSuffix(again, "\n\n")
	if !ok || !ok2 || len(nodes) < 2 || nodes[0].Type != html.TextNode || nodes[len(nodes)-1].Type != html.TextNode {
		return nil, b.String(), nil // the check of the caller fails
	}
	nodes = nodes[1 : len(nodes)-1]
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	frag, err := html.ParseFragment(strings.NewReader(out), ctx)
	if err != nil {
		return nil, "", err
	}
	b.Reset()
	for _, n := range frag {
		if err := html.Render(&b, n); err != nil {
			return nil, "", err
		}
	}
	if b.String() != again {
		return nil, "", fmt.Errorf("parsed as a fragment in a body: %q, in the frame document: %q", b.String(), again)
	}
	return nodes, again, nil
}

// checkOutput returns what is wrong with the sanitized out: a tree that
// changes when re-parsed, an element, attribute or URL outside the
// allowlist, CSS that could run code or leave the wrapper, or output that
// changes when sanitized again with opt.
func checkOutput(out string, opt Options) error {
	nodes, again, err := reparse(out)
	if err != nil {
		return fmt.Errorf("re-parsing: %v", err)
	}
	if again != out {
		return fmt.Errorf("re-parsed output differs (mutation):\n out: %q\nagain: %q", out, again)
	}
	if out == "" {
		return nil
	}
	if len(nodes) != 1 || nodes[0].DataAtom != atom.Div || getAttr(nodes[0], "class") != ScopeClass {
		return fmt.Errorf("output is not one wrapper div: %q", out)
	}
	w := nodes[0]
	for c := w.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Style {
			if c != w.FirstChild {
				return fmt.Errorf("<style> not first in the wrapper")
			}
			if err := checkCSS(textOf(c), true); err != nil {
				return err
			}
			continue
		}
		if err := checkTree(c); err != nil {
			return err
		}
	}
	for _, a := range w.Attr {
		if a.Key == "style" {
			if err := checkCSS(a.Val, false); err != nil {
				return err
			}
		} else if a.Key != "class" {
			return fmt.Errorf("wrapper attribute %s", a.Key)
		}
	}
	if err := checkControls(w); err != nil {
		return err
	}
	if err := checkSelf(w, newSelfSet(opt.Self)); err != nil {
		return err
	}
	if twice := String(out, opt); string(twice.HTML) != out {
		return fmt.Errorf("not idempotent:\n once: %q\ntwice: %q", out, twice.HTML)
	}
	return nil
}

// textOf returns the text of n's children.
func textOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(c.Data)
	}
	return b.String()
}

// checkTree checks n and everything under it against the allowlist.
func checkTree(n *html.Node) error {
	switch n.Type {
	case html.TextNode:
		return nil
	case html.ElementNode:
	default:
		return fmt.Errorf("node type %d in output", n.Type)
	}
	if n.Namespace != "" || kept()[n.DataAtom] == nil {
		return fmt.Errorf("element <%s> (namespace %q) outside the allowlist", n.Data, n.Namespace)
	}
	remote, policy := false, false
	for _, a := range n.Attr {
		if err := checkAttr(n, a); err != nil {
			return err
		}
		if a.Key == "src" || a.Key == "srcset" {
			for _, u := range urlsOf(n, a) {
				l := strings.ToLower(strings.TrimSpace(u))
				remote = remote || strings.HasPrefix(l, "http:") || strings.HasPrefix(l, "https:")
			}
		}
		policy = policy || a.Key == "referrerpolicy"
	}
	if n.DataAtom == atom.Img && remote && !policy {
		return fmt.Errorf("remote <img> without referrerpolicy")
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := checkTree(c); err != nil {
			return err
		}
	}
	return nil
}

// checkAttr checks one attribute of a kept element.
func checkAttr(n *html.Node, a html.Attribute) error {
	k := strings.ToLower(a.Key)
	if strings.HasPrefix(k, "on") || a.Namespace != "" {
		return fmt.Errorf("attribute %s on <%s>", a.Key, n.Data)
	}
	kind := kept()[n.DataAtom][k]
	if kind == 0 {
		kind = globalAttrs()[k]
	}
	if n.DataAtom == atom.A && (k == "target" && a.Val == "_blank" || k == "rel" && a.Val == "noopener noreferrer") {
		return nil
	}
	if n.DataAtom == atom.Img && k == "referrerpolicy" && a.Val == "no-referrer" {
		return nil
	}
	switch kind {
	case 0:
		return fmt.Errorf("attribute %s on <%s> outside the allowlist", a.Key, n.Data)
	case style:
		return checkCSS(a.Val, false)
	case link, image:
		return checkURL(a.Val, n.DataAtom == atom.Img && k == "src")
	case imageSet:
		for _, c := range strings.Split(a.Val, ",") {
			if f := strings.Fields(c); len(f) > 0 {
				if err := checkURL(f[0], false); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// checkURL checks a URL as a browser would read it.
func checkURL(u string, data bool) error {
	c := strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, u))
	switch {
	case strings.HasPrefix(c, "http://"), strings.HasPrefix(c, "https://"),
		strings.HasPrefix(c, "mailto:"), strings.HasPrefix(c, "cid:"), strings.HasPrefix(c, "#"):
		return nil
	case data && strings.HasPrefix(c, "data:image/"):
		return nil
	}
	return fmt.Errorf("URL %q kept", u)
}

// checkCSS looks for what may never be in sanitized CSS.
func checkCSS(s string, sheet bool) error {
	l := strings.ToLower(s)
	for _, bad := range []string{"expression", "javascript", "vbscript", "behavior", "binding", "@import",
		"@font-face", "\\", "<", "position:fixed", "position:absolute", "position:sticky", "data:"} {
		if strings.Contains(l, bad) {
			return fmt.Errorf("CSS %q holds %q", s, bad)
		}
	}
	for rest := l; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			break
		}
		rest = rest[i+4:]
		u := strings.Trim(rest, `"'`)
		if !strings.HasPrefix(u, "cid:") && !strings.HasPrefix(u, "http") {
			return fmt.Errorf("CSS %q: url(%.20s", s, rest)
		}
	}
	if sheet {
		// every rule's selectors must start with the scope
		for _, part := range strings.Split(l, "}") {
			sel, _, ok := strings.Cut(part, "{")
			if !ok {
				continue
			}
			if strings.HasPrefix(sel, "@media") {
				_, sel, _ = strings.Cut(part, "{")
				if sel, _, ok = strings.Cut(sel, "{"); !ok {
					continue
				}
			}
			for _, one := range strings.Split(sel, ",") {
				if one != "."+ScopeClass && !strings.HasPrefix(one, "."+ScopeClass+" ") && !strings.HasPrefix(one, "."+ScopeClass+">") {
					return fmt.Errorf("CSS %q: selector %q not scoped", s, one)
				}
			}
		}
	}
	return nil
}

// checkControls looks for control characters in the re-parsed output: in
// text and attribute values none but tab, LF and CR; in URLs, after
// percent-decoding, none at all (but line breaks in a mailto: query).
func checkControls(n *html.Node) error {
	bad := func(s string, text bool) bool {
		for _, r := range s {
			if r < 0x20 && !(text && (r == '\t' || r == '\n' || r == '\r')) || r == 0x7f || 0x80 <= r && r <= 0x9f {
				return true
			}
		}
		return false
	}
	if n.Type == html.TextNode && bad(n.Data, true) {
		return fmt.Errorf("control character in text %q", n.Data)
	}
	for _, a := range n.Attr {
		if bad(a.Val, true) {
			return fmt.Errorf("control character in %s=%q", a.Key, a.Val)
		}
		for _, u := range urlsOf(n, a) {
			d, err := url.PathUnescape(u)
			if err != nil {
				d = u
			}
			text := false
			if l := strings.ToLower(u); strings.HasPrefix(l, "mailto:") && strings.Contains(l, "?") {
				d, text = strings.SplitN(d, "?", 2)[0], false
				if bad(d, text) {
					return fmt.Errorf("control character in the URL %q", u)
				}
				q, _ := url.PathUnescape(u[strings.IndexByte(u, '?'):])
				d, text = q, true
			}
			if bad(d, text) {
				return fmt.Errorf("control character in the URL %q of %s", u, a.Key)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := checkControls(c); err != nil {
			return err
		}
	}
	return nil
}

// cssURL matches the url()s the sanitizer writes in CSS.
var cssURLs = regexp.MustCompile(`url\("([^"]*)"\)`)

// urlsOf returns the URLs in attribute a of n: the value of a URL
// attribute, the candidates of a srcset, the url()s of a style.
func urlsOf(n *html.Node, a html.Attribute) []string {
	switch a.Key {
	case "href", "src", "cite", "background":
		return []string{a.Val}
	case "srcset":
		var us []string
		for _, c := range strings.Split(a.Val, ",") {
			if f := strings.Fields(c); len(f) > 0 {
				us = append(us, f[0])
			}
		}
		return us
	case "style":
		var us []string
		for _, m := range cssURLs.FindAllStringSubmatch(a.Val, -1) {
			us = append(us, m[1])
		}
		return us
	}
	return nil
}

// checkSelf looks for a URL of the webmail itself in the re-parsed
// output: in URL attributes, srcset and style url()s, and in <style>.
func checkSelf(n *html.Node, self *selfSet) error {
	var us []string
	if n.Type == html.ElementNode && n.DataAtom == atom.Style {
		for _, m := range cssURLs.FindAllStringSubmatch(textOf(n), -1) {
			us = append(us, m[1])
		}
	}
	for _, a := range n.Attr {
		us = append(us, urlsOf(n, a)...)
	}
	for _, u := range us {
		c, ok := cleanURL(u)
		if !ok {
			return fmt.Errorf("URL %q kept with a control character", u)
		}
		switch sch := scheme(c); sch {
		case "http", "https":
			h, port, ok := webAuthority(c, sch)
			if !ok {
				return fmt.Errorf("URL %q kept, a browser may read it otherwise", u)
			}
			if self.has(h, port) {
				return fmt.Errorf("URL %q of the webmail itself kept", u)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := checkSelf(c, self); err != nil {
			return err
		}
	}
	return nil
}
