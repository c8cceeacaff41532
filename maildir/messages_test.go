package maildir

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestMessagePath(t *testing.T) {
	s, _ := testStore(t)
	put(t, s, Inbox, "cur", "k1:2,S", "a")
	put(t, s, Inbox, "cur", "k2:2,DFRST", "b") // not among the guesses
	put(t, s, Inbox, "new", "k3", "c")
	put(t, s, Inbox, "cur", "k10:2,", "d") // k1 must not match k10
	tests := []struct {
		key, want string
		err       error
	}{
		{"k1", "cur/k1:2,S", nil},
		{"k2", "cur/k2:2,DFRST", nil},
		{"k3", "new/k3", nil},
		{"k10", "cur/k10:2,", nil},
		{"k", "", ErrNotFound},
		{"../cur/k1:2,S", "", ErrInvalid},
		{"..", "", ErrInvalid},
		{"", "", ErrInvalid},
	}
	for _, tt := range tests {
		got, err := s.MessagePath(Inbox, tt.key)
		if !errors.Is(err, tt.err) {
			t.Errorf("MessagePath(%q) error = %v, want %v", tt.key, err, tt.err)
			continue
		}
		if want := filepath.Join(s.Root, tt.want); tt.err == nil && got != want {
			t.Errorf("MessagePath(%q) = %q, want %q", tt.key, got, want)
		}
	}
	var nf *NotFoundError
	if _, err := s.MessagePath(Inbox, "zz"); !errors.As(err, &nf) || nf.Key != "zz" {
		t.Errorf("MessagePath(zz) = %v, want *NotFoundError", err)
	}
	if _, err := s.MessagePath("Nope", "k1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("MessagePath(Nope, k1) = %v, want ErrNotFound", err)
	}
}

func TestSetFlags(t *testing.T) {
	s, _ := testStore(t)
	put(t, s, Inbox, "cur", "k1:2,", "")
	put(t, s, Inbox, "cur", "k2:2,Sa", "") // Dovecot keyword "a" is kept
	put(t, s, Inbox, "new", "k3", "")
	tests := []struct {
		keys        []string
		add, remove string
		want        []string // cur after the call
	}{
		{[]string{"k1"}, "S", "", []string{"k1:2,S", "k2:2,Sa"}},
		{[]string{"k1", "k2"}, "FRT", "", []string{"k1:2,FRST", "k2:2,FRSTa"}},
		{[]string{"k1", "k2"}, "", "ST", []string{"k1:2,FR", "k2:2,FRa"}},
		{[]string{"k2"}, "DD", "R", []string{"k1:2,FR", "k2:2,DFa"}}, // duplicate letters collapse
		{[]string{"k1"}, "F", "", []string{"k1:2,FR", "k2:2,DFa"}},   // no change
		{[]string{"k3"}, "S", "", []string{"k1:2,FR", "k2:2,DFa", "k3:2,S"}},
	}
	for _, tt := range tests {
		if err := flagErr(s, Inbox, tt.keys, tt.add, tt.remove); err != nil {
			t.Fatalf("SetFlags(%v, %q, %q) = %v", tt.keys, tt.add, tt.remove, err)
		}
		if got := names(t, s, Inbox, "cur"); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SetFlags(%v, %q, %q): cur = %v, want %v", tt.keys, tt.add, tt.remove, got, tt.want)
		}
	}
	if err := flagErr(s, Inbox, []string{"k1"}, "x", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("SetFlags with letter x = %v, want ErrInvalid", err)
	}
	if err := flagErr(s, Inbox, []string{"k1", "gone"}, "S", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetFlags with a missing key = %v, want ErrNotFound", err)
	}
	if got := names(t, s, Inbox, "cur")[0]; got != "k1:2,FRS" {
		t.Errorf("a missing key stopped the others: %s", got)
	}
}

func TestMove(t *testing.T) {
	s, _ := testStore(t)
	mustCreate(t, s, "Archive")
	put(t, s, Inbox, "cur", "k1:2,FS", "one")
	put(t, s, Inbox, "new", "k2", "two")
	put(t, s, Inbox, "cur", "k3:2,", "three")
	put(t, s, "Archive", "cur", "k3:2,S", "other three") // key clash
	if err := moveErr(s, Inbox, []string{"k1", "k2", "k3"}, "Archive"); err != nil {
		t.Fatalf("Move = %v", err)
	}
	if got := names(t, s, Inbox, "cur"); len(got) != 0 {
		t.Errorf("INBOX/cur after Move = %v", got)
	}
	got := names(t, s, "Archive", "cur")
	if len(got) != 4 || got[1] != "k1:2,FS" || got[2] != "k2:2," || got[3] != "k3:2,S" {
		t.Errorf("Archive/cur after Move = %v", got)
	}
	if err := moveErr(s, "Archive", []string{"k1"}, "Nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Move to a missing folder = %v, want ErrNotFound", err)
	}
	if err := moveErr(s, "Archive", []string{"../k1"}, Inbox); !errors.Is(err, ErrInvalid) {
		t.Errorf("Move of a bad key = %v, want ErrInvalid", err)
	}
	if err := moveErr(s, "Archive", []string{"k1"}, "Archive"); err != nil || !s.Exists("Archive") {
		t.Errorf("Move to the same folder = %v", err)
	}
}

