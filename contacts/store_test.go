package contacts

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func newStore(t *testing.T) Store {
	t.Helper()
	return Store{Dir: filepath.Join(t.TempDir(), "postern")}
}

func ann() Contact {
	return Contact{Name: "Ann Lee", Emails: []Email{{TypeHome, "ann@example.org"}}, Groups: []string{"Friends"}}
}

func TestStoreAddEdit(t *testing.T) {
	s := newStore(t)
	var added Contact
	if err := s.Update(func(b *Book) (err error) { added, err = b.Add(ann()); return err }); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(s.Dir, BookFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("book file = %v, %v, want mode 600", fi, err)
	}
	b, err := s.Load()
	if err != nil || b.Len() != 1 || b.Contacts[0].UID != added.UID || !strings.HasPrefix(added.UID, "urn:uuid:") {
		t.Fatalf("Load = %+v, %v", b, err)
	}
	etag := b.Contacts[0].ETag()

	// Two tabs open the edit form with the same ETag; the first saves.
	edit := ann()
	edit.Name = "Ann B. Lee"
	if err := s.Update(func(b *Book) error { _, err := b.Replace(added.UID, etag, edit); return err }); err != nil {
		t.Fatalf("first edit: %v", err)
	}
	// The second tab's edit is refused, and the first one's kept.
	stale := ann()
	stale.Note = "from the second tab"
	err = s.Update(func(b *Book) error { _, err := b.Replace(added.UID, etag, stale); return err })
	if !errors.Is(err, ErrStale) {
		t.Fatalf("stale edit = %v, want ErrStale", err)
	}
	if err := s.Update(func(b *Book) error { return b.Delete(added.UID, etag) }); !errors.Is(err, ErrStale) {
		t.Fatalf("stale delete = %v, want ErrStale", err)
	}
	b, _ = s.Load()
	if got := show(b.Contacts); got != "Ann B. Lee <home:ann@example.org> groups=Friends" {
		t.Errorf("after the stale edit: %s", got)
	}
	// A duplicate address is refused.
	dup := Contact{Name: "Other", Emails: []Email{{TypeWork, "ANN@example.org"}}}
	var de *DuplicateError
	if err := s.Update(func(b *Book) error { _, err := b.Add(dup); return err }); !errors.As(err, &de) || de.Of != "Ann B. Lee" {
		t.Errorf("duplicate add = %v, want a DuplicateError naming Ann B. Lee", err)
	}
	// Delete with the current ETag; then the contact is gone.
	if err := s.Update(func(b *Book) error { return b.Delete(added.UID, b.Contacts[0].ETag()) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(func(b *Book) error { _, err := b.Replace(added.UID, etag, edit); return err }); !errors.Is(err, ErrNotFound) {
		t.Errorf("edit of a deleted contact = %v, want ErrNotFound", err)
	}
}

// TestStoreConcurrent: updates of several processes (here goroutines,
// each with its own lock file descriptor) never lose one another's
// contact.
func TestStoreConcurrent(t *testing.T) {
	s := newStore(t)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := Contact{Name: fmt.Sprint("c", i), Emails: []Email{{TypeOther, fmt.Sprintf("c%d@example.org", i)}}}
			if err := s.Update(func(b *Book) error { _, err := b.Add(c); return err }); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if b, err := s.Load(); err != nil || b.Len() != 20 {
		t.Errorf("after 20 concurrent adds: %d contacts, %v", b.Len(), err)
	}
}

// TestImportLimit: an import that would pass MaxContacts is refused and
// the file is left as it was.
func TestImportLimit(t *testing.T) {
	s := newStore(t)
	if err := s.Update(func(b *Book) error { _, err := b.Add(ann()); return err }); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(s.Dir, BookFile))
	res := &Result{}
	for i := range MaxContacts {
		res.Contacts = append(res.Contacts, Contact{Name: "x", Emails: []Email{{TypeOther, fmt.Sprintf("x%d@example.org", i)}}})
	}
	_, err := s.Import(res)
	var le *LimitError
	if !errors.As(err, &le) {
		t.Fatalf("Import(%d contacts) into a book of 1 = %v, want a LimitError", MaxContacts, err)
	}
	after, _ := os.ReadFile(filepath.Join(s.Dir, BookFile))
	if string(before) != string(after) {
		t.Errorf("a refused import changed the file")
	}
	// One fewer fits.
	res.Contacts = res.Contacts[1:]
	p, err := s.Import(res)
	if err != nil || len(p.Add) != MaxContacts-1 {
		t.Fatalf("Import(%d) = %v", MaxContacts-1, err)
	}
	b, err := s.Load()
	if err != nil || b.Len() != MaxContacts {
		t.Errorf("book has %d contacts, %v; want %d", b.Len(), err, MaxContacts)
	}
}

func TestImportPreview(t *testing.T) {
	s := newStore(t)
	s.Update(func(b *Book) error { _, err := b.Add(ann()); return err })
	res, err := ReadMutt(strings.NewReader("alias a Ann <ANN@example.org>\nalias b bob@example.org\nalias b2 Bobby <bob@example.org>\nsource x\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Load()
	p := b.Preview(res)
	if len(p.Add) != 1 || p.Add[0].Emails[0].Address != "bob@example.org" {
		t.Errorf("Preview add = %s", show(p.Add))
	}
	if len(p.Duplicates) != 2 || p.Duplicates[0].Of != "Ann Lee" || !strings.Contains(p.Duplicates[1].Of, "earlier in this file") {
		t.Errorf("Preview duplicates = %+v", p.Duplicates)
	}
	if len(p.Skipped) != 1 {
		t.Errorf("Preview skipped = %+v", p.Skipped)
	}
	// Someone adds Bob in another tab before the confirm: not added twice.
	s.Update(func(b *Book) error {
		_, err := b.Add(Contact{Name: "Bob", Emails: []Email{{TypeOther, "bob@example.org"}}})
		return err
	})
	applied, err := s.Import(res)
	if err != nil || len(applied.Add) != 0 {
		t.Errorf("Import after a concurrent add = %+v, %v; want nothing added", applied, err)
	}
}

// TestBookKeepsForeign: cards the book cannot show are written back.
func TestBookKeepsForeign(t *testing.T) {
	s := newStore(t)
	os.MkdirAll(s.Dir, 0o700)
	group := "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Team\r\nKIND:group\r\nMEMBER:urn:uuid:1\r\nEND:VCARD\r\n"
	os.WriteFile(filepath.Join(s.Dir, BookFile), []byte("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:No UID\r\nEND:VCARD\r\n"+group), 0o600)
	b1, _ := s.Load()
	b2, _ := s.Load()
	if b1.Len() != 2 || len(b1.Contacts) != 1 || b1.Contacts[0].UID != b2.Contacts[0].UID {
		t.Fatalf("Load = %+v; the derived UID must be the same at every read", b1)
	}
	uid := b1.Contacts[0].UID
	if err := s.Update(func(b *Book) error {
		_, err := b.Replace(uid, b.Contacts[0].ETag(), Contact{Name: "Now with UID"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(s.Dir, BookFile))
	if !strings.Contains(string(data), "MEMBER:urn:uuid:1") || !strings.Contains(string(data), "UID:"+uid) {
		t.Errorf("book file after an edit:\n%s", data)
	}
}

func TestCollected(t *testing.T) {
	s := newStore(t)
	if got := s.LoadCollected(); len(got.Entries) != 0 {
		t.Fatalf("LoadCollected of nothing = %+v", got)
	}
	list, _ := parseList("Ann <ann@example.org>, bob@example.org")
	s.Collect(list, now)
	s.Collect(list[1:], now.Add(1))
	c := s.LoadCollected()
	if len(c.Entries) != 2 || c.Entries[0].Address != "bob@example.org" || c.Entries[0].Count != 2 || c.Entries[1].Name != "Ann" {
		t.Errorf("collected = %+v", c.Entries)
	}
	s.Forget("BOB@example.org")
	if c := s.LoadCollected(); len(c.Entries) != 1 {
		t.Errorf("after Forget: %+v", c.Entries)
	}
	if err := s.ClearCollected(); err != nil {
		t.Fatal(err)
	}
	if c := s.LoadCollected(); len(c.Entries) != 0 {
		t.Errorf("after ClearCollected: %+v", c.Entries)
	}
}
