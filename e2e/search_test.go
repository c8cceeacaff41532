package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// putRaw writes a whole message into folder/cur as the user's file and
// returns its key.
func putRaw(t *testing.T, a *account, folder, flags, raw string) string {
	t.Helper()
	key := fmt.Sprintf("%d.M%sP9.e2e", time.Now().Unix(), randomHex(4))
	dir := folderDir(a, folder)
	if _, err := os.Stat(filepath.Join(dir, "cur")); err != nil {
		if err := makeMaildir(dir); err != nil {
			t.Fatal(err)
		}
		if err := chownTree(a, dir); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, "cur", key+":2,"+flags)
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(raw, "\n", "\r\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(p, a.uid, a.gid); err != nil {
		t.Fatal(err)
	}
	return key
}

// hits returns the data-id of each search result and the text of its
// marks.
func hits(doc *html.Node) (ids []string, marks []string) {
	for _, li := range findAll(doc, func(n *html.Node) bool { return isElem(n, "li") && hasClass(n, "hit") }) {
		ids = append(ids, attr(li, "data-id"))
	}
	for _, m := range findAll(doc, func(n *html.Node) bool { return isElem(n, "mark") }) {
		marks = append(marks, text(m))
	}
	return ids, marks
}

func TestSearchThroughCGI(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	word := "zq" + randomHex(4)
	plain := putRaw(t, a, "INBOX", "S", "From: Jürgen Example <juergen@example.org>\nTo: "+a.name+"@example.org\nSubject: Grüße\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nDas Wort "+word+" steht hier, in M=FCnchen.\n")
	htmlKey := putRaw(t, a, "Archive", "", "From: news@example.net\nSubject: newsletter\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>Read about <b>"+word+"</b> today</p></body></html>\n")

	r := c.get("/search?q=" + url.QueryEscape(word))
	wantStatus(t, r, http.StatusOK)
	ids, marks := hits(r.doc)
	if len(ids) != 2 || ids[0] != htmlKey || ids[1] != plain {
		t.Errorf("%s: hits %q, want [%s %s] (newest first, all folders)", r, ids, htmlKey, plain)
	}
	if len(marks) < 2 || !strings.EqualFold(marks[0], word) {
		t.Errorf("%s: marks %q, want %q marked", r, marks, word)
	}
	if li := findFirst(r.doc, func(n *html.Node) bool { return isElem(n, "li") && attr(n, "data-id") == htmlKey }); li == nil || attr(li, "data-folder") != "Archive" {
		t.Errorf("%s: the HTML message's hit does not name folder Archive", r)
	}
	// The search box is on every page, and keeps the query.
	if in := findFirst(r.doc, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "q" }); in == nil || attr(in, "value") != word {
		t.Errorf("%s: no search box holding the query", r)
	}

	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"from:juergen " + word, []string{plain}},
		{"münchen " + word, []string{plain}},
		{word + " -newsletter", []string{plain}},
		{word + " folder:Archive", []string{htmlKey}},
		{word + " is:unread", []string{htmlKey}},
		{`"wort ` + word + `"`, []string{plain}},
		{word + " before:2024-01-02", []string{plain}},
	} {
		r := c.get("/search?q=" + url.QueryEscape(tc.q))
		wantStatus(t, r, http.StatusOK)
		if ids, _ := hits(r.doc); strings.Join(ids, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: hits %q, want %q", r, ids, tc.want)
		}
	}
	// Scope: this folder only.
	r = c.get("/search?scope=folder&f=INBOX&q=" + url.QueryEscape(word))
	if ids, _ := hits(r.doc); len(ids) != 1 || ids[0] != plain {
		t.Errorf("%s: hits %q, want only %s", r, ids, plain)
	}
	// Markup in the query is text.
	r = c.get("/search?q=" + url.QueryEscape(`<script>x</script> "`))
	wantStatus(t, r, http.StatusOK)
	if findFirst(r.doc, func(n *html.Node) bool { return isElem(n, "script") }) != nil {
		t.Errorf("%s: the query became markup", r)
	}
	// A bad folder is refused.
	wantStatus(t, c.get("/search?scope=folder&f=..%2Fetc&q=x"), http.StatusBadRequest)
}

