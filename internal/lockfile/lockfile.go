// Package lockfile takes exclusive advisory locks (flock(2)) on lock files,
// so that the CGI processes of one user (or, for the guard, of all users)
// never update the same state at once.
package lockfile

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Lock opens (creating, mode 600, never through a symbolic link) the lock
// file at path and takes an exclusive flock on it, waiting for other
// holders. The returned function releases the lock.
func Lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lockfile: %w", err)
	}
	if err := Flock(f, syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// MakeAndLock is Lock after creating the lock file's directory (mode
// 700) when it is missing: the per-user stores under the Maildir's
// postern/, whose first write may come before anything made it.
func MakeAndLock(path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("lockfile: %w", err)
	}
	return Lock(path)
}

// Flock applies flock(2) operation how to f, retrying when a signal
// interrupts the wait.
func Flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("lockfile: flock: %w", err)
		}
		return nil
	}
}
