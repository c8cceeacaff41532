package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Issue 13 (items 10, 11, 13, 14): real mail the reader got wrong, read
// through the installed program.

const realHeader = "To: a@example.org\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nMIME-Version: 1.0\n"

// TestRealMailBody checks that every text part of a multipart/mixed is
// shown in its place, the HTML one in its own frame (item 10), and that
// an empty HTML alternative does not hide the text one (item 11).
func TestRealMailBody(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	mixed := putRaw(t, a, "Issue13", "S", "From: List <list@example.org>\nSubject: mixed text and html\n"+realHeader+
		"Content-Type: multipart/mixed; boundary=m\n\n"+
		"--m\nContent-Type: text/plain; charset=utf-8\n\nText before the HTML part.\n"+
		"--m\nContent-Type: text/html; charset=utf-8\n\n<p>The HTML part itself.</p>\n"+
		"--m\nContent-Type: text/plain; charset=us-ascii\nContent-Disposition: inline\n\nThe list footer after it.\n--m--\n")
	r := c.get(msgPath("Issue13", mixed))
	wantStatus(t, r, http.StatusOK)
	body := byID(r.doc, "msg-body")
	got := text(body)
	before, footer := strings.Index(got, "Text before the HTML part."), strings.Index(got, "The list footer after it.")
	if before < 0 || footer < 0 {
		t.Errorf("%s: #msg-body = %q, want both text parts", r, got)
	}
	frames := findAll(body, func(n *html.Node) bool { return isElem(n, "iframe") })
	src := ""
	if len(frames) != 1 {
		t.Errorf("%s: %d frames in #msg-body, want 1", r, len(frames))
	} else {
		src = attr(frames[0], "src")
	}
	if u, err := url.Parse(src); err != nil || u.Query().Get("part") != "2" {
		t.Errorf("%s: frame src %q, want the HTML part 2", r, src)
	}
	// In order: text, frame, text.
	var order []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case isElem(n, "iframe"):
			order = append(order, "frame")
		case n.Type == html.TextNode && strings.Contains(n.Data, "Text before"):
			order = append(order, "text")
		case n.Type == html.TextNode && strings.Contains(n.Data, "list footer"):
			order = append(order, "footer")
		}
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			walk(k)
		}
	}
	walk(body)
	if strings.Join(order, ",") != "text,frame,footer" {
		t.Errorf("%s: #msg-body in the order %v, want text, frame, footer", r, order)
	}
	if src != "" {
		h := c.get(relPath(t, src))
		wantStatus(t, h, http.StatusOK)
		if !strings.Contains(string(h.body), "The HTML part itself.") {
			t.Errorf("%s: the frame lacks the HTML part", h)
		}
	}

	empty := putRaw(t, a, "Issue13", "S", "From: Bob <bob@example.org>\nSubject: empty html alternative\n"+realHeader+
		"Content-Type: multipart/alternative; boundary=a\n\n"+
		"--a\nContent-Type: text/plain; charset=utf-8\n\nThe full text alternative.\n"+
		"--a\nContent-Type: text/html; charset=utf-8\n\n<html><body><!-- nothing here -->\n \n</body></html>\n--a--\n")
	r = c.get(msgPath("Issue13", empty))
	wantStatus(t, r, http.StatusOK)
	if got := text(byID(r.doc, "msg-body")); !strings.Contains(got, "The full text alternative.") {
		t.Errorf("%s: #msg-body = %q, want the text alternative", r, got)
	}
	if n := len(findAll(r.doc, func(n *html.Node) bool { return isElem(n, "iframe") })); n != 0 {
		t.Errorf("%s: %d frames for an empty HTML alternative, want none", r, n)
	}
}

// TestRealMailSender checks that a display name holding another address
// shows the real address, marked, on the list, the message page, the
// conversation and the search results (item 13), and that an encoded
// name with spaces and quotes and a glibc charset name are read (item 14).
func TestRealMailSender(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	word := "invoice" + randomHex(4)
	spoof := putRaw(t, a, "Issue13", "", "From: \"purchasing@example.com\" <do-not-reply@elsewhere.example>\nSubject: Invoice "+word+"\n"+realHeader+
		"Content-Type: text/plain; charset=utf-8\n\nPlease pay the "+word+".\n")
	jurgen := putRaw(t, a, "Issue13", "", "From: \"=?utf-8?Q?J=C3=BCrgen \"the boss\" M?=\" <j@x.example>\nSubject: =?ANSI_X3.4-1968?Q?glibc_charset?=\n"+realHeader+
		"Content-Type: text/plain; charset=ANSI_X3.4-1968\nContent-Transfer-Encoding: 8bit\n\nGr\xc3\xbc\xc3\x9fe.\n")

	const real = "do-not-reply@elsewhere.example"
	marked := func(where string, n *html.Node) {
		t.Helper()
		if n == nil {
			t.Errorf("%s: no sender", where)
			return
		}
		if got := text(n); !strings.Contains(got, "purchasing@example.com") || !strings.Contains(got, real) {
			t.Errorf("%s: sender %q, want the name and the real address %s", where, got, real)
		}
		mark := byClass(n, "spoof")
		if mark == nil || !strings.Contains(attr(mark, "title"), real) || !strings.Contains(text(mark), "⚠") {
			t.Errorf("%s: no .spoof mark with ⚠ and an explanation naming %s", where, real)
		}
	}

	rows := c.allRows("/list?f=Issue13")
	row, ok := findRow(rows, spoof)
	if !ok {
		t.Fatalf("list of Issue13: no row %s", spoof)
	}
	marked("list row", byClass(row.node, "from"))
	if jr, ok := findRow(rows, jurgen); !ok || text(byClass(jr.node, "from")) != `Jürgen "the boss" M` || byClass(jr.node, "spoof") != nil {
		t.Errorf("list of Issue13: row %s sender %q, want Jürgen \"the boss\" M unmarked", jurgen, text(byClass(jr.node, "from")))
	}

	r := c.get(msgPath("Issue13", spoof))
	wantStatus(t, r, http.StatusOK)
	marked("message page", byID(r.doc, "msg-from"))

	r = c.get(msgPath("Issue13", jurgen))
	wantStatus(t, r, http.StatusOK)
	if got := text(byID(r.doc, "msg-from")); got != `Jürgen "the boss" M <j@x.example>` {
		t.Errorf("%s: #msg-from = %q, want Jürgen \"the boss\" M <j@x.example>", r, got)
	}
	if got := text(byID(r.doc, "msg-subject")); got != "glibc charset" {
		t.Errorf("%s: #msg-subject = %q, want %q", r, got, "glibc charset")
	}
	if p := byClass(r.doc, "problems"); p != nil {
		t.Errorf("%s: problems shown: %q", r, text(p))
	}
	if got := text(byID(r.doc, "msg-body")); !strings.Contains(got, "Grüße.") {
		t.Errorf("%s: #msg-body = %q, want Grüße.", r, got)
	}

	r = c.get("/thread?" + url.Values{"f": {"Issue13"}, "id": {spoof}}.Encode())
	wantStatus(t, r, http.StatusOK)
	marked("conversation", byClass(r.doc, "tmsg-head"))

	r = c.get("/search?" + url.Values{"q": {word}}.Encode())
	wantStatus(t, r, http.StatusOK)
	marked("search result", byClass(r.doc, "hit-from"))
}
