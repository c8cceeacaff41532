package maildir

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Deliver writes a new message, read from r, into folder (a display name
// or INBOX, which must exist) with the given flag letters (of
// FlagLetters, e.g. "S" or "DS") and returns its key.
//
// The message is written the way Maildir requires a delivery: to a new
// file in tmp/ under a fresh unique key (O_EXCL, mode 600), fsynced, then
// renamed into cur/ as "key:2,flags" and the directory fsynced, so that
// the message is either whole in cur/ or absent. On any error the tmp/
// file is removed and nothing appears in the folder.
func (s *Store) Deliver(folder string, r io.Reader, flags string) (key string, err error) {
	for _, c := range flags {
		if !strings.ContainsRune(FlagLetters, c) {
			return "", invalidf("deliver: flag %q is not one of %s", c, FlagLetters)
		}
	}
	dir, err := s.existingDir(folder)
	if err != nil {
		return "", err
	}
	if key, err = newKey(); err != nil {
		return "", err
	}
	tmp := filepath.Join(dir, "tmp", key)
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("maildir: deliver: %w", err)
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = io.Copy(out, r); err != nil {
		return "", fmt.Errorf("maildir: deliver: %w", err)
	}
	if err = out.Sync(); err != nil {
		return "", fmt.Errorf("maildir: deliver: %w", err)
	}
	if err = out.Close(); err != nil {
		return "", fmt.Errorf("maildir: deliver: %w", err)
	}
	if err = os.Rename(tmp, filepath.Join(dir, "cur", curName(key, applyFlags("", flags, "")))); err != nil {
		return "", fmt.Errorf("maildir: deliver: %w", err)
	}
	if err = syncDir(filepath.Join(dir, "cur")); err != nil {
		return "", err
	}
	return key, nil
}

// DeliveredName is the name in cur/ of the message Deliver wrote under key
// with flags, for a caller that keeps its own view of cur/ (the search
// index).
func DeliveredName(key, flags string) string {
	return curName(key, applyFlags("", flags, ""))
}
