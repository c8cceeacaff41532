package index

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"postern/maildir"
)

func TestFTS5Available(t *testing.T) {
	b := newBox(t)
	// Without -tags sqlite_fts5 the schema's virtual table cannot exist
	// and Open fails; this makes that failure explicit.
	if _, err := b.x.db.Exec(`SELECT * FROM fts WHERE fts MATCH 'x'`); err != nil {
		t.Fatalf("FTS5 is missing (build with -tags sqlite_fts5): %v", err)
	}
}

func TestSearchFields(t *testing.T) {
	b := newBox(t)
	b.folder("Lists")
	b.put("INBOX", "cur", "S", mail("Alice <alice@example.org>", "bob@example.org", "budget meeting", "the quarterly numbers"))
	b.put("INBOX", "cur", "F", mail("Carol <carol@example.net>", "alice@example.org", "lunch", "shall we meet for lunch"))
	b.put("Lists", "new", "", mail("list@example.com", "bob@example.org", "weekly digest", "budget of the project"))
	b.update()
	tests := []struct {
		q    string
		want []string
	}{
		{"budget", []string{"INBOX/budget meeting", "Lists/weekly digest"}},
		{"from:alice", []string{"INBOX/budget meeting"}},
		{"to:alice", []string{"INBOX/lunch"}},
		{"subject:budget", []string{"INBOX/budget meeting"}},
		{"budget -digest", []string{"INBOX/budget meeting"}},
		{"folder:Lists budget", []string{"Lists/weekly digest"}},
		{"is:flagged", []string{"INBOX/lunch"}},
		// new/ mail is unread (moved to cur/ without flags)
		{"is:unread", []string{"INBOX/lunch", "Lists/weekly digest"}},
		{`"quarterly numbers"`, []string{"INBOX/budget meeting"}},
		{`"numbers quarterly"`, nil},
		{"quart*", []string{"INBOX/budget meeting"}},
		{"before:2023-12-31", nil},
		{"after:2023-12-31 lunch", []string{"INBOX/lunch"}},
		{"-budget", nil}, // only a negation: nothing
	}
	for _, tt := range tests {
		got := b.search(tt.q)
		slices.Sort(got)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Search(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestSearchCharsets(t *testing.T) {
	b := newBox(t)
	b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "=?utf-8?q?Gr=C3=BC=C3=9Fe?=", "Schöne Grüße aus München"))
	b.put("INBOX", "cur", "S", "From: a@example.org\nSubject: latin\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nRapport de l'=E9t=E9 =E0 Z=FCrich\n")
	b.put("INBOX", "cur", "S", "From: a@example.org\nSubject: html only\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>The <b>zanzibar</b> offer</p><script>hidden</script></body></html>\n")
	b.put("INBOX", "cur", "S", "From: a@example.org\nSubject: jp\nContent-Type: text/plain; charset=iso-2022-jp\n\n\x1b$BF|K\\8l\x1b(B\n")
	b.update()
	tests := []struct{ q, want string }{
		{"münchen", "INBOX/=?utf-8?q?Gr=C3=BC=C3=9Fe?="},
		{"munchen", ""}, // diacritics removed in both: found
		{"été", "INBOX/latin"},
		{"zurich", "INBOX/latin"},
		{"zanzibar", "INBOX/html only"},
		{"日本語", "INBOX/jp"},
	}
	for _, tt := range tests {
		got := b.search(tt.q)
		if len(got) != 1 {
			t.Errorf("Search(%q) = %q, want one hit", tt.q, got)
		}
	}
	if got := b.search("hidden"); len(got) != 0 {
		t.Errorf("Search(hidden) = %q, want no hit (script text is not text)", got)
	}
}

func TestRebuildAfterDelete(t *testing.T) {
	b := newBox(t)
	b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "one", "apples"))
	b.put("INBOX", "new", "", mail("a@example.org", "b@example.org", "two", "pears"))
	b.update()
	b.x.Close()
	path := Path("", b.root)
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(path + s)
	}
	b.open()
	if p := b.update(); p.Total != 2 || !p.Done() {
		t.Errorf("Update after delete = %+v, want 2 of 2", p)
	}
	if got := b.search("pears"); len(got) != 1 {
		t.Errorf("Search(pears) after rebuild = %q", got)
	}
	// A damaged file is replaced too.
	b.x.Close()
	os.WriteFile(path, []byte("this is not a database, just junk bytes........................................................."), 0o600)
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	b.open()
	if p := b.update(); p.Total != 2 {
		t.Errorf("Update after damage = %+v, want 2", p)
	}
}

