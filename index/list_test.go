package index

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"postern/internal/testenv"
	"postern/maildir"
)

// pagingMessages is the size of the folder TestListPagesWhileIndexing
// pages through: more than a request finishes at once (cgi's
// finishAtOnce, 500).
const pagingMessages = 700

// pagingFolder fills INBOX with n messages whose every list column ties
// with many others: five Date headers, missing and unreadable dates, a
// burst of delivery times (the key's leading second) that match no
// header, six senders and seven subjects that differ only in case or
// not at all, and five sizes, some of them told wrongly by ",S=" in the
// file name. What the index knows of a message from its name alone
// (date, size) thus differs from what its header says.
func pagingFolder(t *testing.T, b *testBox, n int) {
	t.Helper()
	dates := []string{"Mon, 1 Jan 2001 10:00:00 +0000", "Mon, 1 Jan 2001 10:00:00 +0000",
		"Tue, 2 Jan 2001 09:00:00 -0500", "", "not a date", "Wed, 3 Jan 2001 00:00:00 +0000", "Mon, 1 Jan 2001 11:00:00 +0100"}
	senders := []string{"Bob <b@x.org>", "bob <b@x.org>", "alice@x.org", "", "Ärger <a@x.org>", "Bob <b@x.org>"}
	subjects := []string{"Budget", "budget", "", "Re: budget", "Zeta", "alpha", "Alpha"}
	for i := 0; i < n; i++ {
		var h strings.Builder
		if d := dates[i%len(dates)]; d != "" {
			fmt.Fprintf(&h, "Date: %s\r\n", d)
		}
		if s := senders[i%len(senders)]; s != "" {
			fmt.Fprintf(&h, "From: %s\r\n", s)
		}
		fmt.Fprintf(&h, "Subject: %s\r\nMessage-ID: <%06d@x.org>\r\n\r\n", subjects[i%len(subjects)], i)
		msg := h.String() + strings.Repeat("text\r\n", 1+i%5)
		// A burst: 100 messages a second, in no order of their dates.
		key := fmt.Sprintf("%d.M%dP1Q%d.paging", 1700000000+(i*37%n)/100, i, i)
		switch i % 4 {
		case 1:
			key += fmt.Sprintf(",S=%d", len(msg))
		case 2:
			key += ",S=1" // wrong: the file is larger
		}
		sub, name := "cur", key+":2,S"
		if i%10 == 0 {
			sub, name = "new", key
		}
		if err := os.WriteFile(filepath.Join(b.root, sub, name), []byte(msg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// fresh replaces the index of b by a new, empty one.
func (b *testBox) fresh() {
	b.t.Helper()
	b.x.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(Path("", b.root) + suffix)
	}
	b.open()
}

// extractSome reads at most n messages not yet read, newest first, as a
// request whose time budget ran out after n messages would.
func (b *testBox) extractSome(n int) {
	b.t.Helper()
	err := b.x.withLock(func() error {
		todo, err := b.x.todo("", n)
		if err != nil || len(todo) == 0 {
			return err
		}
		w, err := b.x.newStmts()
		if err != nil {
			return err
		}
		defer w.close()
		fr := b.x.newFileReader()
		docs := make([]*doc, len(todo))
		for i, r := range todo {
			dir, err := b.store.FolderDir(r.folder)
			if err != nil {
				return err
			}
			if docs[i], err = fr.read(filepath.Join(dir, r.sub, r.name)); err != nil {
				docs[i] = nil
			}
		}
		return b.x.writeBatch(w, todo, docs)
	})
	if err != nil {
		b.t.Fatalf("extracting %d messages: %v", n, err)
	}
}

// pageKeys lists INBOX page by page, calling between before each page,
// and returns the keys in the order listed.
func (b *testBox) pageKeys(key maildir.SortKey, desc bool, size int, between func(page int)) []string {
	b.t.Helper()
	var out []string
	for page, total := 0, 1; page*size < total; page++ {
		between(page)
		rows, n, _, err := b.x.List("INBOX", key, desc, page*size, size)
		if err != nil {
			b.t.Fatalf("List(INBOX, %v, desc %v, %d, %d) = %v", key, desc, page*size, size, err)
		}
		total = n
		for _, e := range rows {
			out = append(out, e.Key)
		}
	}
	return out
}

// pagingSchedule is what happens to the index before each page is read.
type pagingSchedule struct {
	name    string
	between func(b *testBox, page int)
}

// extracting are the schedules of TestListPagesWhileIndexing.
var extracting = []pagingSchedule{
	// Nothing read: every page from the file names and the headers.
	{"scan only", func(b *testBox, page int) { b.scan() }},
	{"7 read per page", func(b *testBox, page int) { b.scan(); b.extractSome(7) }},
	{"64 read per page", func(b *testBox, page int) { b.scan(); b.extractSome(64) }},
	// The folder completes between the first and the second page.
	{"all read after page 1", func(b *testBox, page int) {
		switch page {
		case 0:
			b.scan()
		case 1:
			b.update()
		}
	}},
	requests,
}

// requests is what a list request does before it lists (cgi: Update
// with its time budget, then Finish when at most 500 are left), with a
// small budget.
var requests = pagingSchedule{"requests", func(b *testBox, page int) {
	if _, err := b.x.Update(3 * time.Millisecond); err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.x.Finish("INBOX", 500); err != nil {
		b.t.Fatal(err)
	}
}}

// scan brings the index's rows in step with the files and reads no
// message (a budget of 1ns runs out before the first).
func (b *testBox) scan() {
	b.t.Helper()
	if _, err := b.x.Update(1); err != nil {
		b.t.Fatalf("Update(1ns) = %v", err)
	}
}

// TestListPagesWhileIndexing pages through a folder of more than 500
// messages while the index reads more of it between pages, for every
// sort key and direction: every message must be listed exactly once, in
// the order of the folder fully indexed.
func TestListPagesWhileIndexing(t *testing.T) {
	b := newBox(t)
	pagingFolder(t, b, pagingMessages)
	checkPaging(t, b, pagingMessages, extracting)
}

// TestListPagesWhileIndexingCorpus is TestListPagesWhileIndexing on the
// 1,155 messages of the corpus's mime/ delivered in a burst of seconds,
// read as list requests with a small time budget read them.
func TestListPagesWhileIndexingCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testenv.Corpus(t), "mime", "*.eml"))
	if err != nil || len(files) <= 500 {
		t.Fatalf("corpus mime/: %d messages, %v; want more than 500", len(files), err)
	}
	b := newBox(t)
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		key := fmt.Sprintf("%d.M%dP1Q%d.corpus", 1700000000+i/100, i, i)
		if err := os.WriteFile(filepath.Join(b.root, "cur", key+":2,S"), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	checkPaging(t, b, len(files), []pagingSchedule{requests})
}

// checkPaging pages through INBOX of b, n messages, by every sort key
// and direction, once per schedule with a new index, and compares the
// keys listed with the order of the folder fully indexed.
func checkPaging(t *testing.T, b *testBox, n int, schedules []pagingSchedule) {
	t.Helper()
	const size = 50
	type order struct {
		key  maildir.SortKey
		desc bool
	}
	var orders []order
	want := map[order][]string{}
	b.fresh()
	b.update()
	for _, key := range []maildir.SortKey{maildir.SortDate, maildir.SortFrom, maildir.SortSubject, maildir.SortSize} {
		for _, desc := range []bool{false, true} {
			o := order{key, desc}
			all, total, _, err := b.x.List("INBOX", key, desc, 0, 0)
			if err != nil || total != n || len(all) != total {
				t.Fatalf("List(INBOX, %v, desc %v, all) = %d rows of %d, %v; want %d", key, desc, len(all), total, err, n)
			}
			for _, e := range all {
				want[o] = append(want[o], e.Key)
			}
			orders = append(orders, o)
		}
	}
	for _, o := range orders {
		for _, s := range schedules {
			b.fresh()
			got := b.pageKeys(o.key, o.desc, size, func(page int) { s.between(b, page) })
			missing, twice := tally(want[o], got)
			if missing > 0 || twice > 0 {
				t.Errorf("%v desc %v, %s: pages list %d rows: %d messages missing, %d listed twice (of %d)", o.key, o.desc, s.name, len(got), missing, twice, n)
			} else if !slices.Equal(got, want[o]) {
				t.Errorf("%v desc %v, %s: every message once, but not in the order of the folder fully indexed", o.key, o.desc, s.name)
			}
		}
	}
}

// tally counts the keys of want that got lacks and the rows of got that
// repeat a key.
func tally(want, got []string) (missing, twice int) {
	seen := map[string]int{}
	for _, k := range got {
		seen[k]++
		if seen[k] > 1 {
			twice++
		}
	}
	for _, k := range want {
		if seen[k] == 0 {
			missing++
		}
	}
	return missing, twice
}

// TestListFileMoved lists a folder whose files were renamed or removed
// after the scan: List lists what the scan knows, from the names of the
// files it cannot read, and reads them once a scan has seen the change.
func TestListFileMoved(t *testing.T) {
	b := newBox(t)
	kept := b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "kept", "text"))
	renamed := b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "renamed", "text"))
	removed := b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "removed", "text"))
	b.scan()
	cur := filepath.Join(b.root, "cur")
	if err := os.Rename(filepath.Join(cur, renamed+":2,S"), filepath.Join(cur, renamed+":2,FS")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(cur, removed+":2,S")); err != nil {
		t.Fatal(err)
	}
	subjects := func() map[string]string {
		t.Helper()
		page, _, _, err := b.x.List("INBOX", maildir.SortSubject, false, 0, 10)
		if err != nil {
			t.Fatalf("List(INBOX) = %v", err)
		}
		out := map[string]string{}
		for _, e := range page {
			out[e.Key] = e.Subject
		}
		return out
	}
	got := subjects()
	if want := map[string]string{kept: "kept", renamed: "", removed: ""}; !maps.Equal(got, want) {
		t.Errorf("List(INBOX) before a scan = %v, want %v", got, want)
	}
	settle()
	b.scan()
	got = subjects()
	if want := map[string]string{kept: "kept", renamed: "renamed"}; !maps.Equal(got, want) {
		t.Errorf("List(INBOX) after a scan = %v, want %v", got, want)
	}
}
