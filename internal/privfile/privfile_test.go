package privfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWriteRead(t *testing.T) {
	for _, write := range []func(string, []byte) error{WriteAtomic, WriteAtomicNoSync} {
		testWriteRead(t, write)
	}
}

func testWriteRead(t *testing.T, write func(string, []byte) error) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "state")
	if err := write(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := write(p, []byte("two")); err != nil {
		t.Fatal(err)
	}
	got, err := Read(p, 16)
	if err != nil || string(got) != "two" {
		t.Errorf("Read = %q, %v; want two", got, err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("%d files in the directory, want 1 (no temporary left)", len(es))
	}
}

func TestReadRefusals(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, 17), 0o600)
	if _, err := Read(big, 16); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Read(17 bytes, max 16) = %v, want ErrTooLarge", err)
	}
	if _, err := Read(filepath.Join(dir, "none"), 16); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read(missing) = %v, want ErrNotExist", err)
	}
	link := filepath.Join(dir, "link")
	os.Symlink(big, link)
	if _, err := Read(link, 64); err == nil {
		t.Errorf("Read(symlink) = nil error, want a refusal")
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(fifo, 64); err != nil {
		t.Logf("Read(fifo) = %v", err) // must return, not hang
	}
}

func TestEnsureDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	if err := EnsureDir("test", "relative/dir"); err == nil {
		t.Error(`EnsureDir("relative/dir") = nil, want an error`)
	}
	if err := EnsureDir("test", dir); err != nil {
		t.Fatalf("EnsureDir(new) = %v", err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("EnsureDir made %v (%v), want mode 700", fi, err)
	}
	if err := CheckDir("test", dir); err != nil {
		t.Errorf("CheckDir(own 700) = %v", err)
	}
	os.Chmod(dir, 0o750)
	if err := CheckDir("test", dir); err == nil || !strings.HasPrefix(err.Error(), "test: ") {
		t.Errorf("CheckDir(mode 750) = %v, want a test: error", err)
	}
	if err := EnsureDir("test", dir); err == nil {
		t.Error("EnsureDir(existing mode 750) = nil, want an error")
	}
	link := filepath.Join(t.TempDir(), "link")
	os.Chmod(dir, 0o700)
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if err := CheckDir("test", link); err == nil {
		t.Error("CheckDir(symbolic link to a good directory) = nil, want an error")
	}
}
