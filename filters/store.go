package filters

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"postern/internal/lockfile"
	"postern/internal/privfile"
)

// File and LockFile are the names of the Set and its lock in
// <Maildir>/postern.
const (
	File     = "filters.json"
	LockFile = "filters.lock"
)

// Parse reads a Set from its JSON form, at most MaxFileBytes, and
// validates it. Unknown fields are refused: the file is postern's own.
func Parse(r io.Reader) (*Set, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("filters: %w", err)
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("filters: %s longer than %d bytes", File, MaxFileBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Set
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("filters: %s: %w", File, err)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// Marshal is the JSON form of s, which Parse reads back.
func (s *Set) Marshal() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("filters: %w", err)
	}
	return append(data, '\n'), nil
}

// Load reads <dir>/filters.json, dir being <Maildir>/postern; a missing
// file is an empty Set.
func Load(dir string) (*Set, error) {
	data, err := privfile.Read(filepath.Join(dir, File), MaxFileBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return &Set{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("filters: %w", err)
	}
	return Parse(bytes.NewReader(data))
}

// Lock takes the lock of dir's Set (creating dir, mode 700), for a
// read-change-write of it with Load and Save.
func Lock(dir string) (unlock func(), err error) {
	return lockfile.MakeAndLock(filepath.Join(dir, LockFile))
}

// Save replaces <dir>/filters.json with s, atomically, mode 600. The
// caller holds Lock.
func Save(dir string, s *Set) error {
	data, err := s.Marshal()
	if err != nil {
		return err
	}
	if err := privfile.WriteAtomic(filepath.Join(dir, File), data); err != nil {
		return fmt.Errorf("filters: %w", err)
	}
	return nil
}
