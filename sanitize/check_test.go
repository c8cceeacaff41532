package sanitize

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// testOpts are the options of the property checks: cid: parts map to
// themselves, so that output sanitizes to itself.
var testOpts = Options{PartURL: func(cid string) string { return "cid:" + cid }}

// reparse parses out as the content of a div, as a browser would, and
// renders it again.
func reparse(out string) ([]*html.Node, string, error) {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(out), ctx)
	if err != nil {
		return nil, "", err
	}
	var b bytes.Buffer
	for _, n := range nodes {
		if err := html.Render(&b, n); err != nil {
			return nil, "", err
		}
	}
	return nodes, b.String(), nil
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
	for _, a := range n.Attr {
		if err := checkAttr(n, a); err != nil {
			return err
		}
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
		kind = globalAttrs[k]
	}
	if n.DataAtom == atom.A && (k == "target" && a.Val == "_blank" || k == "rel" && a.Val == "noopener noreferrer") {
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
