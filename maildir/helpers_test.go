package maildir

import (
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
)

// testStore returns a Store over a fresh Maildir with a counting summarizer.
func testStore(t testing.TB) (*Store, *atomic.Int64) {
	t.Helper()
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "cur"), 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := Open(root)
	if err != nil {
		t.Fatalf("Open(%q) = %v", root, err)
	}
	calls := new(atomic.Int64)
	s.Summarize = func(r io.Reader) Summary {
		calls.Add(1)
		return headerSummary(r)
	}
	return s, calls
}

// headerSummary is a small summarizer for tests: Date, From and Subject as
// given, Malformed when the header does not parse.
func headerSummary(r io.Reader) Summary {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return Summary{Malformed: true}
	}
	var sum Summary
	sum.From = m.Header.Get("From")
	sum.Subject = m.Header.Get("Subject")
	if d, err := m.Header.Date(); err == nil {
		sum.Date = d
	}
	sum.HasAttachment = m.Header.Get("X-Attachment") != ""
	return sum
}

// put writes a message file into sub ("cur" or "new") of folder's directory.
func put(t testing.TB, s *Store, folder, sub, name, content string) {
	t.Helper()
	dir, err := s.folderDir(folder)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, sub, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// msg returns a small message.
func msg(from, subject, date string) string {
	return "From: " + from + "\r\nSubject: " + subject + "\r\nDate: " + date + "\r\n\r\nbody\r\n"
}

// names returns the sorted file names in folder's sub directory.
func names(t testing.TB, s *Store, folder, sub string) []string {
	t.Helper()
	dir, err := s.folderDir(folder)
	if err != nil {
		t.Fatal(err)
	}
	n, err := readNames(filepath.Join(dir, sub))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(n)
	return n
}

func mustCreate(t testing.TB, s *Store, names ...string) {
	t.Helper()
	for _, n := range names {
		if err := s.CreateFolder(n); err != nil {
			t.Fatalf("CreateFolder(%q) = %v", n, err)
		}
	}
}

func keysOf(page []Entry) []string {
	var k []string
	for _, e := range page {
		k = append(k, e.Key)
	}
	return k
}
