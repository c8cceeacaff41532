package templates

import (
	"crypto/sha256"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func samplePages() map[string]*Page {
	folders := []FolderItem{{Name: "INBOX", Leaf: "INBOX", Total: 3, Unread: 1, Protected: true}, {Name: "Lists", Leaf: "Lists", NoSelect: true}, {Name: "Lists.golang", Leaf: "golang", Depth: 1, Total: 2}}
	return map[string]*Page{
		"login":   {Login: &LoginData{Failed: true, User: `<b>"x"`, AllowUnbound: true}},
		"error":   {Error: "<script>alert(1)</script>", Status: 400},
		"folders": {User: "alice", CSRF: "c", Folders: &FoldersData{Folders: folders, Trash: "Trash"}, Quota: &QuotaData{Used: "9 MB", Limit: "10 MB", Percent: 90, Warn: true}},
		"list": {User: "alice", CSRF: "c", List: &ListData{Folder: "INBOX", Total: 1, Page: 1, Pages: 1, First: 1, Last: 1, Targets: folders,
			Rows: []ListRow{{ID: "k1", From: "Bob <b>", Subject: "<img src=x onerror=alert(1)>", Date: "Jan 2", Size: "1.0 KB", Attach: true}}}},
		"message": {User: "alice", CSRF: "c", Message: &MessageData{Folder: "INBOX", ID: "k1", Subject: "Hi", From: []Addr{{Text: "Bob"}},
			Text:        []TextPart{{Lines: []Line{{Spans: []Span{{Text: "see "}, {Text: "http://x.example/", URL: "http://x.example/"}, {Text: "javascript", URL: "javascript:alert(1)"}}}, {Quote: 2, Spans: []Span{{Text: "quoted"}}}}}},
			Attachments: []Attachment{{Name: "a.pdf", Type: "application/pdf", Size: "1 KB", URL: "/x/part?f=INBOX&id=k1&part=2"}},
			Verdicts:    []Verdict{{Text: "<script>spam</script>", Bad: true}, {Text: "ok"}},
			RuleLinks:   []Link{{Label: "mail from <x>", URL: "/x/filters?edit=new&field=from&value=%3Cx%3E"}}}},
		"prefs": {User: "alice", CSRF: "c", Prefs: &PrefsData{PageSize: 50, PageSizes: []int{10, 50}}},
		"filters": {User: "alice", CSRF: "c", FiltersOn: true, Error: "<script>x</script>", Filters: &FiltersData{Language: "sieve",
			Rules: []RuleRow{{Index: 0, Name: "<b>n</b>", Summary: `If Subject contains "<script>": move to A`, First: true, EditURL: "/x/filters?edit=0"},
				{Index: 1, Summary: "Every message: stop", Disabled: true, Last: true, EditURL: "/x/filters?edit=1"}},
			Folders: []string{"INBOX", "A<b>"},
			Form: &RuleForm{Index: -1, Conditions: []ConditionRow{{N: 0, Field: "header", Header: "List-Id", Op: "notcontains", Value: `"><script>`}},
				Actions: []ActionRow{{N: 0, Kind: "move", Folder: "A<b>"}, {N: 1, Kind: "forwardcopy", Address: "x@y.org"}}}}},
		"spam":     {User: "alice", CSRF: "c", Spam: &SpamData{Folder: "INBOX", Back: "/x/list?f=INBOX", Learn: "spam", Junk: "Junk<b>", IDs: []string{"k1", "k2\"><x>"}}},
		"vacation": {User: "alice", CSRF: "c", FiltersOn: true, Vacation: &VacationData{Enabled: true, Subject: "</textarea><script>", Text: "</textarea><script>alert(1)</script>", Days: 7, Inactive: "include it"}},
	}
}

// TestRenderAll renders every page with hostile data: the output must
// parse, carry no script, and escape what it was given.
func TestRenderAll(t *testing.T) {
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range samplePages() {
		p.Site, p.Base = "postern", "/cgi-bin/postern"
		var b strings.Builder
		if err := render(&b, s, name, p); err != nil {
			t.Fatalf("Render(%s) = %v", name, err)
		}
		out := b.String()
		doc, err := html.Parse(strings.NewReader(out))
		if err != nil {
			t.Fatalf("%s: output does not parse: %v", name, err)
		}
		checkTree(t, name, doc)
		if !strings.Contains(out, `<meta name="viewport"`) {
			t.Errorf("%s: no viewport meta", name)
		}
	}
}

func TestStyleHash(t *testing.T) {
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(s.CSS()))
	want := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	if s.StyleHash() != want {
		t.Errorf("StyleHash() = %s, want %s", s.StyleHash(), want)
	}
}

