package compose

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// NewToken returns a new idempotency token for a compose form: 128
// random bits (crypto/rand) in 32 lower-case hex digits.
func NewToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", errors.New("compose: no randomness for a token")
	}
	return hex.EncodeToString(b[:]), nil
}

// ValidToken reports whether t has the form NewToken gives.
func ValidToken(t string) bool {
	if len(t) != 32 {
		return false
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Tokens records the compose forms already sent, one empty file per
// token in Dir (created mode 700 when missing), e.g.
// <Maildir>/postern/sent.
type Tokens struct {
	Dir string
}

// MarkSent records token as sent. first is true for exactly one call per
// token, across processes (the file is created with O_EXCL): only that
// caller may send. A caller whose send then fails calls Release so that
// the user can try again.
func (t Tokens) MarkSent(token string) (first bool, err error) {
	if !ValidToken(token) {
		return false, fmt.Errorf("compose: bad form token %q", token)
	}
	if err := os.MkdirAll(t.Dir, 0o700); err != nil {
		return false, fmt.Errorf("compose: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(t.Dir, token), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("compose: %w", err)
	}
	return true, f.Close()
}

// Release forgets token, after a failed send.
func (t Tokens) Release(token string) error {
	if !ValidToken(token) {
		return fmt.Errorf("compose: bad form token %q", token)
	}
	err := os.Remove(filepath.Join(t.Dir, token))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("compose: %w", err)
	}
	return nil
}

// Prune removes the records older than age; a form older than that can
// then be sent again. Errors on single files are joined, not fatal.
func (t Tokens) Prune(now time.Time, age time.Duration) error {
	entries, err := os.ReadDir(t.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("compose: %w", err)
	}
	var errs []error
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !ValidToken(e.Name()) || now.Sub(info.ModTime()) < age {
			continue
		}
		if err := os.Remove(filepath.Join(t.Dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("compose: %w", err))
		}
	}
	return errors.Join(errs...)
}
