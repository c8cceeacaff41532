package loginlog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"postern/internal/privfile"
)

// maxNoticeBytes bounds the notice file.
const maxNoticeBytes = 1024

// SaveNotice keeps text for the next page of the session sid, replacing
// any notice of another login.
func SaveNotice(path, sid, text string) error {
	if strings.ContainsAny(sid, "\n") || len(sid)+len(text) >= maxNoticeBytes {
		return errors.New("loginlog: notice too long")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("loginlog: %w", err)
	}
	if err := privfile.WriteAtomic(path, []byte(sid+"\n"+text)); err != nil {
		return fmt.Errorf("loginlog: %w", err)
	}
	return nil
}

// TakeNotice returns the notice of the session sid and removes it; ok is
// false when there is none for sid (a notice of another session stays).
func TakeNotice(path, sid string) (text string, ok bool, err error) {
	b, err := privfile.Read(path, maxNoticeBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		os.Remove(path)
		return "", false, fmt.Errorf("loginlog: %w", err)
	}
	owner, text, _ := strings.Cut(string(b), "\n")
	if owner != sid || sid == "" {
		return "", false, nil
	}
	// The removal makes it once: of two pages that read it at once, only
	// one removes it.
	if err := os.Remove(path); errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	} else if err != nil {
		return "", false, fmt.Errorf("loginlog: %w", err)
	}
	return text, true, nil
}