// TestOverride replaces one file from a directory and keeps the rest.
func TestOverride(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "style.css"), []byte("body{color:red}"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.CSS() != "body{color:red}" {
		t.Errorf("CSS() = %q, want the override", s.CSS())
	}
	var b strings.Builder
	if err := render(&b, s, "login", &Page{Login: &LoginData{}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "body{color:red}") || !strings.Contains(b.String(), `id="login"`) {
		t.Errorf("override page = %s", b.String())
	}
	if err := os.WriteFile(filepath.Join(dir, "login.html"), []byte(`{{define "content"}}{{.Nope}}{{end}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := render(&b, s, "login", &Page{}); err == nil {
		t.Errorf("Render with a broken override = nil error, want one")
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0\u00a0B", 1023: "1023\u00a0B", 1024: "1.0\u00a0KB", 1536: "1.5\u00a0KB", 5 << 20: "5.0\u00a0MB"} {
		if got := HumanSize(n); got != want {
			t.Errorf("HumanSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// checkTree fails on any script element, event handler attribute or
// script URL in a rendered page.
func checkTree(t *testing.T, page string, n *html.Node) {
	t.Helper()
	if n.Type == html.ElementNode {
		if n.Data == "script" || n.Data == "img" && page != "message" {
			t.Errorf("%s: page has a <%s> element", page, n.Data)
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") || strings.Contains(strings.ToLower(a.Val), "javascript:") {
				t.Errorf("%s: <%s %s=%q>", page, n.Data, a.Key, a.Val)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		checkTree(t, page, c)
	}
}

func TestLogo(t *testing.T) {
	dir := t.TempDir()
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Logo(); p != "" {
		t.Errorf("Logo() without a file = %q, want none", p)
	}
	if err := os.WriteFile(filepath.Join(dir, "logo.png"), []byte("\x89PNG"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err = Load(dir); err != nil {
		t.Fatal(err)
	}
	if p, mt := s.Logo(); p != filepath.Join(dir, "logo.png") || mt != "image/png" {
		t.Errorf("Logo() = %q, %q, want the png", p, mt)
	}
	var b strings.Builder
	if err := render(&b, s, "login", &Page{Base: "/x", Login: &LoginData{}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `<img class="logo" src="/x/logo"`) {
		t.Errorf("login page has no logo: %s", b.String())
	}
}

// TestCheck parses every page: a page that does not parse is found before
// anyone renders it, and a page that is not in Pages is refused.
func TestCheck(t *testing.T) {
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(); err != nil {
		t.Fatalf("Check() of the embedded pages = %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "thread.html"), []byte(`{{define "content"}}{{if}}{{end}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err = Load(dir); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(); err == nil || !strings.Contains(err.Error(), "thread.html") {
		t.Errorf("Check() with a broken thread.html = %v, want its parse error", err)
	}
	var b strings.Builder
	if err := render(&b, s, "nosuch", &Page{}); err == nil {
		t.Errorf("Render(nosuch) = nil error, want one")
	}
}

// render writes the page that Bytes renders to b.
func render(b *strings.Builder, s *Set, page string, p *Page) error {
	out, err := s.Bytes(page, p)
	b.Write(out)
	return err
}

// BenchmarkFirstRender is a CGI request's template work: load the set,
// then parse, escape and execute one page (the list, ten rows) and its
// layout, as a process that renders one page does.
func BenchmarkFirstRender(b *testing.B) {
	p := samplePages()["list"]
	row := p.List.Rows[0]
	for len(p.List.Rows) < 10 {
		p.List.Rows = append(p.List.Rows, row)
	}
	b.ReportAllocs()
	for b.Loop() {
		s, err := Load("")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Bytes("list", p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck parses every page, what a request would pay if the set
// were parsed whole.
func BenchmarkCheck(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s, err := Load("")
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Check(); err != nil {
			b.Fatal(err)
		}
	}
}
