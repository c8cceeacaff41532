package index

import (
	"os"
	"path/filepath"
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
