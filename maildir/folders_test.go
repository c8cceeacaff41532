package maildir

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestOpen(t *testing.T) {
	root := t.TempDir()
	if _, err := Open(root); err == nil {
		t.Errorf("Open(%q) without cur/ = nil error, want error", root)
	}
	if err := os.Mkdir(filepath.Join(root, "cur"), 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := Open(root)
	if err != nil {
		t.Fatalf("Open(%q) = %v", root, err)
	}
	for _, sub := range []string{"new", "tmp"} {
		fi, err := os.Stat(filepath.Join(root, sub))
		if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
			t.Errorf("Open did not create %s/ with mode 700: %v %v", sub, fi, err)
		}
	}
	if !s.Exists(Inbox) || s.Exists("Nope") || s.Exists("../x") {
		t.Errorf("Exists: INBOX %v, Nope %v, ../x %v; want true false false", s.Exists(Inbox), s.Exists("Nope"), s.Exists("../x"))
	}
}

func TestCreateFolder(t *testing.T) {
	s, _ := testStore(t)
	mustCreate(t, s, "Entwürfe")
	dir := filepath.Join(s.Root, ".Entw&APw-rfe")
	for _, p := range []string{"cur", "new", "tmp", "maildirfolder"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("CreateFolder: %v", err)
		}
	}
	if !s.Exists("Entwürfe") {
		t.Errorf("Exists(Entwürfe) = false after CreateFolder")
	}
	if err := s.CreateFolder("Entwürfe"); !errors.Is(err, ErrExists) {
		t.Errorf("CreateFolder(existing) = %v, want ErrExists", err)
	}
	for _, bad := range []string{"INBOX", "../evil", "a/b", "..", "x\x00"} {
		if err := s.CreateFolder(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("CreateFolder(%q) = %v, want ErrInvalid", bad, err)
		}
	}
	ents, _ := os.ReadDir(filepath.Dir(s.Root))
	if len(ents) != 1 {
		t.Errorf("something was created outside the root: %v", ents)
	}
}

