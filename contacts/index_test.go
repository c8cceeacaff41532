package contacts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadIndex: the index says what the book says, and a book changed
// by another program (the index is then stale) is read again.
func TestLoadIndex(t *testing.T) {
	s := newStore(t)
	if b, err := s.LoadIndex(); err != nil || b.Len() != 0 {
		t.Fatalf("LoadIndex of no book = %+v, %v", b, err)
	}
	book := testBook(t)
	if err := s.Update(func(b *Book) error { b.Contacts = book.Contacts; return nil }); err != nil {
		t.Fatal(err)
	}
	b, err := s.LoadIndex()
	if err != nil || show(b.Contacts) != show(lite(book.Contacts)) {
		t.Fatalf("LoadIndex =\n%s\nwant\n%s", show(b.Contacts), show(lite(book.Contacts)))
	}
	// Another program rewrites the book: the index no longer matches.
	other := "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:x\r\nFN:Only One\r\nEMAIL:one@example.org\r\nEND:VCARD\r\n"
	if err := os.WriteFile(filepath.Join(s.Dir, BookFile), []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err = s.LoadIndex()
	if err != nil || show(b.Contacts) != "Only One <other:one@example.org>" {
		t.Errorf("LoadIndex after an outside change = %s, %v", show(b.Contacts), err)
	}
	if _, ok := parseIndex([]byte("garbage"), s.bookStamp()); ok {
		t.Errorf("parseIndex(garbage) = ok")
	}
}

// lite is what the index keeps of contacts.
func lite(list []Contact) []Contact {
	var out []Contact
	for _, c := range list {
		out = append(out, Contact{UID: c.UID, Name: c.Name, Nickname: c.Nickname, Org: c.Org, Emails: c.Emails, Groups: c.Groups})
	}
	return out
}

// TestStoreComplete: completion from the index file answers as Complete
// of the book, when the index is current and when it is stale; Known
// tells the addresses of the book.
func TestStoreComplete(t *testing.T) {
	s := newStore(t)
	book := testBook(t)
	if err := s.Update(func(b *Book) error { b.Contacts = book.Contacts; return nil }); err != nil {
		t.Fatal(err)
	}
	showC := func(list []Candidate) string {
		var out []string
		for _, c := range list {
			out = append(out, c.Kind+":"+c.Value)
		}
		return strings.Join(out, "; ")
	}
	for _, stale := range []bool{false, true} {
		if stale {
			os.WriteFile(filepath.Join(s.Dir, IndexFile), []byte(indexMagic+" 1 2 3\nx\x1fStale\x1f\x1f\x1fother stale@example.org\x1f\n"), 0o600)
		}
		for _, prefix := range []string{"", "lee", "fri", "stale"} {
			got, err := s.Complete(prefix, 10)
			if want := Complete(book, nil, prefix, 10); err != nil || showC(got) != showC(want) {
				t.Errorf("Store.Complete(%q) (stale index %v) = %s, %v; want %s", prefix, stale, showC(got), err, showC(want))
			}
		}
	}
	known, err := s.Known([]string{"BOB@example.org", "nobody@example.org"})
	if err != nil || !known["BOB@example.org"] || known["nobody@example.org"] {
		t.Errorf("Known = %v, %v", known, err)
	}
}
