package templates

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fragment renders page and returns the outer HTML of the elements
// matching keep, one per line.
func fragment(t *testing.T, page string, p *Page, keep func(*html.Node) bool) string {
	t.Helper()
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	p.Site, p.Base = "postern", "/cgi-bin/postern"
	var b strings.Builder
	if err := render(&b, s, page, p); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && keep(n) {
			html.Render(&out, n)
			out.WriteString("\n")
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out.String()
}

func hasAttrValue(n *html.Node, key, val string) bool {
	for _, a := range n.Attr {
		if a.Key == key && (a.Val == val || key == "class" && strings.Contains(" "+a.Val+" ", " "+val+" ")) {
			return true
		}
	}
	return false
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("rendered:\n%s\nwant (%s):\n%s", got, path, want)
	}
}

const warning = "The name shows the address purchasing@example.com, but the message is from do-not-reply@elsewhere.example."

// TestMessageBodyAndSender renders a message whose body is text, an HTML
// part and text again (each in its place, the HTML in its own frame) and
// whose From name shows another address (marked, with the explanation
// visible without a title tooltip: text browsers show it).
func TestMessageBodyAndSender(t *testing.T) {
	text := func(s string) TextPart { return TextPart{Lines: []Line{{Spans: []Span{{Text: s}}}}} }
	frame := func(part string) TextPart {
		return TextPart{FromHTML: true, Lines: []Line{{Spans: []Span{{Text: "html as text, not shown"}}}},
			Frame: &HTMLFrame{URL: "/cgi-bin/postern/html?f=INBOX&id=k1&part=" + part, Sandbox: "allow-popups"}}
	}
	p := &Page{User: "alice", CSRF: "c", Message: &MessageData{Folder: "INBOX", ID: "k1", Subject: "Invoice",
		From:   []Addr{{Text: "purchasing@example.com <do-not-reply@elsewhere.example>", Warning: warning}},
		To:     []Addr{{Text: "Bob <bob@example.org>"}, {Text: "Carol <carol@example.org>"}},
		Text:   []TextPart{text("The text part."), frame("2"), text("The list footer."), frame("4")},
		Frames: 2,
	}}
	got := fragment(t, "message", p, func(n *html.Node) bool {
		return hasAttrValue(n, "id", "msg-body") || hasAttrValue(n, "id", "msg-from") || hasAttrValue(n, "id", "msg-to")
	})
	checkGolden(t, "message-body-sender.golden", got)
}

// TestListSender renders a list row, a search hit and a conversation
// message whose sender's name shows another address.
func TestListSender(t *testing.T) {
	from := "purchasing@example.com <do-not-reply@elsewhere.example>"
	pages := []struct {
		name string
		p    *Page
	}{
		{"list", &Page{User: "alice", CSRF: "c", List: &ListData{Folder: "INBOX", Total: 2, Page: 1, Pages: 1, First: 1, Last: 2,
			Rows: []ListRow{{ID: "k1", From: from, FromWarning: warning, Subject: "Invoice"}, {ID: "k2", From: "Jane Doe", Subject: "Hi"}}}}},
		{"search", &Page{User: "alice", CSRF: "c", Search: &SearchData{Q: "invoice", Total: 1, Page: 1, Pages: 1, First: 1, Last: 1,
			Hits: []SearchHit{{Folder: "INBOX", ID: "k1", From: from, FromWarning: warning, Subject: "Invoice"}}}}},
		{"thread", &Page{User: "alice", CSRF: "c", Thread: &ThreadData{Folder: "INBOX", Subject: "Invoice",
			Messages: []ThreadItem{{Folder: "INBOX", ID: "k1", From: from, FromWarning: warning, Subject: "Invoice"}}}}},
	}
	var got strings.Builder
	for _, pg := range pages {
		got.WriteString("== " + pg.name + "\n")
		got.WriteString(fragment(t, pg.name, pg.p, func(n *html.Node) bool {
			return hasAttrValue(n, "class", "from") || hasAttrValue(n, "class", "hit-from") || hasAttrValue(n, "class", "tmsg-head")
		}))
	}
	checkGolden(t, "list-sender.golden", got.String())
}
