package index

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// curRecord returns the recorded time of folder's cur/ and its time now.
func (b *testBox) curRecord(folder string) (rec, now int64) {
	b.t.Helper()
	if err := b.x.db.QueryRow(`SELECT mtime FROM dirs WHERE folder = ? AND sub = 'cur'`, folder).Scan(&rec); err != nil {
		b.t.Fatal(err)
	}
	dir, _ := b.store.FolderDir(folder)
	now, err := mtime(filepath.Join(dir, "cur"))
	if err != nil {
		b.t.Fatal(err)
	}
	return rec, now
}

// hide writes a message into cur/ of INBOX without moving cur/'s time:
// only a scan that reads cur/ finds it.
func (b *testBox) hide() {
	b.t.Helper()
	cur := filepath.Join(b.root, "cur")
	fi, err := os.Stat(cur)
	if err != nil {
		b.t.Fatal(err)
	}
	b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "hidden", "hidden"))
	if err := os.Chtimes(cur, fi.ModTime(), fi.ModTime()); err != nil {
		b.t.Fatal(err)
	}
}

// flag is a change for Own: Flag on key of INBOX.
func flag(b *testBox, key, add, remove string) func() (Change, error) {
	return func() (Change, error) {
		names, err := b.store.Flag("INBOX", []string{key}, add, remove)
		return Change{"INBOX": names}, err
	}
}

// TestOwn: flags set and messages removed through Own change the rows
// and the counts at once, and the time they give cur/ is recorded, so
// that the next Update does not read cur/ again.
func TestOwn(t *testing.T) {
	b := newBox(t)
	k1 := b.put("INBOX", "cur", "", mail("a@example.org", "b@example.org", "first", "alpha"))
	k2 := b.put("INBOX", "cur", "", mail("a@example.org", "b@example.org", "second", "beta"))
	b.put("INBOX", "new", "", mail("a@example.org", "b@example.org", "third", "gamma"))
	b.update()
	settle()
	b.update()

	err := b.x.Own([]string{"INBOX"}, flag(b, k1, "S", ""))
	if err != nil {
		t.Fatalf("Own(Flag) = %v", err)
	}
	if rec, now := b.curRecord("INBOX"); rec != now {
		t.Errorf("recorded time of cur/ = %d after Own, want its time %d", rec, now)
	}
	if got := b.search("is:read"); !reflect.DeepEqual(got, []string{"INBOX/first"}) {
		t.Errorf("Search(is:read) after Own = %q, want INBOX/first", got)
	}
	if c, _ := b.x.FolderCounts(); c["INBOX"] != (FolderCount{Total: 3, Unread: 2}) {
		t.Errorf("FolderCounts after Own = %+v, want 3 messages, 2 unread", c["INBOX"])
	}

	// The next Update does not read cur/: it misses a file hidden behind
	// cur/'s time.
	b.hide()
	settle()
	b.update()
	if n, _ := b.x.Count("INBOX"); n != 3 {
		t.Errorf("Count(INBOX) = %d, want 3: cur/ was read again after Own", n)
	}

	// A removal ("") drops the row and its text.
	err = b.x.Own([]string{"INBOX"}, func() (Change, error) {
		gone, err := b.store.Remove("INBOX", []string{k2})
		return Change{"INBOX": gone}, err
	})
	if err != nil {
		t.Fatalf("Own(Delete) = %v", err)
	}
	if got := b.search("beta"); len(got) != 0 {
		t.Errorf("Search(beta) after Own(Delete) = %q", got)
	}
	if rec, now := b.curRecord("INBOX"); rec != now {
		t.Errorf("recorded time of cur/ = %d after Own(Delete), want its time %d", rec, now)
	}
}

// TestOwnNotInStep: when cur/ changed since the last scan (another
// program), Own only runs the change: the next Update reads cur/ and sees
// both changes.
func TestOwnNotInStep(t *testing.T) {
	b := newBox(t)
	k1 := b.put("INBOX", "cur", "", mail("a@example.org", "b@example.org", "first", "alpha"))
	b.update()
	settle()
	b.update()
	b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "second", "beta")) // another program
	rec0, _ := b.curRecord("INBOX")
	err := b.x.Own([]string{"INBOX"}, flag(b, k1, "F", ""))
	if err != nil {
		t.Fatalf("Own = %v", err)
	}
	if rec, _ := b.curRecord("INBOX"); rec != rec0 {
		t.Errorf("Own recorded cur/'s time %d over %d though cur/ was not in step", rec, rec0)
	}
	b.update()
	if got := b.search("is:flagged"); !reflect.DeepEqual(got, []string{"INBOX/first"}) {
		t.Errorf("Search(is:flagged) = %q, want INBOX/first", got)
	}
	if got := b.search("beta"); len(got) != 1 {
		t.Errorf("the other program's message is not found: %q", got)
	}
}

// TestOwnLocked: with the writer lock held elsewhere, Own runs the change
// without waiting and leaves the index to the next scan.
func TestOwnLocked(t *testing.T) {
	b := newBox(t)
	k1 := b.put("INBOX", "cur", "", mail("a@example.org", "b@example.org", "first", "alpha"))
	b.update()
	settle()
	b.update()
	rec0, _ := b.curRecord("INBOX")
	unlock, ok := b.x.tryLock()
	if !ok {
		t.Fatal("tryLock of a free lock failed")
	}
	// Another open of the same index, as another request's.
	b.open()
	err := b.x.Own([]string{"INBOX"}, flag(b, k1, "F", ""))
	unlock()
	if err != nil {
		t.Fatalf("Own = %v", err)
	}
	if rec, _ := b.curRecord("INBOX"); rec != rec0 {
		t.Errorf("Own recorded cur/'s time while the lock was held elsewhere")
	}
	if _, err := os.Stat(filepath.Join(b.root, "cur", k1+":2,F")); err != nil {
		t.Errorf("the change did not run: %v", err)
	}
	settle()
	b.update()
	if got := b.search("is:flagged"); !reflect.DeepEqual(got, []string{"INBOX/first"}) {
		t.Errorf("Search(is:flagged) after the next Update = %q, want INBOX/first", got)
	}
}

// TestOwnMove: a move through Own removes the rows from the source and
// adds them to the destination (read by the next Update), and records
// both cur/ times.
func TestOwnMove(t *testing.T) {
	b := newBox(t)
	b.folder("Archive")
	k1 := b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "first", "alpha"))
	b.put("INBOX", "cur", "", mail("a@example.org", "b@example.org", "second", "beta"))
	b.update()
	settle()
	b.update()
	err := b.x.Own([]string{"INBOX", "Archive"}, func() (Change, error) {
		out, in, err := b.store.Relocate("INBOX", []string{k1}, "Archive")
		return Change{"INBOX": out, "Archive": in}, err
	})
	if err != nil {
		t.Fatalf("Own(Relocate) = %v", err)
	}
	for _, f := range []string{"INBOX", "Archive"} {
		if rec, now := b.curRecord(f); rec != now {
			t.Errorf("recorded time of %s/cur = %d after Own, want its time %d", f, rec, now)
		}
	}
	b.update()
	if got := b.search("alpha"); !reflect.DeepEqual(got, []string{"Archive/first"}) {
		t.Errorf("Search(alpha) after the move = %q, want Archive/first", got)
	}
	if c, _ := b.x.FolderCounts(); c["INBOX"] != (FolderCount{Total: 1, Unread: 1}) || c["Archive"] != (FolderCount{Total: 1}) {
		t.Errorf("FolderCounts after the move = %+v", c)
	}
}