func TestFolders(t *testing.T) {
	s, _ := testStore(t)
	mustCreate(t, s, "lists.golang", "Archive", "Lists.debian", "b", "Work.2024.Q1", "Entwürfe")
	// "Work" and "Work.2024" do not exist: listed as NoSelect parents.
	put(t, s, Inbox, "cur", "k1:2,S", msg("a", "s", ""))
	put(t, s, Inbox, "cur", "k2:2,", msg("a", "s", ""))
	put(t, s, Inbox, "new", "k3", msg("a", "s", ""))
	put(t, s, "b", "cur", "k4:2,FS", msg("a", "s", ""))
	// Junk that must not be listed.
	os.Mkdir(filepath.Join(s.Root, ".&AGE-"), 0o700)
	os.Mkdir(filepath.Join(s.Root, ".INBOX"), 0o700)
	os.WriteFile(filepath.Join(s.Root, ".file"), nil, 0o600)
	os.Mkdir(filepath.Join(s.Root, "plain"), 0o700)

	got, err := s.Folders()
	if err != nil {
		t.Fatal(err)
	}
	want := []Folder{
		{Name: "INBOX", Leaf: "INBOX", Total: 3, Unread: 2},
		{Name: "Archive", Leaf: "Archive"},
		{Name: "b", Leaf: "b", Total: 1},
		{Name: "Entwürfe", Leaf: "Entwürfe"},
		{Name: "Lists", Leaf: "Lists", NoSelect: true}, // sorts before "lists"
		{Name: "Lists.debian", Leaf: "debian", Depth: 1},
		{Name: "lists", Leaf: "lists", NoSelect: true},
		{Name: "lists.golang", Leaf: "golang", Depth: 1},
		{Name: "Work", Leaf: "Work", NoSelect: true},
		{Name: "Work.2024", Leaf: "2024", Depth: 1, NoSelect: true},
		{Name: "Work.2024.Q1", Leaf: "Q1", Depth: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Folders() =\n%+v\nwant\n%+v", got, want)
	}
}

func TestRenameFolder(t *testing.T) {
	s, _ := testStore(t)
	mustCreate(t, s, "A", "A.B", "A.B.C", "AB", "Other", "Trash")
	put(t, s, "A.B", "cur", "k1:2,S", msg("a", "s", ""))
	if err := s.RenameFolder("A", "Z.Ü"); err != nil {
		t.Fatalf("RenameFolder = %v", err)
	}
	for name, want := range map[string]bool{
		"A": false, "A.B": false, "A.B.C": false,
		"Z.Ü": true, "Z.Ü.B": true, "Z.Ü.B.C": true,
		"AB": true, // shares a prefix but is no subfolder
	} {
		if got := s.Exists(name); got != want {
			t.Errorf("after rename: Exists(%q) = %v, want %v", name, got, want)
		}
	}
	if got := names(t, s, "Z.Ü.B", "cur"); !reflect.DeepEqual(got, []string{"k1:2,S"}) {
		t.Errorf("messages after rename = %v", got)
	}

	tests := []struct {
		old, new string
		want     error
	}{
		{"INBOX", "X", ErrRefused},
		{"Trash", "X", ErrRefused},
		{"Other", "Trash", ErrRefused},
		{"Other", "AB", ErrExists},
		{"Nope", "X", ErrNotFound},
		{"Other", "../x", ErrInvalid},
		{"Other", "inbox", ErrInvalid},
		{"../x", "y", ErrInvalid},
	}
	for _, tt := range tests {
		if err := s.RenameFolder(tt.old, tt.new); !errors.Is(err, tt.want) {
			t.Errorf("RenameFolder(%q, %q) = %v, want %v", tt.old, tt.new, err, tt.want)
		}
	}
	// Renaming a NoSelect parent moves its children.
	mustCreate(t, s, "P.child")
	if err := s.RenameFolder("P", "Q"); err != nil || !s.Exists("Q.child") {
		t.Errorf("RenameFolder(P, Q) = %v, Q.child exists %v", err, s.Exists("Q.child"))
	}
}

func TestDeleteFolder(t *testing.T) {
	s, _ := testStore(t)
	mustCreate(t, s, "Old", "Parent", "Parent.Kid")
	put(t, s, "Old", "cur", "k1:2,S", msg("a", "s", ""))
	put(t, s, "Old", "new", "k2", msg("a", "s", ""))
	put(t, s, "Old", "cur", "bad\x01key:2,F", msg("a", "s", "")) // unlistable key still kept
	if err := s.DeleteFolder("Old"); err != nil {
		t.Fatalf("DeleteFolder = %v", err)
	}
	if s.Exists("Old") {
		t.Errorf("Old still exists")
	}
	got := names(t, s, "Trash", "cur")
	if len(got) != 3 || !strings.HasSuffix(got[0], ":2,F") || got[1] != "k1:2,S" || got[2] != "k2:2," {
		t.Errorf("Trash/cur after DeleteFolder = %q, want k1:2,S k2:2, and a renamed third", got)
	}
	ents, _ := os.ReadDir(s.Root)
	for _, e := range ents {
		if len(e.Name()) > 8 && e.Name()[:9] == ".postern-" {
			t.Errorf("leftover %s", e.Name())
		}
	}

	tests := []struct {
		name string
		want error
	}{
		{"INBOX", ErrRefused},
		{"Trash", ErrRefused},
		{"Parent", ErrRefused}, // has a subfolder
		{"Nope", ErrNotFound},
		{"../x", ErrInvalid},
	}
	for _, tt := range tests {
		if err := s.DeleteFolder(tt.name); !errors.Is(err, tt.want) {
			t.Errorf("DeleteFolder(%q) = %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := s.DeleteFolder("Parent.Kid"); err != nil {
		t.Errorf("DeleteFolder(Parent.Kid) = %v", err)
	}
}
