package contacts

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// csvLayout is one program's CSV columns.
type csvLayout struct {
	name string
	row  func(col func(string) string) Contact
}

// The layouts, each known by a column only it has. Column names are
// compared without case; see the package doc.
var csvLayouts = []struct {
	key string
	csvLayout
}{
	{"e-mail 1 - value", csvLayout{"Google CSV", googleRow}},
	{"e-mail address", csvLayout{"Outlook CSV", outlookRow}},
	{"primary email", csvLayout{"Thunderbird CSV", thunderbirdRow}},
}

// ReadCSV reads a CSV export of Google Contacts, Outlook or Thunderbird,
// at most MaxImportBytes.
func ReadCSV(r io.Reader) (*Result, error) {
	data, err := readLimited(r, MaxImportBytes)
	if err != nil {
		return nil, err
	}
	return readCSV(data)
}

// utf8Text returns data as UTF-8: without a byte order mark; UTF-16 when
// it has one; read as Windows-1252 when it is not valid UTF-8. It
// reports whether it converted.
func utf8Text(data []byte) ([]byte, string) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		return data[3:], ""
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		if out, err := dec.Bytes(data); err == nil {
			return out, "UTF-16"
		}
	case utf8.Valid(data):
		return data, ""
	}
	out, _ := charmap.Windows1252.NewDecoder().Bytes(data)
	return out, "Windows-1252 (Latin-1)"
}

// csvReader opens data with the delimiter its first line uses most.
func csvReader(data []byte) *csv.Reader {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	} else if bytes.Count(first, []byte("\t")) > bytes.Count(first, []byte(",")) {
		cr.Comma = '\t'
	}
	cr.FieldsPerRecord = -1 // a short row has its missing columns empty
	cr.LazyQuotes = true
	return cr
}

// csvHeader reads the header and tells the layout.
func csvHeader(cr *csv.Reader) (csvLayout, map[string]int, error) {
	head, err := cr.Read()
	if err != nil {
		return csvLayout{}, nil, fmt.Errorf("contacts: the CSV header cannot be read: %w", err)
	}
	cols := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, ok := cols[h]; !ok {
			cols[h] = i
		}
	}
	for _, l := range csvLayouts {
		if _, ok := cols[l.key]; ok {
			return l.csvLayout, cols, nil
		}
	}
	return csvLayout{}, nil, errors.New(`contacts: the CSV header has none of the e-mail columns of Google ("E-mail 1 - Value"), Outlook ("E-mail Address") or Thunderbird ("Primary Email")`)
}

// detectCSV tells the layout of data's header, for Detect.
func detectCSV(data []byte) (string, error) {
	data, _ = utf8Text(data)
	l, _, err := csvHeader(csvReader(data))
	return l.name, err
}

func readCSV(data []byte) (*Result, error) {
	data, conv := utf8Text(data)
	cr := csvReader(data)
	layout, cols, err := csvHeader(cr)
	if err != nil {
		return nil, err
	}
	res := &Result{Format: layout.name}
	if conv != "" {
		res.skip("file", "not UTF-8: read as "+conv)
	}
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		where := "row " + strconv.Itoa(n)
		if err != nil {
			res.skip(where, "cannot be read as CSV: "+err.Error())
			continue
		}
		col := func(name string) string {
			if i, ok := cols[strings.ToLower(name)]; ok && i < len(rec) {
				return undefuse(strings.TrimSpace(rec[i]))
			}
			return ""
		}
		c := layout.row(col)
		var kept []Email
		for _, e := range c.Emails {
			if CheckAddress(e.Address) != nil {
				res.skip(where, fmt.Sprintf("address %.60q is not valid and was left out", e.Address))
				continue
			}
			kept = append(kept, e)
		}
		c.Emails = kept
		var groups []string
		for _, g := range c.Groups {
			if CheckGroup(strings.TrimSpace(g)) != nil && strings.TrimSpace(g) != "" {
				res.skip(where, fmt.Sprintf("group %.60q is not a valid group name and was left out", g))
				continue
			}
			groups = append(groups, g)
		}
		c.Groups = groups
		c.Normalize()
		if c.Name == "" {
			res.skip(where, "no name and no e-mail address")
			continue
		}
		if err := c.Check(); err != nil {
			res.skip(where, strings.TrimPrefix(err.Error(), "contacts: "))
			continue
		}
		res.Contacts = append(res.Contacts, c)
	}
	return res, nil
}

