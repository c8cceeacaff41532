package session

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// staleTmp is the age after which a leftover temporary file (from a
// process that died while writing) is removed. It is measured with the
// real clock, like the file's modification time, not Store.Now.
const staleTmp = time.Minute

// List returns the live sessions in Dir, oldest login first, and removes
// what it finds expired, corrupt or left over. A Dir that does not exist
// holds no sessions. One unreadable file does not hide the others: their
// errors are joined.
func (s *Store) List() ([]Session, error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	now := s.now()
	var out []Session
	var errs []error
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, tmpPrefix):
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleTmp {
				errs = append(errs, s.remove(name))
			}
		case isHex(name, IDLen):
			r, err := s.read(name)
			switch {
			case errors.Is(err, errCorrupt):
				errs = append(errs, s.remove(name))
				continue
			case errors.Is(err, ErrNoSession):
				continue // removed meanwhile
			case err != nil:
				errs = append(errs, err)
				continue
			}
			if s.expired(r, now) != nil {
				errs = append(errs, s.remove(name))
				continue
			}
			out = append(out, *r.session(name))
		}
	}
	slices.SortFunc(out, func(a, b Session) int { return a.Created.Compare(b.Created) })
	return out, errors.Join(errs...)
}

// GC removes expired sessions. It is List without the result.
func (s *Store) GC() error {
	_, err := s.List()
	return err
}

// remove deletes name from Dir under the lock.
func (s *Store) remove(name string) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := os.Remove(filepath.Join(s.Dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("session: %w", err)
	}
	return nil
}