func TestExternalChanges(t *testing.T) {
	b := newBox(t)
	b.folder("Archive")
	k1 := b.put("INBOX", "cur", "", mail("a@example.org", "b@example.org", "first", "alpha"))
	b.put("INBOX", "cur", "", mail("a@example.org", "b@example.org", "second", "beta"))
	b.update()
	settle()
	b.update() // the times are trusted from now on

	// Delivery by an MDA: into new/.
	b.put("INBOX", "new", "", mail("a@example.org", "b@example.org", "third", "gamma"))
	if got := b.search("gamma"); len(got) != 0 {
		t.Fatalf("gamma found before Update")
	}
	b.update()
	if got := b.search("gamma"); len(got) != 1 {
		t.Errorf("delivered message not found: %q", got)
	}
	if n, _ := filepath.Glob(filepath.Join(b.root, "new", "*")); len(n) != 0 {
		t.Errorf("new/ still holds %q after Update", n)
	}
	settle()
	b.update()

	// A flag set by an IMAP server: a rename in cur/.
	old := filepath.Join(b.root, "cur", k1+":2,")
	if err := os.Rename(old, filepath.Join(b.root, "cur", k1+":2,FS")); err != nil {
		t.Fatal(err)
	}
	b.update()
	if got := b.search("is:flagged"); !reflect.DeepEqual(got, []string{"INBOX/first"}) {
		t.Errorf("Search(is:flagged) after rename = %q", got)
	}
	settle()
	b.update()

	// mv to another folder from a shell.
	dst := filepath.Join(b.root, ".Archive", "cur", k1+":2,FS")
	if err := os.Rename(filepath.Join(b.root, "cur", k1+":2,FS"), dst); err != nil {
		t.Fatal(err)
	}
	b.update()
	if got := b.search("alpha"); !reflect.DeepEqual(got, []string{"Archive/first"}) {
		t.Errorf("Search(alpha) after mv = %q, want Archive/first", got)
	}
	settle()
	b.update()

	// rm.
	os.Remove(dst)
	b.update()
	if got := b.search("alpha"); len(got) != 0 {
		t.Errorf("Search(alpha) after rm = %q", got)
	}
	if p, _ := b.x.Progress(); p.Total != 2 {
		t.Errorf("Progress after rm = %+v, want 2 messages", p)
	}
	// A deleted folder.
	os.RemoveAll(filepath.Join(b.root, ".Archive"))
	b.put("INBOX", "cur", "", mail("a@example.org", "b@example.org", "fourth", "delta"))
	b.update()
	if n, _ := b.x.Count("Archive"); n != 0 {
		t.Errorf("Count(Archive) after rm -r = %d", n)
	}
}

func TestBudget(t *testing.T) {
	b := newBox(t)
	for i := 0; i < 300; i++ {
		b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "message", strings.Repeat("word ", 2000)))
	}
	p, err := b.x.Update(1) // 1ns: the scan, then at most one message
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 300 || p.Indexed >= 300 {
		t.Errorf("Update(1ns) = %+v, want 300 known and not all read", p)
	}
	// Listing works already, from the names.
	page, total, pending, err := b.x.List("INBOX", maildir.SortDate, true, 0, 10)
	if err != nil || total != 300 || len(page) != 10 || pending == 0 {
		t.Errorf("List while indexing = %d rows, total %d, pending %d, %v", len(page), total, pending, err)
	}
	if p := b.update(); !p.Done() {
		t.Errorf("Update(0) = %+v, want done", p)
	}
}

