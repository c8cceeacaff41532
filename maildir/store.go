package maildir

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// DefaultTrash is the display name of the trash when Store.Trash is empty.
const DefaultTrash = "Trash"

// Store is one user's Maildir++ root (the directory holding cur/ new/ tmp/).
type Store struct {
	Root string
	// Summarize extracts what the message list shows from a message file's
	// bytes (at most MaxSummarizeBytes of them); set by the caller (the
	// message package). Must not be nil for List.
	Summarize func(r io.Reader) Summary
	Trash     string // display name of the trash folder, default "Trash"
}

// Summary is what the message list shows of one message.
type Summary struct {
	Date          time.Time
	From, Subject string // decoded, UTF-8
	HasAttachment bool
	Malformed     bool // message could not be parsed well
}

// Open returns the Store rooted at root, which must be a directory with a
// cur/ subdirectory; missing new/ and tmp/ are created (mode 700).
func Open(root string) (*Store, error) {
	root = filepath.Clean(root)
	fi, err := os.Stat(filepath.Join(root, "cur"))
	if err != nil {
		return nil, fmt.Errorf("maildir: open %s: %w", root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("maildir: open %s: cur is not a directory", root)
	}
	for _, sub := range []string{"new", "tmp"} {
		if err := os.Mkdir(filepath.Join(root, sub), 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("maildir: open %s: %w", root, err)
		}
	}
	return &Store{Root: root}, nil
}

// TrashFolder returns the display name of the trash.
func (s *Store) TrashFolder() string {
	if s.Trash == "" {
		return DefaultTrash
	}
	return s.Trash
}

// Exists reports whether folder (a display name or INBOX) is a valid name
// naming an existing, selectable folder.
func (s *Store) Exists(folder string) bool {
	dir, err := s.folderDir(folder)
	if err != nil {
		return false
	}
	return isDir(filepath.Join(dir, "cur"))
}

// existingDir is folderDir plus a check that the folder exists.
func (s *Store) existingDir(folder string) (string, error) {
	dir, err := s.folderDir(folder)
	if err != nil {
		return "", err
	}
	if !isDir(filepath.Join(dir, "cur")) {
		return "", &NotFoundError{Folder: folder}
	}
	return dir, nil
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// readNames returns the names in dir that do not start with '.'.
func readNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	out := names[:0]
	for _, n := range names {
		if n != "" && n[0] != '.' {
			out = append(out, n)
		}
	}
	return out, nil
}

// syncDir fsyncs a directory so that renames into or out of it survive a
// crash.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("maildir: sync %s: %w", dir, err)
	}
	return nil
}
