package contacts

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/emersion/go-vcard"

	"postern/internal/lockfile"
	"postern/internal/privfile"
)

// BookFile and CollectedFile are the files of a Store, in its directory.
const (
	BookFile      = "contacts.vcf"
	CollectedFile = "collected.json"
)

// Store is the address book of one user, in Dir (postern/ in the
// Maildir). Dir is created, mode 700, by the first write.
type Store struct {
	Dir string
}

func (s Store) path(name string) string { return filepath.Join(s.Dir, name) }

// Load reads the book; a missing file is an empty book. It takes no
// lock: the file is only ever replaced whole.
func (s Store) Load() (*Book, error) {
	data, err := privfile.Read(s.path(BookFile), MaxBookBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return &Book{}, nil
	}
	if errors.Is(err, privfile.ErrTooLarge) {
		return nil, &LimitError{What: "address book file", Max: MaxBookBytes}
	}
	if err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	return ParseBook(bytes.NewReader(data))
}

// ParseBook reads a book file. The cards it cannot show are kept as
// they are, to be written back; a card without a UID gets one derived
// from its content and place, the same at every read until written.
func ParseBook(r io.Reader) (*Book, error) {
	b := &Book{}
	uids := map[string]bool{}
	dec := vcard.NewDecoder(r)
	for i := 0; ; i++ {
		card, err := dec.Decode()
		if err == io.EOF {
			break
		}
		if card == nil || err != nil {
			continue // not a card: nothing to keep
		}
		c, why := fromCard(card, func(string) {})
		if why != "" {
			if card.Get(vcard.FieldVersion) == nil {
				card.SetValue(vcard.FieldVersion, "4.0")
			}
			b.foreign = append(b.foreign, card)
			continue
		}
		if c.UID == "" || uids[c.UID] {
			var buf bytes.Buffer
			vcard.NewEncoder(&buf).Encode(c.card())
			sum := sha256.Sum256(fmt.Appendf(buf.Bytes(), "\x00%d", i))
			c.UID = "urn:postern:" + hex.EncodeToString(sum[:12])
		}
		uids[c.UID] = true
		b.Contacts = append(b.Contacts, c)
	}
	return b, nil
}

// Bytes is the book file of b: its contacts, then the cards kept as
// they were.
func (b *Book) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := WriteVCard(&buf, b.Contacts); err != nil {
		return nil, err
	}
	enc := vcard.NewEncoder(&buf)
	for _, c := range b.foreign {
		if err := enc.Encode(c); err != nil {
			return nil, fmt.Errorf("contacts: %w", err)
		}
	}
	return buf.Bytes(), nil
}

// Update changes the book under the lock: it reads the book, calls fn
// and, when fn returns nil, writes the book atomically. An error of fn
// or a book over a limit leaves the file as it was.
func (s Store) Update(fn func(*Book) error) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	b, err := s.Load()
	if err != nil {
		return err
	}
	if err := fn(b); err != nil {
		return err
	}
	if b.Len() > MaxContacts {
		return &LimitError{What: "contacts", Max: MaxContacts}
	}
	data, err := b.Bytes()
	if err != nil {
		return err
	}
	if len(data) > MaxBookBytes {
		return &LimitError{What: "address book file", Max: MaxBookBytes}
	}
	if err := s.write(BookFile, data); err != nil {
		return err
	}
	s.writeIndex(b) // a stale index is rebuilt by LoadIndex
	return nil
}

// lock takes the store's lock, creating the directory when missing.
func (s Store) lock() (func(), error) {
	return lockfile.MakeAndLock(s.path(BookFile + ".lock"))
}

func (s Store) write(name string, data []byte) error {
	if err := privfile.WriteAtomic(s.path(name), data); err != nil {
		return fmt.Errorf("contacts: %w", err)
	}
	return nil
}
