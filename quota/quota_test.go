package quota

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"postern/internal/testenv"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Usage
		ok   bool
	}{
		{"1000000S,1000C\n5000 2\n300 1\n-300 -1\n", Usage{Bytes: 5000, Count: 2, MaxBytes: 1000000, MaxCount: 1000}, true},
		{"2000S\n1900 3\n", Usage{Bytes: 1900, Count: 3, MaxBytes: 2000}, true},
		// no limit: no quota
		{"0S,0C\n10 1\n", Usage{Bytes: 10, Count: 1}, false},
		{"", Usage{}, false},
		// garbage lines are skipped, not fatal
		{"100S\nx y\n1 2 3\n50 1\n", Usage{Bytes: 50, Count: 1, MaxBytes: 100}, true},
		// more deleted than counted: never below zero
		{"100S\n-50 -1\n", Usage{MaxBytes: 100}, true},
	}
	for _, tt := range tests {
		got, ok, err := Parse(strings.NewReader(tt.in))
		if err != nil || got != tt.want || ok != tt.ok {
			t.Errorf("Parse(%q) = %+v, %v, %v; want %+v, %v", tt.in, got, ok, err, tt.want, tt.ok)
		}
	}
	if _, _, err := Parse(strings.NewReader("-5S\n")); err == nil {
		t.Error("Parse(negative limit) = nil error")
	}
}

func TestUsage(t *testing.T) {
	u := Usage{Bytes: 900, Count: 1, MaxBytes: 1000, MaxCount: 10}
	if p := u.Percent(); p != 90 {
		t.Errorf("Percent() = %d, want 90", p)
	}
	if !u.Fits(100) || u.Fits(101) {
		t.Errorf("Fits(100), Fits(101) = %v, %v; want true, false", u.Fits(100), u.Fits(101))
	}
	if (Usage{Count: 10, MaxCount: 10}).Fits(1) {
		t.Error("Fits past the message limit")
	}
}

func TestCheckAdd(t *testing.T) {
	dir := t.TempDir()
	if err := Check(dir, 1<<40); err != nil {
		t.Errorf("Check(no maildirsize) = %v", err)
	}
	if err := Add(dir, 10, 1); err != nil {
		t.Errorf("Add(no maildirsize) = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, File)); err == nil {
		t.Error("Add made a maildirsize")
	}
	os.WriteFile(filepath.Join(dir, File), []byte("1000S\n900 1\n"), 0o600)
	if err := Add(dir, 50, 1); err != nil {
		t.Fatal(err)
	}
	u, ok := Read(dir)
	if !ok || u.Bytes != 950 || u.Count != 2 {
		t.Errorf("Read after Add = %+v, %v", u, ok)
	}
	Add(dir, -100, -1)
	Add(dir, 100, 1)
	if err := Check(dir, 51); !errors.Is(err, ErrOver) {
		t.Errorf("Check(51) = %v, want ErrOver", err)
	}
	if err := Check(dir, 50); err != nil {
		t.Errorf("Check(50) = %v", err)
	}
}

// TestMaildirmake reads what maildrop's maildirmake -q writes.
func TestMaildirmake(t *testing.T) {
	bin := "/usr/bin/maildirmake"
	if _, err := os.Stat(bin); err != nil {
		testenv.Lacking(t, "maildirmake (Debian maildrop)")
	}
	dir := filepath.Join(t.TempDir(), "Maildir")
	if out, err := exec.Command(bin, dir).CombinedOutput(); err != nil {
		t.Fatalf("maildirmake: %v %s", err, out)
	}
	if out, err := exec.Command(bin, "-q", "5000000S,500C", dir).CombinedOutput(); err != nil {
		t.Fatalf("maildirmake -q: %v %s", err, out)
	}
	u, ok := Read(dir)
	if !ok || u.MaxBytes != 5000000 || u.MaxCount != 500 {
		data, _ := os.ReadFile(filepath.Join(dir, File))
		t.Errorf("Read(maildirmake -q) = %+v, %v; file:\n%s", u, ok, data)
	}
}
