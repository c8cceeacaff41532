package contacts

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-vcard"
)

// Address and phone types.
const (
	TypeHome  = "home"
	TypeWork  = "work"
	TypeOther = "other"
	TypeCell  = "cell" // phones only
)

// EmailTypes and PhoneTypes are the types a form offers, in order.
var (
	EmailTypes = []string{TypeHome, TypeWork, TypeOther}
	PhoneTypes = []string{TypeCell, TypeHome, TypeWork, TypeOther}
)

// Email is one typed address: an addr-spec ("a@example.org").
type Email struct {
	Type    string
	Address string
}

// Phone is one typed phone number, as the user wrote it.
type Phone struct {
	Type   string
	Number string
}

// Contact is one entry of the book.
type Contact struct {
	UID      string // stable id (vCard UID); set by the book when empty
	Name     string // display name (vCard FN)
	Nickname string
	Emails   []Email
	Phones   []Phone
	Org      string
	Note     string
	Groups   []string

	// extra holds the vCard properties this package keeps but does not
	// edit (ADR, BDAY, PHOTO, ...), written back as they came.
	extra vcard.Card
}

// ErrInvalid is wrapped by every error about a contact that cannot be
// stored as it is (see Contact.Check).
var ErrInvalid = errors.New("contacts: invalid contact")

// InvalidError says what is wrong with a contact, in words for its form.
type InvalidError struct{ Reason string }

func (e *InvalidError) Error() string   { return "contacts: " + e.Reason }
func (e *InvalidError) Is(t error) bool { return t == ErrInvalid }

func invalid(format string, args ...any) error {
	return &InvalidError{Reason: fmt.Sprintf(format, args...)}
}

