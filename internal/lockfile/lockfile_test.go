package lockfile

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestExclusive: while one holder has the lock, a second Lock waits.
func TestExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	unlock, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	released := false
	done := make(chan bool)
	go func() {
		u2, err := Lock(path)
		if err != nil {
			t.Error(err)
			done <- false
			return
		}
		mu.Lock()
		ok := released
		mu.Unlock()
		u2()
		done <- ok
	}()
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	released = true
	mu.Unlock()
	unlock()
	if !<-done {
		t.Errorf("Lock returned while another holder had the lock")
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("lock file mode = %v, %v; want 0600", fi.Mode(), err)
	}
}

func TestRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	os.WriteFile(target, nil, 0o600)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(link); err == nil {
		t.Errorf("Lock(symlink) = nil error, want a refusal")
	}
}

// TestMakeAndLock: the missing directory is made, mode 700, and locked
// in; an existing one is left as it is.
func TestMakeAndLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "postern")
	unlock, err := MakeAndLock(filepath.Join(dir, "x.lock"))
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("directory %v, %v: want mode 700", fi, err)
	}
	unlock, err = MakeAndLock(filepath.Join(dir, "x.lock"))
	if err != nil {
		t.Fatalf("second MakeAndLock: %v", err)
	}
	unlock()
}
