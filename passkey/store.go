package passkey

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
	"unicode/utf8"

	"postern/internal/lockfile"
	"postern/internal/privfile"
)

// Limits of the credentials file.
const (
	MaxFileBytes   = 64 << 10 // a longer file is refused
	MaxCredentials = 16       // per user
	MaxNameBytes   = 64       // a credential's name, UTF-8
	MaxIDBytes     = 1023     // a credential id (WebAuthn §5.8.3 caps it there)
	MaxKeyBytes    = 2048     // a COSE public key
)

// Errors; test with errors.Is.
var (
	ErrNoCredential = errors.New("passkey: no such credential")
	ErrTooMany      = errors.New("passkey: too many credentials")
	ErrDuplicate    = errors.New("passkey: credential already registered")
	ErrBadName      = errors.New("passkey: bad name")
	ErrCorrupt      = errors.New("passkey: corrupt credentials file")
)

// Credential is one registered passkey or security key.
type Credential struct {
	Name     string    `json:"name"`
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"last_used,omitzero"`
	Cloned   time.Time `json:"cloned,omitzero"` // when its counter went backwards
	Key      Key       `json:"key"`
}

// SignCount is the last signature counter seen.
func (c *Credential) SignCount() uint32 { return c.Key.SignCount }

// UserVerified reports whether the authenticator verified its user (PIN,
// biometric) at registration or at a later use.
func (c *Credential) UserVerified() bool { return c.Key.Flags.UserVerified }

// Backup reports whether the credential may be synced (backup eligible)
// and whether it is (backed up).
func (c *Credential) Backup() (eligible, state bool) {
	return c.Key.Flags.BackupEligible, c.Key.Flags.BackupState
}

// Transports are the ways the browser said it can reach the authenticator.
func (c *Credential) Transports() []string {
	return append([]string(nil), c.Key.Transport...)
}

// file is the JSON file.
type file struct {
	Version     int          `json:"version"`
	Credentials []Credential `json:"credentials"`
}

// Parse reads a credentials file. Anything outside the limits, or not
// this file's shape, is ErrCorrupt.
func Parse(data []byte) ([]Credential, error) {
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrCorrupt, MaxFileBytes)
	}
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the object", ErrCorrupt)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("%w: version %d", ErrCorrupt, f.Version)
	}
	if len(f.Credentials) > MaxCredentials {
		return nil, fmt.Errorf("%w: %d credentials", ErrCorrupt, len(f.Credentials))
	}
	seen := map[string]bool{}
	for i := range f.Credentials {
		c := &f.Credentials[i]
		switch {
		case CheckName(c.Name) != nil:
			return nil, fmt.Errorf("%w: credential %d: bad name", ErrCorrupt, i)
		case len(c.Key.ID) == 0 || len(c.Key.ID) > MaxIDBytes:
			return nil, fmt.Errorf("%w: credential %d: id of %d bytes", ErrCorrupt, i, len(c.Key.ID))
		case len(c.Key.PublicKey) == 0 || len(c.Key.PublicKey) > MaxKeyBytes:
			return nil, fmt.Errorf("%w: credential %d: public key of %d bytes", ErrCorrupt, i, len(c.Key.PublicKey))
		case seen[string(c.Key.ID)]:
			return nil, fmt.Errorf("%w: credential %d: id twice", ErrCorrupt, i)
		}
		seen[string(c.Key.ID)] = true
	}
	return f.Credentials, nil
}

// Format is the file of creds, as Parse reads it.
func Format(creds []Credential) ([]byte, error) {
	if creds == nil {
		creds = []Credential{}
	}
	return json.Marshal(file{Version: 1, Credentials: creds})
}

// CheckName refuses an empty name, a name longer than MaxNameBytes, one
// that is not UTF-8 or that holds a control character.
func CheckName(name string) error {
	if name == "" || len(name) > MaxNameBytes || !utf8.ValidString(name) {
		return ErrBadName
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ErrBadName
		}
	}
	return nil
}

// Store is the credentials file of one user.
type Store struct {
	Path string           // e.g. <Maildir>/postern/passkeys
	Now  func() time.Time // nil: time.Now
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// List returns the user's credentials; none when the file is missing.
func (s *Store) List() ([]Credential, error) {
	data, err := privfile.Read(s.Path, MaxFileBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if errors.Is(err, privfile.ErrTooLarge) {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrCorrupt, MaxFileBytes)
	}
	if err != nil {
		return nil, fmt.Errorf("passkey: %w", err)
	}
	return Parse(data)
}

// Add stores a new credential named name.
func (s *Store) Add(name string, key Key) error {
	if err := CheckName(name); err != nil {
		return err
	}
	return s.update(func(cs []Credential) ([]Credential, error) {
		if len(cs) >= MaxCredentials {
			return nil, ErrTooMany
		}
		for _, c := range cs {
			if bytes.Equal(c.Key.ID, key.ID) {
				return nil, ErrDuplicate
			}
		}
		return append(cs, Credential{Name: name, Created: s.now().UTC().Truncate(time.Second), Key: key}), nil
	})
}

// Remove deletes the credential with id.
func (s *Store) Remove(id []byte) error {
	return s.update(func(cs []Credential) ([]Credential, error) {
		for i, c := range cs {
			if bytes.Equal(c.Key.ID, id) {
				return append(cs[:i], cs[i+1:]...), nil
			}
		}
		return nil, ErrNoCredential
	})
}

// used records a successful assertion: the record the helper returned
// (the stored one with the new counter and flags), and the time.
func (s *Store) used(key Key) error {
	return s.update(func(cs []Credential) ([]Credential, error) {
		for i := range cs {
			if bytes.Equal(cs[i].Key.ID, key.ID) {
				cs[i].Key = key
				cs[i].LastUsed = s.now().UTC().Truncate(time.Second)
				return cs, nil
			}
		}
		return nil, ErrNoCredential
	})
}

// markCloned records that the credential's counter went backwards.
func (s *Store) markCloned(id []byte) error {
	return s.update(func(cs []Credential) ([]Credential, error) {
		for i := range cs {
			if bytes.Equal(cs[i].Key.ID, id) {
				if cs[i].Cloned.IsZero() {
					cs[i].Cloned = s.now().UTC().Truncate(time.Second)
				}
				return cs, nil
			}
		}
		return nil, ErrNoCredential
	})
}

// update reads, changes and replaces the file under its lock. A corrupt
// file is left as it is.
func (s *Store) update(change func([]Credential) ([]Credential, error)) error {
	unlock, err := lockfile.MakeAndLock(s.Path + ".lock")
	if err != nil {
		return fmt.Errorf("passkey: %w", err)
	}
	defer unlock()
	cs, err := s.List()
	if err != nil {
		return err
	}
	cs, err = change(cs)
	if err != nil {
		return err
	}
	data, err := Format(cs)
	if err != nil {
		return fmt.Errorf("passkey: %w", err)
	}
	if len(cs) == 0 {
		if err := os.Remove(s.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("passkey: %w", err)
		}
		return nil
	}
	if err := privfile.WriteAtomic(s.Path, data); err != nil {
		return fmt.Errorf("passkey: %w", err)
	}
	return nil
}