func TestCopy(t *testing.T) {
	s, _ := testStore(t)
	mustCreate(t, s, "Archive")
	put(t, s, Inbox, "cur", "k1:2,RS", "one")
	if err := s.Copy(Inbox, []string{"k1"}, "Archive"); err != nil {
		t.Fatalf("Copy = %v", err)
	}
	if got := names(t, s, Inbox, "cur"); !reflect.DeepEqual(got, []string{"k1:2,RS"}) {
		t.Errorf("source after Copy = %v", got)
	}
	got := names(t, s, "Archive", "cur")
	if len(got) != 1 || strings.HasPrefix(got[0], "k1:") || !strings.HasSuffix(got[0], ":2,RS") {
		t.Fatalf("Archive/cur after Copy = %v, want one fresh key with flags RS", got)
	}
	key, _ := parseName(got[0])
	if err := ValidKey(key); err != nil {
		t.Errorf("fresh key: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(s.Root, ".Archive", "cur", got[0]))
	if err != nil || string(b) != "one" {
		t.Errorf("copied content = %q, %v", b, err)
	}
	if left := names(t, s, "Archive", "tmp"); len(left) != 0 {
		t.Errorf("Archive/tmp after Copy = %v", left)
	}
	if err := s.Copy(Inbox, []string{"k1", "k1"}, Inbox); err != nil || len(names(t, s, Inbox, "cur")) != 2 {
		t.Errorf("Copy of a repeated key into the same folder = %v, %v, want one copy", err, names(t, s, Inbox, "cur"))
	}
}

func TestDeleteAndEmpty(t *testing.T) {
	s, _ := testStore(t)
	put(t, s, Inbox, "cur", "k1:2,S", "")
	put(t, s, Inbox, "cur", "k2:2,", "")
	put(t, s, Inbox, "new", "k3", "")
	if err := removeErr(s, Inbox, []string{"k1", "k3"}); err != nil {
		t.Fatalf("Delete = %v", err)
	}
	if got := append(names(t, s, Inbox, "cur"), names(t, s, Inbox, "new")...); !reflect.DeepEqual(got, []string{"k2:2,"}) {
		t.Errorf("after Delete: %v", got)
	}
	if err := removeErr(s, Inbox, []string{"k1"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete(k1) again = %v, want ErrNotFound", err)
	}
	put(t, s, Inbox, "new", "k4", "")
	if err := s.Empty(Inbox); err != nil {
		t.Fatalf("Empty = %v", err)
	}
	if got := append(names(t, s, Inbox, "cur"), names(t, s, Inbox, "new")...); len(got) != 0 {
		t.Errorf("after Empty: %v", got)
	}
	if err := s.Empty("Nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Empty(Nope) = %v, want ErrNotFound", err)
	}
}

func TestApplyFlags(t *testing.T) {
	tests := []struct{ flags, add, remove, want string }{
		{"", "", "", ""},
		{"SF", "", "", "FS"}, // unsorted input gets sorted
		{"S", "S", "", "S"},
		{"S", "", "S", ""},
		{"Sab", "T", "", "STab"}, // keywords kept after the upper case letters
		{"S:x,/", "", "", "Sx"},  // separators never survive
	}
	for _, tt := range tests {
		if got := applyFlags(tt.flags, tt.add, tt.remove); got != tt.want {
			t.Errorf("applyFlags(%q, %q, %q) = %q, want %q", tt.flags, tt.add, tt.remove, got, tt.want)
		}
	}
}

// TestMoveNew: MoveNew moves new/ to cur/ with empty info and reports
// the keys it moved itself, and nothing when new/ is empty.
func TestMoveNew(t *testing.T) {
	s, _ := testStore(t)
	put(t, s, Inbox, "new", "k1", "a")
	put(t, s, Inbox, "new", "k2", "b")
	put(t, s, Inbox, "new", ".hidden", "c") // not a message: stays
	moved, raced, err := s.MoveNew(Inbox)
	slices.Sort(moved)
	if err != nil || raced || !slices.Equal(moved, []string{"k1", "k2"}) {
		t.Fatalf("MoveNew = %q, %v, %v, want [k1 k2], false, nil", moved, raced, err)
	}
	for _, n := range []string{"cur/k1:2,", "cur/k2:2,", "new/.hidden"} {
		if _, err := os.Lstat(filepath.Join(s.Root, n)); err != nil {
			t.Errorf("after MoveNew: %v", err)
		}
	}
	moved, raced, err = s.MoveNew(Inbox)
	if err != nil || raced || len(moved) != 0 {
		t.Errorf("MoveNew of an empty new/ = %q, %v, %v, want nothing", moved, raced, err)
	}
}

// TestReports: Flag, Relocate and Remove report what they did to cur/,
// name by key, as the files are after the call.
func TestReports(t *testing.T) {
	s, _ := testStore(t)
	mustCreate(t, s, "Archive")
	put(t, s, Inbox, "cur", "k1:2,S", "one")
	put(t, s, Inbox, "new", "k2", "two")
	put(t, s, Inbox, "cur", "k3:2,", "three")
	put(t, s, "Archive", "cur", "k3:2,S", "other three") // key clash
	names, err := s.Flag(Inbox, []string{"k1", "k2", "nope"}, "F", "")
	if want := map[string]string{"k1": "k1:2,FS", "k2": "k2:2,F"}; !errors.Is(err, ErrNotFound) || !reflect.DeepEqual(names, want) {
		t.Errorf("Flag = %v, %v, want %v and ErrNotFound", names, err, want)
	}
	names, err = s.Flag(Inbox, []string{"k1"}, "S", "") // no rename: the name as it is
	if want := map[string]string{"k1": "k1:2,FS"}; err != nil || !reflect.DeepEqual(names, want) {
		t.Errorf("Flag of a set flag = %v, %v, want %v", names, err, want)
	}
	out, in, err := s.Relocate(Inbox, []string{"k1", "k3"}, "Archive")
	if err != nil || !reflect.DeepEqual(out, map[string]string{"k1": "", "k3": ""}) || len(in) != 2 || in["k1"] != "k1:2,FS" {
		t.Fatalf("Relocate = %v, %v, %v", out, in, err)
	}
	for k, n := range in {
		if k != "k1" && (k == "k3" || n != k+":2,") {
			t.Errorf("Relocate gave the clashing k3 the name %q under key %q, want a fresh key", n, k)
		}
		if _, err := os.Lstat(filepath.Join(s.Root, ".Archive", "cur", n)); err != nil {
			t.Errorf("Relocate reported %q: %v", n, err)
		}
	}
	gone, err := s.Remove(Inbox, []string{"k2"})
	if err != nil || !reflect.DeepEqual(gone, map[string]string{"k2": ""}) {
		t.Errorf("Remove = %v, %v, want k2 gone", gone, err)
	}
}

// TestResolveMany: more than two keys are found under their common names
// or, for the rest, by reading the folder once; a missing key is reported
// and the others are still found.
func TestResolveMany(t *testing.T) {
	s, _ := testStore(t)
	put(t, s, Inbox, "cur", "k1:2,S", "one")
	put(t, s, Inbox, "cur", "k2:2,DFRST", "two") // not among the guesses
	put(t, s, Inbox, "new", "k3", "three")
	put(t, s, Inbox, "cur", "k4:2,", "four")
	msgs, err := resolve(Inbox, s.Root, []string{"k1", "k2", "k3", "k4", "nope", "k1"})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("resolve error = %v, want ErrNotFound for nope", err)
	}
	got := map[string]string{}
	for _, m := range msgs {
		got[m.key] = m.sub + "/" + m.name
	}
	want := map[string]string{"k1": "cur/k1:2,S", "k2": "cur/k2:2,DFRST", "k3": "new/k3", "k4": "cur/k4:2,"}
	if !reflect.DeepEqual(got, want) || len(msgs) != 4 {
		t.Errorf("resolve = %v, want %v", got, want)
	}
}

// flagErr, moveErr and removeErr are Flag, Relocate and Remove for the tests
// that look only at the error.
func flagErr(s *Store, folder string, keys []string, add, remove string) error {
	_, err := s.Flag(folder, keys, add, remove)
	return err
}

func moveErr(s *Store, src string, keys []string, dst string) error {
	_, _, err := s.Relocate(src, keys, dst)
	return err
}

func removeErr(s *Store, folder string, keys []string) error {
	_, err := s.Remove(folder, keys)
	return err
}
