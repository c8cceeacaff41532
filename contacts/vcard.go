package contacts

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/emersion/go-vcard"
)

// handled are the properties a Contact holds in its own fields, or
// drops (VERSION, PRODID, REV, N: rewritten or derived).
var handled = sync.OnceValue(func() map[string]bool {
	return map[string]bool{
		vcard.FieldVersion: true, vcard.FieldProductID: true, vcard.FieldRevision: true,
		vcard.FieldName: true, vcard.FieldFormattedName: true, vcard.FieldNickname: true,
		vcard.FieldEmail: true, vcard.FieldTelephone: true, vcard.FieldOrganization: true,
		vcard.FieldNote: true, vcard.FieldCategories: true, vcard.FieldUID: true,
		"BEGIN": true, "END": true,
	}
})

// ReadVCard reads the vCard 3.0 or 4.0 cards of r, at most MaxImportBytes.
// A card that cannot be used (no name nor address, version 2.1, a group
// card, an invalid contact) is skipped with its reason; an address that
// is not valid is dropped from its card and reported. Lines go-vcard
// cannot read (no ":") are ignored, as it does. Input with no card at all
// is an error.
func ReadVCard(r io.Reader) (*Result, error) {
	data, err := readLimited(r, MaxImportBytes)
	if err != nil {
		return nil, err
	}
	return readVCard(data, "vCard")
}

func readVCard(data []byte, format string) (*Result, error) {
	res := &Result{Format: format}
	dec := vcard.NewDecoder(bytes.NewReader(data))
	n, junk := 0, false
	for {
		card, err := dec.Decode()
		if err == io.EOF {
			break
		}
		if card == nil || err != nil && strings.Contains(err.Error(), "no BEGIN") {
			// A line outside BEGIN:VCARD ... END:VCARD, consumed.
			junk = true
			continue
		}
		n++
		where := fmt.Sprintf("card %d", n)
		if err != nil {
			res.skip(where, "it is not complete ("+strings.TrimPrefix(err.Error(), "vcard: ")+")")
			continue
		}
		c, why := fromCard(card, func(s string) { res.skip(where, s) })
		if why != "" {
			res.skip(where, why)
			continue
		}
		res.Contacts = append(res.Contacts, c)
	}
	if n == 0 {
		return nil, errors.New("contacts: no vCard (BEGIN:VCARD ... END:VCARD) in the file")
	}
	if junk {
		res.skip("file", "lines outside BEGIN:VCARD ... END:VCARD were ignored")
	}
	return res, nil
}

// fromCard turns a card into a contact, or says why it cannot. note
// reports what was dropped from a usable card.
func fromCard(card vcard.Card, note func(string)) (Contact, string) {
	v := card.Value(vcard.FieldVersion)
	if strings.HasPrefix(v, "2.") {
		return Contact{}, "vCard " + v + " is not supported; export as vCard 3.0 or 4.0"
	}
	if k := strings.ToLower(card.Value(vcard.FieldKind)); k == "group" || strings.EqualFold(card.Value("X-ADDRESSBOOKSERVER-KIND"), "group") {
		return Contact{}, "a group card; groups are read from the members' CATEGORIES"
	}
	var c Contact
	c.UID = oneLine(card.Value(vcard.FieldUID))
	c.Name = card.Value(vcard.FieldFormattedName)
	if c.Name == "" {
		if n := card.Name(); n != nil {
			c.Name = strings.Join(strings.Fields(strings.Join([]string{n.HonorificPrefix, n.GivenName, n.AdditionalName, n.FamilyName, n.HonorificSuffix}, " ")), " ")
		}
	}
	c.Nickname = card.Value(vcard.FieldNickname)
	c.Org = card.Value(vcard.FieldOrganization)
	c.Note = card.Value(vcard.FieldNote)
	for _, f := range card[vcard.FieldEmail] {
		addr := strings.TrimSpace(f.Value)
		addr = strings.TrimPrefix(addr, "mailto:")
		if CheckAddress(addr) != nil {
			note(fmt.Sprintf("address %.60q is not valid and was left out", f.Value))
			continue
		}
		c.Emails = append(c.Emails, Email{Type: typeOf(f.Params, EmailTypes), Address: addr})
	}
	for _, f := range card[vcard.FieldTelephone] {
		c.Phones = append(c.Phones, Phone{Type: typeOf(f.Params, PhoneTypes), Number: strings.TrimPrefix(f.Value, "tel:")})
	}
	for _, f := range card[vcard.FieldCategories] {
		for _, g := range strings.Split(f.Value, ",") {
			if g = strings.TrimSpace(g); g != "" {
				if CheckGroup(g) != nil {
					note(fmt.Sprintf("group %.60q is not a valid group name and was left out", g))
					continue
				}
				c.Groups = append(c.Groups, g)
			}
		}
	}
	for k, fs := range card {
		if handled()[k] {
			continue
		}
		for _, f := range fs {
			if why := keepable(k, f); why != "" {
				note(k + " " + why + " and was left out")
				continue
			}
			if c.extra == nil {
				c.extra = vcard.Card{}
			}
			c.extra.Add(k, &vcard.Field{Value: f.Value, Params: f.Params, Group: f.Group})
		}
	}
	c.Normalize()
	if c.Name == "" {
		return Contact{}, "no name and no e-mail address"
	}
	if err := c.Check(); err != nil {
		return Contact{}, strings.TrimPrefix(err.Error(), "contacts: ")
	}
	return c, ""
}