func TestSearchSeesOtherPrograms(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	word := "zd" + randomHex(4)
	c.get("/search?q=" + word) // the index is up to date
	// Delivered by an MDA into new/, then found on the next request.
	key := addMessage(t, a, "INBOX", "new", "", "delivered", "text "+word)
	r := c.get("/search?q=" + word)
	if ids, _ := hits(r.doc); len(ids) != 1 || ids[0] != key {
		t.Errorf("%s after delivery: hits %q, want [%s]", r, ids, key)
	}
	// Deleted by another program: gone on the next request.
	sub, flags, ok := findKey(a, "INBOX", key)
	if !ok {
		t.Fatalf("%s vanished", key)
	}
	name := key
	if sub == "cur" {
		name += ":2," + flags
	}
	time.Sleep(150 * time.Millisecond)
	if err := os.Remove(filepath.Join(a.maildir, sub, name)); err != nil {
		t.Fatal(err)
	}
	r = c.get("/search?q=" + word)
	if ids, _ := hits(r.doc); len(ids) != 0 {
		t.Errorf("%s after rm: hits %q, want none", r, ids)
	}
	// The index is a cache: delete it and it is rebuilt.
	idx := filepath.Join(a.maildir, "postern", "index.sqlite")
	if _, err := os.Stat(idx); err != nil {
		t.Fatalf("no index at %s: %v", idx, err)
	}
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(idx + s)
	}
	key2 := addMessage(t, a, "INBOX", "cur", "S", "again", "text "+word)
	r = c.get("/search?q=" + word)
	wantStatus(t, r, http.StatusOK)
	if ids, _ := hits(r.doc); len(ids) != 1 || ids[0] != key2 {
		t.Errorf("%s after deleting the index: hits %q, want [%s]", r, ids, key2)
	}
	if fi, err := os.Stat(idx); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("rebuilt index %s: %v, mode %v, want private", idx, err, fi.Mode())
	}
}

func TestThreadView(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	tag := randomHex(4)
	// Dated now, so that the conversation is on the first page of the
	// list by conversation.
	at := func(min int) string { return time.Now().Add(time.Duration(min-60) * time.Minute).Format(time.RFC1123Z) }
	root := putRaw(t, a, "INBOX", "S", "From: Ann <ann@example.org>\nSubject: plan "+tag+"\nMessage-ID: <root-"+tag+"@example.org>\nDate: "+at(0)+"\n\nShall we meet?\n")
	mine := putRaw(t, a, "Sent", "S", "From: "+a.name+"@example.org\nSubject: Re: plan "+tag+"\nMessage-ID: <mine-"+tag+"@example.org>\nIn-Reply-To: <root-"+tag+"@example.org>\nDate: "+at(1)+"\n\nYes, at noon.\n\nOn Monday Ann wrote:\n> Shall we meet?\n")
	last := putRaw(t, a, "INBOX", "", "From: Ann <ann@example.org>\nSubject: Re: plan "+tag+"\nMessage-ID: <last-"+tag+"@example.org>\nReferences: <root-"+tag+"@example.org> <mine-"+tag+"@example.org>\nDate: "+at(2)+"\n\nGreat.\n\n> Yes, at noon.\n>> Shall we meet?\n")

	r := c.get("/thread?f=INBOX&id=" + last)
	wantStatus(t, r, http.StatusOK)
	arts := findAll(r.doc, func(n *html.Node) bool { return isElem(n, "article") && hasClass(n, "tmsg") })
	var got []string
	for _, n := range arts {
		got = append(got, attr(n, "data-folder")+"/"+attr(n, "data-id"))
	}
	want := []string{"INBOX/" + root, "Sent/" + mine, "INBOX/" + last}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("%s: messages %q, want %q (top to bottom, with the reply from Sent)", r, got, want)
	}
	// Quoted text is folded, without JavaScript.
	if d := findAll(r.doc, func(n *html.Node) bool { return isElem(n, "details") && hasClass(n, "quoted") }); len(d) < 2 {
		t.Errorf("%s: %d folded quotes, want 2", r, len(d))
	}
	// The list by conversation links to it.
	r = c.get("/list?f=INBOX&view=threads")
	wantStatus(t, r, http.StatusOK)
	found := false
	for _, row := range findAll(r.doc, func(n *html.Node) bool { return isElem(n, "tr") && hasClass(n, "msg") }) {
		if a := findFirst(row, func(n *html.Node) bool { return isElem(n, "a") && strings.Contains(attr(n, "href"), "/thread?") }); a != nil && strings.Contains(text(row), "plan "+tag) {
			found = true
			if cnt := byClass(row, "count"); cnt == nil || text(cnt) != "2" {
				t.Errorf("%s: the conversation row does not count 2 messages in INBOX", r)
			}
		}
	}
	if !found {
		t.Errorf("%s: no conversation row for %q linking to /thread", r, "plan "+tag)
	}
	wantStatus(t, c.get("/thread?f=INBOX&id=1.nosuch"), http.StatusNotFound)
}

// TestIndexCommand runs "postern index" as the user, through the setuid
// binary: it drops to the caller and indexes the caller's Maildir.
func TestIndexCommand(t *testing.T) {
	a := env.b
	idx := filepath.Join(a.maildir, "postern", "index.sqlite")
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(idx + s)
	}
	cmd := exec.Command("setpriv", "--reuid", strconv.Itoa(a.uid), "--regid", strconv.Itoa(a.gid), "--init-groups", env.binary, "index")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
	}
	if !strings.Contains(string(out), "indexed") {
		t.Errorf("postern index said %q", out)
	}
	fi, err := os.Stat(idx)
	if err != nil {
		t.Fatalf("postern index made no %s: %v", idx, err)
	}
	if uid := ownerUID(fi); uid != a.uid {
		t.Errorf("%s is owned by uid %d, want the user's %d", idx, uid, a.uid)
	}
}
