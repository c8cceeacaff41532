package maildir

import (
	"fmt"
	"os"
	"path/filepath"
)

// FolderDir returns the directory of an existing folder (a display name or
// INBOX): the root or one direct child of it. Callers that keep their own
// view of the store (the search index) read cur/ and new/ under it.
func (s *Store) FolderDir(folder string) (string, error) {
	return s.existingDir(folder)
}

// MoveNew moves every message of the folder's new/ to cur/ with empty info,
// as a Maildir reader must, and reports the keys it moved. Messages another
// process moved or removed first are skipped and reported by raced: cur/
// may then hold a file this call did not put there (a caller that keeps
// its own view of cur/, the search index, reads it again).
func (s *Store) MoveNew(folder string) (moved []string, raced bool, err error) {
	dir, err := s.existingDir(folder)
	if err != nil {
		return nil, false, err
	}
	moved, raced, err = moveNew(dir)
	if err != nil {
		return moved, raced, fmt.Errorf("maildir: move new %q: %w", folder, err)
	}
	return moved, raced, nil
}

// FolderNames returns INBOX and the display names of the other selectable
// folders, unsorted, without reading their messages (Folders counts them).
func (s *Store) FolderNames() ([]string, error) {
	out := []string{Inbox}
	dots, err := dotNames(s.Root)
	if err != nil {
		return nil, fmt.Errorf("maildir: folders: %w", err)
	}
	for _, n := range dots {
		name, ok := decodeFolder(n)
		if ok && isDir(filepath.Join(s.Root, n, "cur")) {
			out = append(out, name)
		}
	}
	return out, nil
}

// dotNames returns the names in dir that start with '.' (Maildir++ folders).
func dotNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	all, err := f.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, n := range all {
		if len(n) > 1 && n[0] == '.' && n != ".." {
			out = append(out, n)
		}
	}
	return out, nil
}
