package identity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"postern/internal/lockfile"
	"postern/internal/privfile"
)

// File is the identities file in a Store's directory.
const File = "identities"

// version is the file format's version.
const version = 1

// CorruptError is a file that Parse cannot read.
type CorruptError struct{ Reason string }

func (e *CorruptError) Error() string { return "identity: the identities file is damaged: " + e.Reason }

// fileFormat is the JSON of File.
type fileFormat struct {
	Version    int        `json:"version"`
	Identities []Identity `json:"identities"`
}

// Parse reads an identities file. Every identity must pass Clean (and
// is put in its stored form: a file edited by hand may write a Reply-To
// its own way), with a distinct address, at most one default and at most
// MaxIdentities of them; anything else is a *CorruptError. The policy is
// not checked here (see Resolve).
func Parse(r io.Reader) (*Set, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	if len(data) > MaxFileBytes {
		return nil, &CorruptError{Reason: fmt.Sprintf("larger than %d bytes", MaxFileBytes)}
	}
	var f fileFormat
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return nil, &CorruptError{Reason: err.Error()}
	}
	if dec.More() {
		return nil, &CorruptError{Reason: "data after the end"}
	}
	if f.Version != version {
		return nil, &CorruptError{Reason: fmt.Sprintf("version %d, want %d", f.Version, version)}
	}
	if len(f.Identities) > MaxIdentities {
		return nil, &CorruptError{Reason: fmt.Sprintf("more than %d identities", MaxIdentities)}
	}
	s := &Set{}
	defaults := 0
	for i, id := range f.Identities {
		if err := id.Clean(); err != nil {
			return nil, &CorruptError{Reason: fmt.Sprintf("identity %d: %v", i+1, err)}
		}
		if s.find(id.Address) >= 0 {
			return nil, &CorruptError{Reason: fmt.Sprintf("identity %d: %s twice", i+1, id.Address)}
		}
		if id.Default {
			defaults++
		}
		s.Identities = append(s.Identities, id)
	}
	if defaults > 1 {
		return nil, &CorruptError{Reason: "more than one default"}
	}
	return s, nil
}

// Bytes is the file of s.
func (s *Set) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	ids := s.Identities
	if ids == nil {
		ids = []Identity{}
	}
	if err := enc.Encode(fileFormat{Version: version, Identities: ids}); err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	if buf.Len() > MaxFileBytes {
		return nil, &LimitError{What: "bytes in the identities file", Max: MaxFileBytes}
	}
	return buf.Bytes(), nil
}

// Store is the identities of one user, in Dir (postern/ in the Maildir).
// Dir is created, mode 700, by the first write.
type Store struct {
	Dir string
}

func (s Store) path() string { return filepath.Join(s.Dir, File) }

// Load reads the identities; a missing file is an empty Set. It takes no
// lock: the file is only ever replaced whole.
func (s Store) Load() (*Set, error) {
	data, err := privfile.Read(s.path(), MaxFileBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return &Set{}, nil
	}
	if errors.Is(err, privfile.ErrTooLarge) {
		return nil, &CorruptError{Reason: fmt.Sprintf("larger than %d bytes", MaxFileBytes)}
	}
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	return Parse(bytes.NewReader(data))
}

// Update changes the identities under the lock: it reads them, calls fn
// and, when fn returns nil, writes them atomically. An error of fn, a
// file that cannot be read or a set over a limit leaves the file as it
// was.
func (s Store) Update(fn func(*Set) error) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	set, err := s.Load()
	if err != nil {
		return err
	}
	if err := fn(set); err != nil {
		return err
	}
	data, err := set.Bytes()
	if err != nil {
		return err
	}
	if err := privfile.WriteAtomic(s.path(), data); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	return nil
}

// SetAside renames a damaged file to File + ".damaged-" and the time, so
// that the user can start again without losing it; it returns the new
// name. A file that reads well is left alone.
func (s Store) SetAside(now time.Time) (string, error) {
	unlock, err := s.lock()
	if err != nil {
		return "", err
	}
	defer unlock()
	var ce *CorruptError
	if _, err := s.Load(); !errors.As(err, &ce) {
		return "", errors.New("identity: the identities file is not damaged")
	}
	name := s.path() + ".damaged-" + now.UTC().Format("20060102T150405Z")
	if err := os.Rename(s.path(), name); err != nil {
		return "", fmt.Errorf("identity: %w", err)
	}
	return name, nil
}

func (s Store) lock() (func(), error) {
	return lockfile.MakeAndLock(s.path() + ".lock")
}