// CheckAddress reports whether addr is an addr-spec that net/mail reads
// back unchanged, and nothing more (no name, no angle brackets).
func CheckAddress(addr string) error {
	if addr == "" {
		return invalid("empty e-mail address")
	}
	if len(addr) > 254 {
		return invalid("e-mail address %.40q... is too long", addr)
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Name != "" || a.Address != addr || !strings.Contains(addr, "@") {
		return invalid("%q is not an e-mail address", addr)
	}
	return nil
}

// CheckGroup reports whether name can be a group's name: not empty, at
// most MaxGroupBytes, no comma (the vCard CATEGORIES separator), no
// "@", ":", ";", "<", ">" or quote (so that it is never taken for an
// address or an RFC 5322 group) and no control
// character.
func CheckGroup(name string) error {
	switch {
	case name == "":
		return invalid("empty group name")
	case len(name) > MaxGroupBytes:
		return invalid("group name %q is longer than %d bytes", name, MaxGroupBytes)
	case strings.ContainsAny(name, ",@;:<>\""):
		return invalid("group name %q may not hold , ; : @ < > or \"", name)
	case !printable(name) || strings.TrimSpace(name) != name:
		return invalid("group name %q has a control character or surrounding space", name)
	}
	return nil
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// Normalize trims the contact's values, lower-cases its types (unknown
// ones become "other"), drops empty addresses, phones and groups and
// repeated ones, and names a contact without a name after its first
// address. It does not check; Check does.
func (c *Contact) Normalize() {
	c.Name = strings.TrimSpace(c.Name)
	c.Nickname = strings.TrimSpace(c.Nickname)
	c.Org = strings.TrimSpace(c.Org)
	c.Note = strings.TrimSpace(strings.ReplaceAll(c.Note, "\r\n", "\n"))
	var emails []Email
	for _, e := range c.Emails {
		e.Address = strings.TrimSpace(e.Address)
		e.Type = normType(e.Type, EmailTypes)
		if e.Address == "" || slices.ContainsFunc(emails, func(x Email) bool { return strings.EqualFold(x.Address, e.Address) }) {
			continue
		}
		emails = append(emails, e)
	}
	c.Emails = emails
	var phones []Phone
	for _, p := range c.Phones {
		p.Number = strings.TrimSpace(p.Number)
		p.Type = normType(p.Type, PhoneTypes)
		if p.Number != "" && !slices.Contains(phones, p) {
			phones = append(phones, p)
		}
	}
	c.Phones = phones
	var groups []string
	for _, g := range c.Groups {
		g = strings.TrimSpace(g)
		if g != "" && !slices.ContainsFunc(groups, func(x string) bool { return strings.EqualFold(x, g) }) {
			groups = append(groups, g)
		}
	}
	c.Groups = groups
	if c.Name == "" && len(c.Emails) > 0 {
		c.Name = c.Emails[0].Address
	}
}

func normType(t string, known []string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	switch t {
	case "mobile", "cellular":
		t = TypeCell
	case "business", "office", "internet-work":
		t = TypeWork
	case "personal", "private", "main":
		t = TypeHome
	}
	if slices.Contains(known, t) {
		return t
	}
	return TypeOther
}

// Check reports the first reason the contact cannot be stored: no name,
// a bad address, a value beyond MaxValueBytes, a control character in a
// one-line value, a bad group name, more than MaxFieldsPerContact
// properties. The errors wrap ErrInvalid.
func (c *Contact) Check() error {
	if c.Name == "" {
		return invalid("a contact needs a name or an e-mail address")
	}
	for _, v := range []struct{ what, s string }{{"name", c.Name}, {"nickname", c.Nickname}, {"organisation", c.Org}} {
		if len(v.s) > MaxValueBytes {
			return invalid("the %s is longer than %d bytes", v.what, MaxValueBytes)
		}
		if !printable(v.s) {
			return invalid("the %s has a control character", v.what)
		}
	}
	if len(c.Note) > MaxValueBytes {
		return invalid("the note is longer than %d bytes", MaxValueBytes)
	}
	if !printable(strings.NewReplacer("\n", "", "\t", "").Replace(c.Note)) {
		return invalid("the note has a control character")
	}
	for _, e := range c.Emails {
		if err := CheckAddress(e.Address); err != nil {
			return err
		}
	}
	for _, p := range c.Phones {
		if len(p.Number) > 64 || !printable(p.Number) {
			return invalid("phone number %.40q is not valid", p.Number)
		}
	}
	for _, g := range c.Groups {
		if err := CheckGroup(g); err != nil {
			return err
		}
	}
	if n := c.fields(); n > MaxFieldsPerContact {
		return invalid("%d properties, more than %d", n, MaxFieldsPerContact)
	}
	return nil
}

// fields counts the contact's properties, as MaxFieldsPerContact does.
func (c *Contact) fields() int {
	n := 1 + len(c.Emails) + len(c.Phones) + len(c.Groups)
	for _, s := range []string{c.Nickname, c.Org, c.Note} {
		if s != "" {
			n++
		}
	}
	for _, fs := range c.extra {
		n += len(fs)
	}
	return n
}

// HasAddress reports whether the contact has addr, without case.
func (c *Contact) HasAddress(addr string) bool {
	for _, e := range c.Emails {
		if strings.EqualFold(e.Address, addr) {
			return true
		}
	}
	return false
}

// InGroup reports whether the contact is in group, without case.
func (c *Contact) InGroup(group string) bool {
	for _, g := range c.Groups {
		if strings.EqualFold(g, group) {
			return true
		}
	}
	return false
}

// Clone returns a deep copy.
func (c Contact) Clone() Contact {
	c.Emails = slices.Clone(c.Emails)
	c.Phones = slices.Clone(c.Phones)
	c.Groups = slices.Clone(c.Groups)
	if c.extra != nil {
		e := make(vcard.Card, len(c.extra))
		for k, v := range c.extra {
			e[k] = slices.Clone(v)
		}
		c.extra = e
	}
	return c
}

// KeepExtra gives c the properties old kept untouched (an edit form does
// not show them, and must not lose them).
func (c *Contact) KeepExtra(old *Contact) { c.extra = old.Clone().extra }

// newUID returns a random UUID URN, as RFC 6350 section 6.7.6 suggests.
func newUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return "urn:uuid:" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
