package sanitize

import (
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// children sanitizes the children of parent in place: text stays (less
// its control characters), comments and doctypes go, elements are kept,
// unwrapped or dropped.
func (s *sanitizer) children(parent *html.Node, depth int) {
	for c := parent.FirstChild; c != nil; {
		next := c.NextSibling
		switch c.Type {
		case html.TextNode:
			c.Data = stripControls(c.Data)
		case html.ElementNode:
			switch s.verdict(c, depth) {
			case keep:
				s.element(c, depth+1)
			case drop:
				parent.RemoveChild(c)
			case unwrap:
				if c.FirstChild != nil {
					next = c.FirstChild // walked next, in c's place
				}
				for ch := c.FirstChild; ch != nil; ch = c.FirstChild {
					c.RemoveChild(ch)
					parent.InsertBefore(ch, c)
				}
				parent.RemoveChild(c)
			}
		default:
			parent.RemoveChild(c)
		}
		c = next
	}
}

// verdict decides an element's fate; <style> text is collected here.
func (s *sanitizer) verdict(n *html.Node, depth int) verdict {
	switch {
	case n.Namespace != "": // svg, math and what the parser put inside
		return drop
	case n.DataAtom == atom.Style:
		if c := n.FirstChild; c != nil && c.Type == html.TextNode {
			s.styles = append(s.styles, c.Data)
		}
		return drop
	case dropped()[n.DataAtom]:
		s.countDropped(n)
		return drop
	case kept()[n.DataAtom] != nil && depth < maxDepth:
		return keep
	}
	s.countDropped(n)
	return unwrap
}

// countDropped counts the remote URLs an element that goes would have
// loaded (src, poster, background, srcset, <link href>).
func (s *sanitizer) countDropped(n *html.Node) {
	if s.opt.AllowRemote {
		return
	}
	for _, a := range n.Attr {
		switch {
		case a.Key == "srcset":
			for _, cand := range strings.Split(a.Val, ",") {
				if f := strings.Fields(cand); len(f) > 0 {
					s.countIfRemote(f[0])
				}
			}
		case a.Key == "href" && n.DataAtom == atom.Link:
			s.countIfRemote(a.Val)
		default:
			for _, k := range urlAttrs {
				if a.Key == k {
					s.countIfRemote(a.Val)
				}
			}
		}
	}
}

// element sanitizes a kept element: its attributes, its children, and
// for links the target, rel and phishing mark. Attributes come out
// sorted by name, so that the output does not depend on their order.
func (s *sanitizer) element(n *html.Node, depth int) {
	allowed := kept()[n.DataAtom]
	attrs := n.Attr[:0]
	var href, host string
	remote := false // an image URL is loaded from the web
	for _, a := range n.Attr {
		kind := allowed[a.Key]
		if kind == 0 {
			kind = globalAttrs()[a.Key]
		}
		if a.Namespace != "" || kind == 0 {
			continue
		}
		ok := true
		switch kind {
		case plain:
			a.Val = stripControls(a.Val)
		case style:
			a.Val = s.declarations(a.Val)
			ok = a.Val != ""
		case class:
			a.Val = classes(stripControls(a.Val))
			ok = a.Val != ""
		case link:
			var h string
			a.Val, h, ok = s.linkURL(a.Val)
			if ok && a.Key == "href" {
				href, host = a.Val, h
			}
		case image:
			a.Val, ok = s.imageURL(a.Val, n.DataAtom == atom.Img && a.Key == "src")
			remote = remote || ok && isWeb(a.Val)
		case imageSet:
			a.Val = s.srcset(a.Val)
			ok = a.Val != ""
			for _, c := range strings.Split(a.Val, ", ") {
				remote = remote || ok && isWeb(c)
			}
		}
		if ok {
			attrs = append(attrs, a)
		}
	}
	n.Attr = attrs
	if n.DataAtom == atom.Img && remote {
		n.Attr = append(n.Attr, html.Attribute{Key: "referrerpolicy", Val: "no-referrer"})
	}
	s.children(n, depth)
	if n.DataAtom == atom.A && href != "" && !strings.HasPrefix(href, "#") {
		n.Attr = append(n.Attr,
			html.Attribute{Key: "target", Val: "_blank"},
			html.Attribute{Key: "rel", Val: "noopener noreferrer"})
		if host != "" {
			s.phishing(n, host)
		}
	}
	if len(n.Attr) > 1 {
		sort.Slice(n.Attr, func(i, j int) bool { return n.Attr[i].Key < n.Attr[j].Key })
	}
}

// classes removes our own class names ("postern-" ones) from a class
// attribute, so that a message cannot forge or hide our marks.
func classes(v string) string {
	if !strings.Contains(strings.ToLower(v), "postern-") {
		return strings.Join(strings.Fields(v), " ")
	}
	var kept []string
	for _, c := range strings.Fields(v) {
		if !strings.HasPrefix(strings.ToLower(c), "postern-") {
			kept = append(kept, c)
		}
	}
	return strings.Join(kept, " ")
}

// setAttr sets n's attribute key to val, replacing an old value.
func setAttr(n *html.Node, key, val string) {
	for i := range n.Attr {
		if n.Attr[i].Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}
