package index

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postern/maildir"
	"postern/message"
)

// testBox is a Maildir with an index in a temporary directory.
type testBox struct {
	t     testing.TB
	root  string
	store *maildir.Store
	x     *Index
	n     int
}

func newBox(t testing.TB) *testBox {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	b := &testBox{t: t, root: root}
	b.open()
	return b
}

func (b *testBox) open() {
	b.t.Helper()
	s, err := maildir.Open(b.root)
	if err != nil {
		b.t.Fatal(err)
	}
	b.store = s
	x, err := Open(Path("", b.root), s)
	if err != nil {
		b.t.Fatalf("Open = %v", err)
	}
	b.x = x
	b.t.Cleanup(func() { x.Close() })
}

// folder creates a Maildir++ folder.
func (b *testBox) folder(name string) {
	b.t.Helper()
	if err := b.store.CreateFolder(name); err != nil {
		b.t.Fatal(err)
	}
}

// put writes a message into sub of folder and returns its key.
func (b *testBox) put(folder, sub, flags, msg string) string {
	b.t.Helper()
	b.n++
	key := fmt.Sprintf("%d.M%dP1Q%d.test", 1700000000+b.n, b.n, b.n)
	name := key
	if sub == "cur" {
		name += ":2," + flags
	}
	dir, err := b.store.FolderDir(folder)
	if err != nil {
		b.t.Fatal(err)
	}
	msg = strings.ReplaceAll(msg, "\n", "\r\n")
	if err := os.WriteFile(filepath.Join(dir, sub, name), []byte(msg), 0o600); err != nil {
		b.t.Fatal(err)
	}
	return key
}

// mail builds a simple text message.
func mail(from, to, subject, body string, extra ...string) string {
	h := fmt.Sprintf("From: %s\nTo: %s\nSubject: %s\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n", from, to, subject)
	for _, e := range extra {
		h += e + "\n"
	}
	return h + "Content-Type: text/plain; charset=utf-8\n\n" + body + "\n"
}

func (b *testBox) update() Progress {
	b.t.Helper()
	p, err := b.x.Update(0)
	if err != nil {
		b.t.Fatalf("Update = %v", err)
	}
	return p
}

// search returns "folder/subject" of every hit of query s.
func (b *testBox) search(s string) []string {
	b.t.Helper()
	hits, total, err := b.x.Search(ParseQuery(s), 0, 1000)
	if err != nil {
		b.t.Fatalf("Search(%q) = %v", s, err)
	}
	if total != len(hits) {
		b.t.Errorf("Search(%q) total = %d, want %d", s, total, len(hits))
	}
	var out []string
	for _, h := range hits {
		out = append(out, h.Folder+"/"+h.Subject)
	}
	return out
}

// settle waits until directory times written now are older than
// TrustAfter, so that the next scan can trust them.
func settle() { time.Sleep(TrustAfter + 10*time.Millisecond) }

// summaryFunc adapts message.Summarize for maildir.Store.List.
func summaryFunc(r io.Reader) maildir.Summary {
	s := message.Summarize(r)
	return maildir.Summary{Date: s.Date, From: s.From, Subject: s.Subject, HasAttachment: s.HasAttachment, Malformed: s.Malformed}
}
