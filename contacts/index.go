package contacts

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"postern/internal/privfile"
)

// IndexFile is the completion index: the names, nicknames, organisations,
// addresses and groups of the book in a form read in a few milliseconds, where the
// vCard file of 10,000 contacts takes a hundred or more. It is derived:
// Update writes it with the book, and LoadIndex rebuilds it when the
// book it names (by inode, size and modification time) is not the book
// there is (another program changed it).
const IndexFile = "contacts.idx"

const indexMagic = "postern-contacts-index 2"

// Separators of the index: control characters no stored value holds
// (Contact.Check refuses them).
const (
	unitSep   = "\x1f" // between the fields of a contact
	recordSep = "\x1e" // between the items of a field
)

// bookStamp names the book file's version: inode, size, mtime.
func (s Store) bookStamp() string {
	fi, err := os.Stat(s.path(BookFile))
	if err != nil {
		return "none"
	}
	var ino uint64
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		ino = st.Ino
	}
	return fmt.Sprintf("%d %d %d", ino, fi.Size(), fi.ModTime().UnixNano())
}

// indexBytes is the index of b, for the book stamp.
func (b *Book) indexBytes(stamp string) []byte {
	var buf bytes.Buffer
	buf.WriteString(indexMagic + " " + stamp + "\n")
	for i := range b.Contacts {
		c := &b.Contacts[i]
		buf.WriteString(c.UID + unitSep + c.Name + unitSep + c.Nickname + unitSep + c.Org + unitSep)
		for j, e := range c.Emails {
			if j > 0 {
				buf.WriteString(recordSep)
			}
			buf.WriteString(e.Type + " " + e.Address)
		}
		buf.WriteString(unitSep + strings.Join(c.Groups, recordSep) + "\n")
	}
	return buf.Bytes()
}

// writeIndex writes the index of b for the book file now there. Called
// with the lock held; a failure only costs the next LoadIndex time.
func (s Store) writeIndex(b *Book) error {
	return s.write(IndexFile, b.indexBytes(s.bookStamp()))
}

// LoadIndex returns the book for completion and lists: every contact
// with its UID, name, nickname, organisation, addresses and groups only. It reads the index
// when it belongs to the book file there, else the book (and writes the
// index for the next time).
func (s Store) LoadIndex() (*Book, error) {
	stamp := s.bookStamp()
	if stamp == "none" {
		return &Book{}, nil
	}
	data, err := privfile.Read(s.path(IndexFile), MaxBookBytes)
	if err == nil {
		if b, ok := parseIndex(data, stamp); ok {
			return b, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	b, err := s.Load()
	if err != nil {
		return nil, err
	}
	s.writeIndex(b)
	return b, nil
}

// parseIndex reads an index made for stamp; false when it is for
// another book or cannot be read.
func parseIndex(data []byte, stamp string) (*Book, bool) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	if !sc.Scan() || sc.Text() != indexMagic+" "+stamp {
		return nil, false
	}
	b := &Book{Contacts: make([]Contact, 0, bytes.Count(data, []byte("\n")))}
	for sc.Scan() {
		f := strings.Split(sc.Text(), unitSep)
		if len(f) != 6 {
			return nil, false
		}
		c := Contact{UID: f[0], Name: f[1], Nickname: f[2], Org: f[3]}
		if f[4] != "" {
			for _, e := range strings.Split(f[4], recordSep) {
				t, a, _ := strings.Cut(e, " ")
				c.Emails = append(c.Emails, Email{Type: t, Address: a})
			}
		}
		if f[5] != "" {
			c.Groups = strings.Split(f[5], recordSep)
		}
		b.Contacts = append(b.Contacts, c)
	}
	return b, sc.Err() == nil
}
