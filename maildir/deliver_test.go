package maildir

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDeliver(t *testing.T) {
	s, _ := testStore(t)
	if err := s.CreateFolder("Sent"); err != nil {
		t.Fatal(err)
	}
	const msg = "From: a@example.org\nSubject: hi\n\nbody\n"
	tests := []struct {
		folder, flags string
		wantName      string // the file's info part
		wantErr       error
	}{
		{"Sent", "S", ":2,S", nil},
		{"INBOX", "", ":2,", nil},
		{"Sent", "SD", ":2,DS", nil},   // letters sorted as Maildir requires
		{"Sent", "x", "", ErrInvalid},  // not a flag letter
		{"Sent", "S/", "", ErrInvalid}, // a path separator is never a flag
		{"Nope", "S", "", ErrNotFound}, // the folder must exist
		{"../x", "S", "", ErrInvalid},  // never outside the Maildir
	}
	for _, tt := range tests {
		key, err := s.Deliver(tt.folder, strings.NewReader(msg), tt.flags)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Deliver(%q, %q) = %q, %v, want error %v", tt.folder, tt.flags, key, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("Deliver(%q, %q) = %v", tt.folder, tt.flags, err)
			continue
		}
		if ValidKey(key) != nil {
			t.Errorf("Deliver(%q, %q) key = %q, not a valid key", tt.folder, tt.flags, key)
		}
		path, err := s.MessagePath(tt.folder, key)
		if err != nil {
			t.Fatalf("MessagePath(%q, %q) = %v", tt.folder, key, err)
		}
		if got := filepath.Base(path); got != key+tt.wantName {
			t.Errorf("Deliver(%q, %q) file = %q, want %q", tt.folder, tt.flags, got, key+tt.wantName)
		}
		if b, _ := os.ReadFile(path); string(b) != msg {
			t.Errorf("Deliver(%q, %q) content = %q, want %q", tt.folder, tt.flags, b, msg)
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("Deliver(%q, %q) mode = %v, want 0600", tt.folder, tt.flags, fi.Mode().Perm())
		}
	}
	dir, _ := s.folderDir("Sent")
	if names, _ := readNames(filepath.Join(dir, "tmp")); len(names) != 0 {
		t.Errorf("tmp/ after deliveries = %v, want empty", names)
	}
}

// failReader fails after some bytes, like a client that went away.
type failReader struct{ n int }

func (f *failReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("read failed")
	}
	f.n--
	p[0] = 'x'
	return 1, nil
}

func TestDeliverFailureLeavesNothing(t *testing.T) {
	s, _ := testStore(t)
	if _, err := s.Deliver("INBOX", &failReader{n: 10}, "S"); err == nil {
		t.Fatal("Deliver(failing reader) = nil error, want one")
	}
	for _, sub := range []string{"tmp", "cur", "new"} {
		if names, _ := readNames(filepath.Join(s.Root, sub)); len(names) != 0 {
			t.Errorf("%s/ after a failed delivery = %v, want empty", sub, names)
		}
	}
	if _, err := s.Deliver("INBOX", io.LimitReader(strings.NewReader("x"), 1), ""); err != nil {
		t.Errorf("Deliver after a failure = %v", err)
	}
}

// TestDeliveredName: the name DeliveredName gives is that of the file
// Deliver wrote, flags sorted.
func TestDeliveredName(t *testing.T) {
	s, _ := testStore(t)
	if err := os.MkdirAll(filepath.Join(s.Root, "tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	key, err := s.Deliver(Inbox, strings.NewReader("Subject: x\r\n\r\nx\r\n"), "SD")
	if err != nil {
		t.Fatal(err)
	}
	name := DeliveredName(key, "SD")
	if name != key+":2,DS" {
		t.Errorf("DeliveredName(%q, SD) = %q, want %q", key, name, key+":2,DS")
	}
	if _, err := os.Lstat(filepath.Join(s.Root, "cur", name)); err != nil {
		t.Errorf("Deliver wrote no %s: %v", name, err)
	}
}
