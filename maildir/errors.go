package maildir

import (
	"errors"
	"fmt"
)

// Errors callers branch on; all errors returned by this package that stand
// for one of these conditions wrap it (test with errors.Is).
var (
	// ErrNotFound: the folder or message does not exist.
	ErrNotFound = errors.New("maildir: not found")
	// ErrExists: the folder to create (or rename to) already exists.
	ErrExists = errors.New("maildir: already exists")
	// ErrInvalid: a folder name, key or flag letter is not acceptable.
	ErrInvalid = errors.New("maildir: invalid name")
	// ErrRefused: the operation is not allowed on this folder (INBOX, the
	// trash, a folder with subfolders).
	ErrRefused = errors.New("maildir: operation refused")
)

// NotFoundError reports a missing folder (Key empty) or message. It matches
// ErrNotFound with errors.Is.
type NotFoundError struct {
	Folder string
	Key    string
}

func (e *NotFoundError) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("maildir: folder %q not found", e.Folder)
	}
	return fmt.Sprintf("maildir: message %q not found in folder %q", e.Key, e.Folder)
}

// Is reports whether target is ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

func invalidf(format string, args ...any) error {
	return fmt.Errorf("maildir: "+format+": %w", append(args, ErrInvalid)...)
}

func refusedf(format string, args ...any) error {
	return fmt.Errorf("maildir: "+format+": %w", append(args, ErrRefused)...)
}
