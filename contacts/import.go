package contacts

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// Result is what an importer read: the contacts it could use, and every
// entry (or part of one) it skipped, with why.
type Result struct {
	Format   string // "vCard", "Google CSV", "mutt aliases", ...
	Contacts []Contact
	Skipped  []Skipped
}

// Skipped is one entry an importer left out.
type Skipped struct {
	Where string // "card 3", "row 12", "line 7", "file"
	Why   string
}

func (r *Result) skip(where, why string) {
	r.Skipped = append(r.Skipped, Skipped{Where: where, Why: why})
}

// Formats an import may name; "" (or "auto") lets Read tell.
const (
	FormatVCard = "vcard"
	FormatCSV   = "csv"
	FormatMutt  = "mutt"
	FormatAbook = "abook"
)

// ErrUnknownFormat: Read could not tell the format of a file.
var ErrUnknownFormat = errors.New("contacts: the file is not a vCard, a CSV with a Google, Outlook or Thunderbird header, a mutt alias file or an abook addressbook")

// Read reads an import of at most MaxImportBytes in format, or in the
// format its content shows when format is "" or "auto".
func Read(r io.Reader, format string) (*Result, error) {
	data, err := readLimited(r, MaxImportBytes)
	if err != nil {
		return nil, err
	}
	if format == "" || format == "auto" {
		format = Detect(data)
	}
	switch format {
	case FormatVCard:
		return readVCard(data, "vCard")
	case FormatCSV:
		return readCSV(data)
	case FormatMutt:
		return readMutt(data)
	case FormatAbook:
		return readAbook(data)
	}
	return nil, ErrUnknownFormat
}

// Detect tells the format of an import from its first lines.
func Detect(data []byte) string {
	head := data[:min(len(data), 4096)]
	text := strings.ToLower(string(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))))
	switch {
	case strings.HasPrefix(strings.TrimSpace(text), "begin:vcard"):
		return FormatVCard
	case strings.Contains(text, "[format]") && strings.Contains(text, "program=abook"),
		strings.HasPrefix(strings.TrimSpace(text), "# abook addressbook"):
		return FormatAbook
	}
	// mutt: an "alias" line among the first lines, before anything that
	// is not a muttrc command.
	lines := strings.Split(text, "\n")
	for _, line := range lines[:min(len(lines), 200)] {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if f[0] == "alias" {
			return FormatMutt
		}
		if !muttCommands()[f[0]] {
			break
		}
	}
	if _, err := detectCSV(data); err == nil {
		return FormatCSV
	}
	return ""
}

// muttCommands are the muttrc commands found beside aliases, for Detect.
var muttCommands = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		"source": true, "set": true, "unset": true, "unalias": true, "group": true, "ungroup": true,
		"alternates": true, "lists": true, "subscribe": true, "my_hdr": true, "macro": true, "bind": true,
		"color": true, "mailboxes": true, "ignore": true, "unignore": true, "send-hook": true, "folder-hook": true,
	}
})

// Duplicate is an imported contact that has an address of a contact
// already in the book (or of one met earlier in the same import).
type Duplicate struct {
	Contact Contact
	Address string
	Of      string // name of the contact that has the address
}

// Preview is what an import would do to a book.
type Preview struct {
	Add        []Contact
	Duplicates []Duplicate
	Skipped    []Skipped
}

// Preview sorts the contacts of res into those to add and the
// duplicates, and carries its skipped entries. It does not change b.
func (b *Book) Preview(res *Result) *Preview {
	p := &Preview{Skipped: res.Skipped}
	book := b.addressIndex()
	seen := map[string]string{} // address (lower case) -> name, of this import
	for _, c := range res.Contacts {
		c = c.Clone()
		c.Normalize()
		dup := false
		for _, e := range c.Emails {
			if i, ok := book[strings.ToLower(e.Address)]; ok {
				p.Duplicates = append(p.Duplicates, Duplicate{Contact: c, Address: e.Address, Of: b.Contacts[i].Name})
				dup = true
				break
			}
			if name, ok := seen[strings.ToLower(e.Address)]; ok {
				p.Duplicates = append(p.Duplicates, Duplicate{Contact: c, Address: e.Address, Of: name + " (earlier in this file)"})
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		for _, e := range c.Emails {
			seen[strings.ToLower(e.Address)] = c.Name
		}
		p.Add = append(p.Add, c)
	}
	return p
}

// addressIndex maps every address of the book (lower case) to the index
// of its contact.
func (b *Book) addressIndex() map[string]int {
	m := make(map[string]int, len(b.Contacts))
	for i := range b.Contacts {
		for _, e := range b.Contacts[i].Emails {
			m[strings.ToLower(e.Address)] = i
		}
	}
	return m
}

// Import adds to the book the contacts an import would add now: the
// preview is made again under the lock, so a contact added meanwhile
// (in another tab) is a duplicate, not a second copy. Over MaxContacts,
// nothing is added. It returns the preview that was applied.
func (s Store) Import(res *Result) (*Preview, error) {
	var applied *Preview
	err := s.Update(func(b *Book) error {
		p := b.Preview(res)
		if b.Len()+len(p.Add) > MaxContacts {
			return &LimitError{What: "contacts", Max: MaxContacts}
		}
		uids := map[string]bool{}
		for _, c := range b.Contacts {
			uids[c.UID] = true
		}
		for _, c := range p.Add {
			// Preview found no address of c in the book or earlier in res.
			if err := c.Check(); err != nil {
				return fmt.Errorf("contacts: importing %q: %w", c.Name, err)
			}
			if c.UID == "" || uids[c.UID] {
				c.UID = newUID()
			}
			uids[c.UID] = true
			b.Contacts = append(b.Contacts, c)
		}
		applied = p
		return nil
	})
	return applied, err
}
