package index

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestFolderCounts: after every Update the index's counts of messages and
// unread messages are those the maildir package counts from the files,
// whatever another program did in between.
func TestFolderCounts(t *testing.T) {
	b := newBox(t)
	b.folder("Archive")
	b.folder("Lists.golang")
	check := func(step string) {
		t.Helper()
		b.update()
		got, err := b.x.FolderCounts()
		if err != nil {
			t.Fatalf("%s: FolderCounts = %v", step, err)
		}
		fs, err := b.store.Folders()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.NoSelect {
				continue
			}
			if c := got[f.Name]; c.Total != f.Total || c.Unread != f.Unread {
				t.Errorf("%s: FolderCounts()[%q] = %+v, want the files' %d messages, %d unread", step, f.Name, c, f.Total, f.Unread)
			}
		}
	}
	k1 := b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "one", "x"))
	k2 := b.put("INBOX", "cur", "", mail("a@example.org", "b@example.org", "two", "x"))
	b.put("INBOX", "new", "", mail("a@example.org", "b@example.org", "three", "x"))
	b.put("Archive", "cur", "RS", mail("a@example.org", "b@example.org", "four", "x"))
	check("first")
	settle()
	check("again")

	// Read on a phone: the IMAP server adds S to two, removes it from one.
	rename := func(from, to string) {
		t.Helper()
		if err := os.Rename(filepath.Join(b.root, "cur", from), filepath.Join(b.root, "cur", to)); err != nil {
			t.Fatal(err)
		}
	}
	rename(k2+":2,", k2+":2,S")
	check("marked read")
	settle()
	rename(k1+":2,S", k1+":2,F")
	check("marked unread")
	settle()

	// Delivered, moved away by a shell user, deleted.
	b.put("Lists.golang", "new", "", mail("a@example.org", "b@example.org", "five", "x"))
	if err := os.Rename(filepath.Join(b.root, "cur", k2+":2,S"), filepath.Join(b.root, ".Archive", "cur", k2+":2,S")); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(b.root, "cur", k1+":2,F"))
	check("moved and deleted")
	settle()
	check("settled")
}

// TestThreadsTable: after every Update, the conversations kept by the
// triggers (Threads) are those a grouping of the folder's rows gives, page
// by page, whatever was delivered, read, flagged, moved or deleted.
func TestThreadsTable(t *testing.T) {
	b := newBox(t)
	b.folder("Archive")
	msg := func(id, subject, date string, extra ...string) string {
		h := "From: a@example.org\nTo: b@example.org\nSubject: " + subject + "\nDate: " + date + "\nMessage-ID: <" + id + "@x>\n"
		for _, e := range extra {
			h += e + "\n"
		}
		return h + "Content-Type: text/plain\n\nbody\n"
	}
	check := func(step string) {
		t.Helper()
		b.update()
		for _, folder := range []string{"INBOX", "Archive"} {
			want, err := groupThreads(b.x, folder)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for off := 0; ; off += 2 { // pages of 2
				rows, total, err := b.x.Threads(folder, off, 2)
				if err != nil {
					t.Fatalf("%s: Threads(%s) = %v", step, folder, err)
				}
				if total != len(want) {
					t.Errorf("%s: Threads(%s) total = %d, want %d", step, folder, total, len(want))
				}
				for _, r := range rows {
					got = append(got, fmt.Sprintf("%s n=%d unread=%d", r.Key, r.Count, r.Unread))
				}
				if len(rows) < 2 {
					break
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: Threads(%s) =\n%q\nwant\n%q", step, folder, got, want)
			}
		}
	}
	k1 := b.put("INBOX", "cur", "S", msg("1", "plan", "Mon, 1 Jan 2024 10:00:00 +0000"))
	k2 := b.put("INBOX", "cur", "", msg("2", "Re: plan", "Tue, 2 Jan 2024 10:00:00 +0000", "In-Reply-To: <1@x>"))
	b.put("INBOX", "new", "", msg("3", "other", "Wed, 3 Jan 2024 10:00:00 +0000"))
	b.put("INBOX", "cur", "S", msg("4", "third", "Sun, 31 Dec 2023 10:00:00 +0000"))
	b.put("Archive", "cur", "S", msg("5", "Re: plan", "Thu, 4 Jan 2024 10:00:00 +0000", "References: <1@x>"))
	check("first")
	settle()
	// A late reply makes the oldest conversation the latest.
	k6 := b.put("INBOX", "new", "", msg("6", "Re: third", "Fri, 5 Jan 2024 10:00:00 +0000", "In-Reply-To: <4@x>"))
	check("reply")
	settle()
	// Read elsewhere, then the newest message of a conversation deleted:
	// its last date goes back to the one before.
	cur := filepath.Join(b.root, "cur")
	if err := os.Rename(filepath.Join(cur, k2+":2,"), filepath.Join(cur, k2+":2,S")); err != nil {
		t.Fatal(err)
	}
	check("read")
	settle()
	if err := os.Remove(filepath.Join(cur, k6+":2,")); err != nil {
		t.Fatal(err)
	}
	check("deleted")
	settle()
	// Moved to another folder, and a folder emptied.
	if err := os.Rename(filepath.Join(cur, k1+":2,S"), filepath.Join(b.root, ".Archive", "cur", k1+":2,S")); err != nil {
		t.Fatal(err)
	}
	check("moved")
	settle()
	ents, _ := os.ReadDir(filepath.Join(b.root, ".Archive", "cur"))
	for _, e := range ents {
		os.Remove(filepath.Join(b.root, ".Archive", "cur", e.Name()))
	}
	check("emptied")
	var n int
	if err := b.x.db.QueryRow(`SELECT count(*) FROM threads WHERE folder = 'Archive'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("threads of the emptied folder: %d rows (%v), want none", n, err)
	}
}

// groupThreads is what Threads must say of folder, all pages, computed by
// grouping its rows that were read (done = 1).
func groupThreads(x *Index, folder string) ([]string, error) {
	rs, err := x.db.Query(`SELECT thread, max(date) AS last, count(*), sum(instr(flags, 'S') = 0)
		FROM msgs WHERE folder = ? AND done = 1 GROUP BY thread ORDER BY last DESC, thread`, folder)
	if err != nil {
		return nil, err
	}
	type group struct {
		thread   string
		n, u     int
		lastDate int64
	}
	var gs []group
	for rs.Next() {
		var g group
		if err := rs.Scan(&g.thread, &g.lastDate, &g.n, &g.u); err != nil {
			rs.Close()
			return nil, err
		}
		gs = append(gs, g)
	}
	rs.Close()
	var out []string
	for _, g := range gs {
		var key string
		if err := x.db.QueryRow(`SELECT key FROM msgs WHERE folder = ? AND thread = ? AND done = 1 ORDER BY date DESC, key DESC LIMIT 1`, folder, g.thread).Scan(&key); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("%s n=%d unread=%d", key, g.n, g.u))
	}
	return out, rs.Err()
}