// typeOf is the first of known among the TYPE parameters (vCard 3 writes
// TYPE=INTERNET,HOME), else "other".
func typeOf(p vcard.Params, known []string) string {
	for _, t := range p.Types() {
		t = normType(t, known)
		if t != TypeOther {
			return t
		}
	}
	return TypeOther
}

// keepable says why a property this package does not edit cannot be
// kept as it is ("" when it can): a name or a parameter that would not
// be written back the same, a control character, a value too large.
func keepable(key string, f *vcard.Field) string {
	if !token(key) || f.Group != "" && !token(f.Group) {
		return "has an unusual name"
	}
	max := MaxValueBytes
	if key == vcard.FieldPhoto {
		max = MaxPhotoBytes
	}
	if len(f.Value) > max {
		return fmt.Sprintf("is larger than %d bytes", max)
	}
	if !printable(strings.NewReplacer("\n", "", "\t", "").Replace(f.Value)) || strings.HasSuffix(f.Value, "\r") {
		return "has a control character"
	}
	for pk, pvs := range f.Params {
		if !token(pk) {
			return "has an unusual parameter"
		}
		for _, pv := range pvs {
			if pv == "" || strings.ContainsAny(pv, ";:\",\\") || !printable(pv) {
				return "has an unusual parameter"
			}
		}
	}
	return ""
}

// token reports whether s is a vCard name: letters, digits and "-".
func token(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func oneLine(s string) string {
	if !printable(s) || len(s) > 256 {
		return ""
	}
	return strings.TrimSpace(s)
}

// card is the vCard 4.0 of c.
func (c *Contact) card() vcard.Card {
	card := vcard.Card{}
	for k, fs := range c.extra {
		for _, f := range fs {
			card.Add(k, &vcard.Field{Value: f.Value, Params: f.Params, Group: f.Group})
		}
	}
	card.SetValue(vcard.FieldVersion, "4.0")
	if c.UID != "" {
		card.SetValue(vcard.FieldUID, c.UID)
	}
	card.SetValue(vcard.FieldFormattedName, c.Name)
	if c.Nickname != "" {
		card.SetValue(vcard.FieldNickname, c.Nickname)
	}
	for _, e := range c.Emails {
		f := &vcard.Field{Value: e.Address}
		if e.Type != TypeOther {
			f.Params = vcard.Params{vcard.ParamType: {e.Type}}
		}
		card.Add(vcard.FieldEmail, f)
	}
	for _, p := range c.Phones {
		f := &vcard.Field{Value: p.Number, Params: vcard.Params{vcard.ParamValue: {"text"}}}
		if p.Type != TypeOther {
			f.Params[vcard.ParamType] = []string{p.Type}
		}
		card.Add(vcard.FieldTelephone, f)
	}
	if c.Org != "" {
		card.SetValue(vcard.FieldOrganization, c.Org)
	}
	if c.Note != "" {
		card.SetValue(vcard.FieldNote, c.Note)
	}
	for _, g := range c.Groups {
		card.Add(vcard.FieldCategories, &vcard.Field{Value: g})
	}
	return card
}

// WriteVCard writes the contacts as vCard 4.0.
func WriteVCard(w io.Writer, list []Contact) error {
	enc := vcard.NewEncoder(w)
	for i := range list {
		if err := enc.Encode(list[i].card()); err != nil {
			return fmt.Errorf("contacts: %w", err)
		}
	}
	return nil
}

// ETag is a digest of the contact's vCard: it changes when anything in
// the contact does.
func (c *Contact) ETag() string {
	var b bytes.Buffer
	vcard.NewEncoder(&b).Encode(c.card())
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:8])
}

// Equal reports whether two contacts hold the same, extra properties
// included.
func (c *Contact) Equal(d *Contact) bool {
	return c.ETag() == d.ETag()
}

// readLimited reads r whole, refusing more than max bytes.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	if int64(len(data)) > max {
		return nil, &LimitError{What: "file", Max: max}
	}
	return data, nil
}