// TestListMatchesMaildir checks the index's pages against maildir.List.
func TestListMatchesMaildir(t *testing.T) {
	b := newBox(t)
	subjects := []string{"Zeta", "alpha", "Beta", "beta", "", "gamma", "Alpha"}
	for i := 0; i < 40; i++ {
		s := subjects[i%len(subjects)]
		from := []string{"Bob <b@x.org>", "alice@x.org", "Ärger <a@x.org>"}[i%3]
		date := []string{"Mon, 1 Jan 2024 10:00:00 +0000", "Tue, 2 Jan 2024 10:00:00 +0000", ""}[i%3]
		msg := "From: " + from + "\nSubject: " + s + "\n"
		if date != "" {
			msg += "Date: " + date + "\n"
		}
		b.put("INBOX", "cur", "S", msg+"\n"+strings.Repeat("x", i)+"\n")
	}
	b.update()
	b.store.Summarize = summaryFunc
	for _, key := range []maildir.SortKey{maildir.SortDate, maildir.SortFrom, maildir.SortSubject, maildir.SortSize} {
		for _, desc := range []bool{false, true} {
			for _, off := range []int{0, 7, 21, 35} {
				want, wt, err := b.store.List("INBOX", key, desc, off, 7)
				if err != nil {
					t.Fatal(err)
				}
				got, gt, _, err := b.x.List("INBOX", key, desc, off, 7)
				if err != nil {
					t.Fatal(err)
				}
				if gt != wt || len(got) != len(want) {
					t.Fatalf("List(%v, %v, %d) = %d of %d, want %d of %d", key, desc, off, len(got), gt, len(want), wt)
				}
				for i := range got {
					if got[i].Key != want[i].Key {
						t.Errorf("List(%v, desc %v, off %d)[%d] = %s %q, want %s %q", key, desc, off, i, got[i].Key, got[i].Subject, want[i].Key, want[i].Subject)
					}
				}
			}
		}
	}
}

func TestFinish(t *testing.T) {
	b := newBox(t)
	b.folder("Small")
	for i := 0; i < 5; i++ {
		b.put("Small", "cur", "S", mail("a@example.org", "b@example.org", "small", "text"))
		b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "big", "text"))
	}
	if _, err := b.x.Update(1); err != nil {
		t.Fatal(err)
	}
	if done, err := b.x.Finish("Small", 3); done || err != nil {
		t.Errorf("Finish(Small, 3) = %v, %v; want false: more than 3 left", done, err)
	}
	if done, err := b.x.Finish("Small", 10); !done || err != nil {
		t.Errorf("Finish(Small, 10) = %v, %v; want true", done, err)
	}
	if _, _, pending, _ := b.x.List("Small", maildir.SortDate, true, 0, 10); pending != 0 {
		t.Errorf("List(Small) after Finish: %d pending", pending)
	}
}

// TestDeliveryKeepsCurTrusted: the messages a scan moves from new/ to
// cur/ itself are added as rows, and the time they give cur/ is recorded,
// so that the request after a delivery does not read cur/ again (at
// 100,000 messages, half a second of CPU). The test hides a file in cur/
// behind cur/'s recorded time: only a scan that reads cur/ finds it.
func TestDeliveryKeepsCurTrusted(t *testing.T) {
	b := newBox(t)
	b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "first", "alpha"))
	b.update()
	settle()
	b.update()

	b.put("INBOX", "new", "", mail("a@example.org", "b@example.org", "second", "beta"))
	b.update()
	if got := b.search("beta"); len(got) != 1 {
		t.Fatalf("delivered message not found: %q", got)
	}
	var rec int64
	if err := b.x.db.QueryRow(`SELECT mtime FROM dirs WHERE folder = 'INBOX' AND sub = 'cur'`).Scan(&rec); err != nil {
		t.Fatal(err)
	}
	cur := filepath.Join(b.root, "cur")
	fi, err := os.Stat(cur)
	if err != nil {
		t.Fatal(err)
	}
	if rec != fi.ModTime().UnixNano() {
		t.Fatalf("recorded time of cur/ = %d after the scan's own moves, want its time %d", rec, fi.ModTime().UnixNano())
	}
	hidden := b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "hidden", "gamma"))
	if err := os.Chtimes(cur, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	settle()
	b.update()
	b.update()
	if n, _ := b.x.Count("INBOX"); n != 2 {
		t.Errorf("Count(INBOX) = %d, want 2: cur/ was read again after the delivery", n)
	}
	// Any later change of cur/ by another program moves its time: then
	// cur/ is read, and the hidden file found.
	if err := os.Rename(filepath.Join(cur, hidden+":2,S"), filepath.Join(cur, hidden+":2,FS")); err != nil {
		t.Fatal(err)
	}
	b.update()
	if n, _ := b.x.Count("INBOX"); n != 3 {
		t.Errorf("Count(INBOX) after a rename in cur/ = %d, want 3", n)
	}
}
