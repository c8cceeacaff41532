// Package privfile reads and replaces the small private state files
// postern keeps in a user's Maildir (sessions, second factor,
// preferences): never through a symbolic link, never blocking on a FIFO,
// within a size limit, and replaced atomically with mode 600. EnsureDir
// makes and checks the private directories of root's state (the guard's
// counters, the account cache). It imports only the standard library.
package privfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// ErrTooLarge is returned by Read for a file longer than its limit.
var ErrTooLarge = errors.New("privfile: file too large")

// Read returns the content of path, at most max bytes; a longer file is
// ErrTooLarge. A missing file gives an error satisfying
// errors.Is(err, fs.ErrNotExist).
func Read(path string, max int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: %w", path, ErrTooLarge)
	}
	return data, nil
}

// WriteAtomic replaces path with data: a mode-600 temporary file in the
// same directory, written, synced and renamed over path, so that readers
// see the old content or the new, never a part.
func WriteAtomic(path string, data []byte) error { return writeAtomic(path, data, true) }

// WriteAtomicNoSync is WriteAtomic without the sync, for a file that may
// be lost (found empty or old) after a crash but must not cost a login a
// disk flush: readers still see the old content or the new.
func WriteAtomicNoSync(path string, data []byte) error { return writeAtomic(path, data, false) }

func writeAtomic(path string, data []byte, sync bool) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after the rename: a harmless ENOENT
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// EnsureDir creates dir (absolute) with mode 700 when missing, then
// checks it with CheckDir. Errors start with what, the caller's name.
func EnsureDir(what, dir string) error {
	if dir == "" || !filepath.IsAbs(dir) {
		return fmt.Errorf("%s: directory %q is not an absolute path", what, dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return CheckDir(what, dir)
}

// CheckDir refuses a directory that is a symbolic link, not owned by the
// effective user, or open to others.
func CheckDir(what, dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(st.Uid) != os.Geteuid() || fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s: %s must be a directory owned by uid %d with mode 700 (is %v)", what, dir, os.Geteuid(), fi.Mode())
	}
	return nil
}
