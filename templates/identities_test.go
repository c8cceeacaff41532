package templates

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// renderDoc renders page name from p and parses it.
func renderDoc(t *testing.T, name string, p *Page) (string, *html.Node) {
	t.Helper()
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	p.Site, p.Base, p.User, p.CSRF = "postern", "/cgi-bin/postern", "alice", "c"
	var b strings.Builder
	if err := render(&b, s, name, p); err != nil {
		t.Fatalf("render(%s) = %v", name, err)
	}
	doc, err := html.Parse(strings.NewReader(b.String()))
	if err != nil {
		t.Fatalf("%s: output does not parse: %v", name, err)
	}
	if name != "compose" { // compose loads complete.js
		checkTree(t, name, doc)
	}
	return b.String(), doc
}

func findNode(n *html.Node, pred func(*html.Node) bool) *html.Node {
	if pred(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findNode(c, pred); f != nil {
			return f
		}
	}
	return nil
}

func byID(n *html.Node, id string) *html.Node {
	return findNode(n, func(n *html.Node) bool {
		for _, a := range n.Attr {
			if a.Key == "id" && a.Val == id {
				return true
			}
		}
		return false
	})
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// TestIdentitiesPage: the list and the form with hostile data escape it.
func TestIdentitiesPage(t *testing.T) {
	hostile := "</textarea><script>alert(1)</script>"
	out, doc := renderDoc(t, "identities", &Page{Identities: &IdentitiesData{Damaged: "<b>x</b>", Rows: []IdentityRow{
		{Address: "a@example.org", Name: hostile, Signature: hostile, Placement: "below", Default: true, Stored: true, EditURL: "/x/identity?address=a%40example.org"},
		{Address: "old@example.org", Disabled: true, Stored: true},
		{Address: "b@example.org"},
	}}})
	if strings.Contains(out, "<script>") || strings.Contains(out, "<b>x</b>") {
		t.Error("identities list: hostile text not escaped")
	}
	if byID(doc, "identities") == nil || byID(doc, "identities-damaged") == nil {
		t.Error("identities list: no table#identities or #identities-damaged")
	}
	_, doc = renderDoc(t, "identities", &Page{Identities: &IdentitiesData{Edit: true, Problem: hostile, Stale: true, Reload: "/x/identity?address=a",
		Form: IdentityForm{Key: "a@example.org", ETag: "e", Address: "a@example.org", Addresses: []string{"a@example.org", "b@example.org"},
			Name: hostile, Signature: "\nstarts with a blank line" + hostile, Placement: "above", Crypto: []Choice{{"off", "off"}, {"openpgp", "OpenPGP"}}}}})
	if got := textOf(byID(doc, "signature")); got != "\nstarts with a blank line"+hostile {
		t.Errorf("signature textarea = %q", got)
	}
	if byID(doc, "reload-identity") == nil || byID(doc, "delete-identity") == nil {
		t.Error("identity form: no #reload-identity or #delete-identity")
	}
}

// TestComposeFrom: the From select names the identities, and the text
// keeps its leading blank lines (a textarea drops one newline right
// after its start tag; a reply's text starts with two).
func TestComposeFrom(t *testing.T) {
	_, doc := renderDoc(t, "compose", &Page{Compose: &ComposeData{
		Identities: []ComposeIdentity{{Address: "a@example.org", Label: "Ann <a@example.org>"}, {Address: "s@example.org", Label: "Sales <s@example.org>"}},
		From:       "s@example.org", FromShown: "s@example.org", Body: "\n\n-- \nsig\n", Token: "t",
	}})
	if got := textOf(byID(doc, "body")); got != "\n\n-- \nsig\n" {
		t.Errorf("compose text = %q, want %q", got, "\n\n-- \nsig\n")
	}
	sel := byID(doc, "from")
	opt := findNode(sel, func(n *html.Node) bool {
		for _, a := range n.Attr {
			if a.Key == "selected" {
				return true
			}
		}
		return false
	})
	if opt == nil || textOf(opt) != "Sales <s@example.org>" {
		t.Errorf("selected From option = %v", opt)
	}
	if byID(doc, "switch-identity") == nil {
		t.Error("no Switch button with two identities")
	}
}
