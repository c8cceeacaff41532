package contacts

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/emersion/go-vcard"
)

// Book is an address book: its contacts in the order of the file.
type Book struct {
	Contacts []Contact

	// foreign are the cards of the file this package cannot show (a
	// group card, version 2.1, ...): kept and written back unchanged.
	foreign []vcard.Card
}

var (
	// ErrNotFound: no contact has that UID (deleted in another tab).
	ErrNotFound = errors.New("contacts: no such contact (it may have been deleted)")
	// ErrStale: the contact changed since the form was shown.
	ErrStale = errors.New("contacts: the contact was changed elsewhere since this form was shown")
)

// DuplicateError: an address already belongs to another contact.
type DuplicateError struct {
	Address string
	Of      string // the name of the contact that has it
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("contacts: %s already belongs to %s", e.Address, e.Of)
}

// LimitError: a limit of the package would be passed.
type LimitError struct {
	What string // "file", "contacts"
	Max  int64
}

func (e *LimitError) Error() string {
	if e.What == "contacts" {
		return fmt.Sprintf("contacts: an address book holds at most %d contacts", e.Max)
	}
	return fmt.Sprintf("contacts: the %s is larger than %d bytes", e.What, e.Max)
}

// Len is the number of contacts, those kept unshown included.
func (b *Book) Len() int { return len(b.Contacts) + len(b.foreign) }

// ByUID returns the contact with uid, or nil.
func (b *Book) ByUID(uid string) *Contact {
	for i := range b.Contacts {
		if b.Contacts[i].UID == uid {
			return &b.Contacts[i]
		}
	}
	return nil
}

// ByAddress returns the contact that has addr (without case), or nil.
func (b *Book) ByAddress(addr string) *Contact {
	for i := range b.Contacts {
		if b.Contacts[i].HasAddress(addr) {
			return &b.Contacts[i]
		}
	}
	return nil
}

// Add checks c and adds it with a new UID (its own when it has one no
// other contact has).
func (b *Book) Add(c Contact) (Contact, error) {
	c = c.Clone()
	c.Normalize()
	if err := c.Check(); err != nil {
		return c, err
	}
	if b.Len()+1 > MaxContacts {
		return c, &LimitError{What: "contacts", Max: MaxContacts}
	}
	if err := b.unique(&c, ""); err != nil {
		return c, err
	}
	if c.UID == "" || b.ByUID(c.UID) != nil {
		c.UID = newUID()
	}
	b.Contacts = append(b.Contacts, c)
	return c, nil
}

// unique refuses an address of c that another contact than uid has.
func (b *Book) unique(c *Contact, uid string) error {
	for _, e := range c.Emails {
		if o := b.ByAddress(e.Address); o != nil && o.UID != uid {
			return &DuplicateError{Address: e.Address, Of: o.Name}
		}
	}
	return nil
}

// Replace puts c in the place of the contact uid, if that contact's
// ETag is still etag (ErrStale otherwise, ErrNotFound when it is gone).
// The properties the old contact kept untouched are kept.
func (b *Book) Replace(uid, etag string, c Contact) (Contact, error) {
	old := b.ByUID(uid)
	if old == nil {
		return c, ErrNotFound
	}
	if old.ETag() != etag {
		return c, ErrStale
	}
	c = c.Clone()
	c.UID = uid
	c.KeepExtra(old)
	c.Normalize()
	if err := c.Check(); err != nil {
		return c, err
	}
	if err := b.unique(&c, uid); err != nil {
		return c, err
	}
	*old = c
	return c, nil
}

// Delete removes the contact uid if its ETag is still etag.
func (b *Book) Delete(uid, etag string) error {
	old := b.ByUID(uid)
	if old == nil {
		return ErrNotFound
	}
	if old.ETag() != etag {
		return ErrStale
	}
	b.Contacts = slices.DeleteFunc(b.Contacts, func(c Contact) bool { return c.UID == uid })
	return nil
}

// Group is a group's name and its number of members.
type Group struct {
	Name    string
	Members int
}

// Groups lists the groups, sorted by name without case; two spellings
// of a name that differ only in case are one group, named as first met.
func (b *Book) Groups() []Group {
	idx := map[string]int{}
	var out []Group
	for i := range b.Contacts {
		for _, g := range b.Contacts[i].Groups {
			k := strings.ToLower(g)
			if j, ok := idx[k]; ok {
				out[j].Members++
				continue
			}
			idx[k] = len(out)
			out = append(out, Group{Name: g, Members: 1})
		}
	}
	slices.SortFunc(out, func(a, b Group) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out
}

// Members returns the contacts of group, sorted.
func (b *Book) Members(group string) []Contact {
	var out []Contact
	for _, c := range b.Contacts {
		if c.InGroup(group) {
			out = append(out, c)
		}
	}
	sortContacts(out)
	return out
}

// RemoveGroup takes every contact out of group; it reports how many
// were in it.
func (b *Book) RemoveGroup(group string) int {
	n := 0
	for i := range b.Contacts {
		c := &b.Contacts[i]
		if c.InGroup(group) {
			c.Groups = slices.DeleteFunc(c.Groups, func(g string) bool { return strings.EqualFold(g, group) })
			n++
		}
	}
	return n
}

// Search returns the contacts whose name, nickname, organisation, an
// address or a group holds every word of q (without case), sorted; all
// of them for an empty q.
func (b *Book) Search(q string) []Contact {
	words := strings.Fields(strings.ToLower(q))
	var out []Contact
	for _, c := range b.Contacts {
		hay := strings.ToLower(c.Name + "\x00" + c.Nickname + "\x00" + c.Org + "\x00" + addrs(&c) + "\x00" + strings.Join(c.Groups, "\x00"))
		ok := true
		for _, w := range words {
			if !strings.Contains(hay, w) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, c)
		}
	}
	sortContacts(out)
	return out
}

func addrs(c *Contact) string {
	s := make([]string, len(c.Emails))
	for i, e := range c.Emails {
		s[i] = e.Address
	}
	return strings.Join(s, "\x00")
}

// sortContacts sorts by name without case, then by UID.
func sortContacts(list []Contact) {
	slices.SortFunc(list, func(a, b Contact) int {
		if c := cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return cmp.Compare(a.UID, b.UID)
	})
}