// joinName joins the parts of a name that are not empty.
func joinName(parts ...string) string {
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// splitMulti splits a cell Google fills with several values (" ::: ").
func splitMulti(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ":::") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// googleRow reads both of Google's layouts: the current one ("First
// Name", "E-mail 1 - Label", "Labels") and the older one ("Name",
// "E-mail 1 - Type", "Group Membership").
func googleRow(col func(string) string) Contact {
	c := Contact{
		Name:     col("Name"),
		Nickname: col("Nickname"),
		Org:      col("Organization Name"),
		Note:     col("Notes"),
	}
	if c.Name == "" {
		c.Name = joinName(col("Name Prefix"), col("First Name"), col("Middle Name"), col("Last Name"), col("Name Suffix"))
	}
	if c.Name == "" {
		c.Name = joinName(col("Given Name"), col("Additional Name"), col("Family Name"))
	}
	if c.Org == "" {
		c.Org = col("Organization 1 - Name")
	}
	label := func(prefix string) string {
		if l := col(prefix + " - Label"); l != "" {
			return strings.TrimPrefix(l, "* ")
		}
		return strings.TrimPrefix(col(prefix+" - Type"), "* ")
	}
	for i := 1; i <= 20; i++ {
		p := "E-mail " + strconv.Itoa(i)
		for _, v := range splitMulti(col(p + " - Value")) {
			c.Emails = append(c.Emails, Email{Type: label(p), Address: v})
		}
		p = "Phone " + strconv.Itoa(i)
		for _, v := range splitMulti(col(p + " - Value")) {
			c.Phones = append(c.Phones, Phone{Type: label(p), Number: v})
		}
	}
	labels := col("Labels")
	if labels == "" {
		labels = col("Group Membership")
	}
	for _, g := range splitMulti(labels) {
		if !strings.HasPrefix(g, "* ") { // Google's own: "* myContacts", "* starred"
			c.Groups = append(c.Groups, g)
		}
	}
	return c
}

// outlookRow reads Outlook's export ("E-mail Address", "E-mail 2
// Address", "E-mail 3 Address"; "Categories" separated by ";").
func outlookRow(col func(string) string) Contact {
	c := Contact{
		Name:     joinName(col("Title"), col("First Name"), col("Middle Name"), col("Last Name"), col("Suffix")),
		Nickname: col("Nickname"),
		Org:      col("Company"),
		Note:     col("Notes"),
	}
	if c.Name == "" {
		c.Name = col("E-mail Display Name")
	}
	for _, p := range []string{"E-mail Address", "E-mail 2 Address", "E-mail 3 Address"} {
		if v := col(p); v != "" {
			c.Emails = append(c.Emails, Email{Type: TypeOther, Address: v})
		}
	}
	for _, p := range []struct{ col, typ string }{
		{"Mobile Phone", TypeCell}, {"Home Phone", TypeHome}, {"Home Phone 2", TypeHome},
		{"Business Phone", TypeWork}, {"Business Phone 2", TypeWork}, {"Other Phone", TypeOther}, {"Primary Phone", TypeOther},
	} {
		if v := col(p.col); v != "" {
			c.Phones = append(c.Phones, Phone{Type: p.typ, Number: v})
		}
	}
	for _, g := range strings.Split(col("Categories"), ";") {
		c.Groups = append(c.Groups, strings.TrimSpace(g))
	}
	return c
}

// thunderbirdRow reads Thunderbird's export ("Display Name", "Primary
// Email", "Secondary Email"; no groups).
func thunderbirdRow(col func(string) string) Contact {
	c := Contact{
		Name:     col("Display Name"),
		Nickname: col("Nickname"),
		Org:      col("Organization"),
		Note:     col("Notes"),
	}
	if c.Name == "" {
		c.Name = joinName(col("First Name"), col("Last Name"))
	}
	for _, p := range []string{"Primary Email", "Secondary Email"} {
		if v := col(p); v != "" {
			c.Emails = append(c.Emails, Email{Type: TypeOther, Address: v})
		}
	}
	for _, p := range []struct{ col, typ string }{
		{"Mobile Number", TypeCell}, {"Home Phone", TypeHome}, {"Work Phone", TypeWork},
	} {
		if v := col(p.col); v != "" {
			c.Phones = append(c.Phones, Phone{Type: p.typ, Number: v})
		}
	}
	return c
}

// WriteCSV writes the contacts in Google's current layout, which Google,
// Outlook and Thunderbird import: the name split at its last space into
// "First Name" and "Last Name" (whole in "First Name" when it has a
// comma, "Lee, Ann"), as many "E-mail n" and "Phone n" column
// pairs as the contact with the most has (at least one), and the groups
// in "Labels" after Google's "* myContacts". A cell that a spreadsheet
// would take for a formula is defused (see defuse).
func WriteCSV(w io.Writer, list []Contact) error {
	ne, np := 1, 1
	for _, c := range list {
		ne, np = max(ne, len(c.Emails)), max(np, len(c.Phones))
	}
	head := []string{"First Name", "Middle Name", "Last Name", "Nickname", "Organization Name", "Notes", "Labels"}
	for i := 1; i <= ne; i++ {
		head = append(head, fmt.Sprintf("E-mail %d - Label", i), fmt.Sprintf("E-mail %d - Value", i))
	}
	for i := 1; i <= np; i++ {
		head = append(head, fmt.Sprintf("Phone %d - Label", i), fmt.Sprintf("Phone %d - Value", i))
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(head); err != nil {
		return fmt.Errorf("contacts: %w", err)
	}
	for _, c := range list {
		first, last := c.Name, ""
		if i := strings.LastIndexByte(c.Name, ' '); i > 0 && !strings.Contains(c.Name, ",") {
			first, last = c.Name[:i], c.Name[i+1:]
		}
		rec := []string{first, "", last, c.Nickname, c.Org, c.Note, strings.Join(append([]string{"* myContacts"}, c.Groups...), " ::: ")}
		for i := 0; i < ne; i++ {
			if i < len(c.Emails) {
				rec = append(rec, "* "+capital(c.Emails[i].Type), c.Emails[i].Address)
			} else {
				rec = append(rec, "", "")
			}
		}
		for i := 0; i < np; i++ {
			if i < len(c.Phones) {
				t := capital(c.Phones[i].Type)
				if t == "Cell" {
					t = "Mobile"
				}
				rec = append(rec, t, c.Phones[i].Number)
			} else {
				rec = append(rec, "", "")
			}
		}
		for i := range rec {
			rec[i] = defuse(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("contacts: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("contacts: %w", err)
	}
	return nil
}

// defuse keeps a spreadsheet from taking a cell for a formula: a value
// that begins with "=" or "@" is written after a "'" (OWASP's advice for
// CSV injection), which readCSV removes again. "+" and "-" are left
// alone: phone numbers begin with them.
func defuse(s string) string {
	if strings.HasPrefix(s, "=") || strings.HasPrefix(s, "@") || strings.HasPrefix(s, "'=") || strings.HasPrefix(s, "'@") {
		return "'" + s
	}
	return s
}

// undefuse reverses defuse.
func undefuse(s string) string {
	if strings.HasPrefix(s, "'") && defuse(s[1:]) == s {
		return s[1:]
	}
	return s
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
