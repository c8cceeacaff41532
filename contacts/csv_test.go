package contacts

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// The header rows of the three programs' exports, as they write them
// (Google Contacts "Google CSV" since 2020 and its older layout, Outlook's
// "Comma Separated Values" export, Thunderbird's "Comma Separated").
var (
	googleHeader = []string{"First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name", "Phonetic Last Name",
		"Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name", "Organization Title", "Organization Department",
		"Birthday", "Notes", "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value",
		"Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value", "Address 1 - Label", "Address 1 - Formatted",
		"Address 1 - Street", "Address 1 - City", "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code",
		"Address 1 - Country", "Address 1 - Extended Address", "Website 1 - Label", "Website 1 - Value"}
	googleOldHeader = []string{"Name", "Given Name", "Additional Name", "Family Name", "Yomi Name", "Given Name Yomi",
		"Additional Name Yomi", "Family Name Yomi", "Name Prefix", "Name Suffix", "Initials", "Nickname", "Short Name",
		"Maiden Name", "Birthday", "Gender", "Location", "Billing Information", "Directory Server", "Mileage", "Occupation",
		"Hobby", "Sensitivity", "Priority", "Subject", "Notes", "Language", "Photo", "Group Membership",
		"E-mail 1 - Type", "E-mail 1 - Value", "E-mail 2 - Type", "E-mail 2 - Value", "Phone 1 - Type", "Phone 1 - Value",
		"Organization 1 - Type", "Organization 1 - Name", "Organization 1 - Yomi Name", "Organization 1 - Title"}
	outlookHeader = []string{"Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
		"Business Street", "Business Street 2", "Business Street 3", "Business City", "Business State", "Business Postal Code",
		"Business Country/Region", "Home Street", "Home Street 2", "Home Street 3", "Home City", "Home State",
		"Home Postal Code", "Home Country/Region", "Other Street", "Other Street 2", "Other Street 3", "Other City",
		"Other State", "Other Postal Code", "Other Country/Region", "Assistant's Phone", "Business Fax", "Business Phone",
		"Business Phone 2", "Callback", "Car Phone", "Company Main Phone", "Home Fax", "Home Phone", "Home Phone 2", "ISDN",
		"Mobile Phone", "Other Fax", "Other Phone", "Pager", "Primary Phone", "Radio Phone", "TTY/TDD Phone", "Telex",
		"Account", "Anniversary", "Assistant's Name", "Billing Information", "Birthday", "Business Address PO Box",
		"Categories", "Children", "Directory Server", "E-mail Address", "E-mail Type", "E-mail Display Name",
		"E-mail 2 Address", "E-mail 2 Type", "E-mail 2 Display Name", "E-mail 3 Address", "E-mail 3 Type",
		"E-mail 3 Display Name", "Gender", "Government ID Number", "Hobby", "Home Address PO Box", "Initials",
		"Internet Free Busy", "Keywords", "Language", "Location", "Manager's Name", "Mileage", "Notes",
		"Office Location", "Organizational ID Number", "Other Address PO Box", "Priority", "Private", "Profession",
		"Referred By", "Sensitivity", "Spouse", "User 1", "User 2", "User 3", "User 4", "Web Page"}
	thunderbirdHeader = []string{"First Name", "Last Name", "Display Name", "Nickname", "Primary Email", "Secondary Email",
		"Screen Name", "Work Phone", "Home Phone", "Fax Number", "Pager Number", "Mobile Number", "Home Address",
		"Home Address 2", "Home City", "Home State", "Home ZipCode", "Home Country", "Work Address", "Work Address 2",
		"Work City", "Work State", "Work ZipCode", "Work Country", "Job Title", "Department", "Organization",
		"Web Page 1", "Web Page 2", "Birth Year", "Birth Month", "Birth Day", "Custom 1", "Custom 2", "Custom 3",
		"Custom 4", "Notes"}
)

// exportFile builds an export the way the program writes it: the whole
// header, and each row with its values in their named columns and the
// other columns empty.
func exportFile(t *testing.T, header []string, rows ...map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	w.Write(header)
	for _, r := range rows {
		rec := make([]string, len(header))
		for k, v := range r {
			i := -1
			for j, h := range header {
				if h == k {
					i = j
				}
			}
			if i < 0 {
				t.Fatalf("column %q is not in the header", k)
			}
			rec[i] = v
		}
		w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

// show renders contacts compactly for comparisons.
func show(list []Contact) string {
	var s []string
	for _, c := range list {
		x := c.Name
		if c.Nickname != "" {
			x += " ~" + c.Nickname
		}
		for _, e := range c.Emails {
			x += " <" + e.Type + ":" + e.Address + ">"
		}
		for _, p := range c.Phones {
			x += " [" + p.Type + ":" + p.Number + "]"
		}
		if c.Org != "" {
			x += " org=" + c.Org
		}
		if c.Note != "" {
			x += " note=" + strings.ReplaceAll(c.Note, "\n", `\n`)
		}
		if len(c.Groups) > 0 {
			x += " groups=" + strings.Join(c.Groups, "+")
		}
		s = append(s, x)
	}
	return strings.Join(s, "; ")
}

func showSkipped(list []Skipped) string {
	var s []string
	for _, k := range list {
		s = append(s, k.Where+": "+k.Why)
	}
	return strings.Join(s, "; ")
}

func TestReadCSV(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		format  string
		want    string
		skipped string // text each skipped entry must hold, joined with "; " in order
	}{
		{"google", exportFile(t, googleHeader,
			map[string]string{"First Name": "Ann", "Last Name": "Lee", "Nickname": "annie", "Organization Name": "Acme",
				"Notes": "line one\nline two", "Labels": "* myContacts ::: Friends ::: Work",
				"E-mail 1 - Label": "* Home", "E-mail 1 - Value": "ann@example.org", "E-mail 2 - Label": "Work", "E-mail 2 - Value": "ann@acme.example",
				"Phone 1 - Label": "Mobile", "Phone 1 - Value": "+1 555 0100"},
			// several addresses of one label in one cell
			map[string]string{"First Name": "Bob", "E-mail 1 - Label": "Other", "E-mail 1 - Value": "bob@example.org ::: bob@example.net"},
			// no name: named after the address
			map[string]string{"E-mail 1 - Value": "carol@example.org"},
			// nothing usable
			map[string]string{"Notes": "only a note"},
			// a bad address is left out, the rest kept
			map[string]string{"First Name": "Dan", "E-mail 1 - Value": "not an address", "Phone 1 - Value": "123"},
		), "Google CSV",
			"Ann Lee ~annie <home:ann@example.org> <work:ann@acme.example> [cell:+1 555 0100] org=Acme note=line one\\nline two groups=Friends+Work; " +
				"Bob <other:bob@example.org> <other:bob@example.net>; carol@example.org <other:carol@example.org>; Dan [other:123]",
			"row 5: no name; row 6: address"},
		{"google old layout", exportFile(t, googleOldHeader,
			map[string]string{"Name": "Ann Lee", "Group Membership": "* My Contacts ::: Family", "E-mail 1 - Type": "* Work",
				"E-mail 1 - Value": "ann@example.org", "Organization 1 - Name": "Acme"},
		), "Google CSV", "Ann Lee <work:ann@example.org> org=Acme groups=Family", ""},
		{"outlook", exportFile(t, outlookHeader,
			map[string]string{"First Name": "Ann", "Middle Name": "B.", "Last Name": "Lee", "Company": "Acme", "E-mail Address": "ann@example.org",
				"E-mail 2 Address": "ann@acme.example", "Mobile Phone": "+1 555 0100", "Business Phone": "+1 555 0101",
				"Categories": "Friends;Work", "Notes": "met at FOSDEM"},
			// Exchange entries have no SMTP address: named, kept without
			map[string]string{"E-mail Display Name": "Bob (bob@example.org)", "E-mail Address": "/o=ExchangeLabs/ou=Exchange/cn=Recipients/cn=bob"},
		), "Outlook CSV",
			"Ann B. Lee <other:ann@example.org> <other:ann@acme.example> [cell:+1 555 0100] [work:+1 555 0101] org=Acme note=met at FOSDEM groups=Friends+Work; Bob (bob@example.org)",
			"row 3: address"},
		{"thunderbird", exportFile(t, thunderbirdHeader,
			map[string]string{"First Name": "Ann", "Last Name": "Lee", "Display Name": "Ann Lee", "Nickname": "ann", "Primary Email": "ann@example.org",
				"Secondary Email": "ann@example.net", "Work Phone": "1", "Home Phone": "2", "Mobile Number": "3", "Organization": "Acme"},
			// no display name: first and last
			map[string]string{"First Name": "Bob", "Last Name": "Ray", "Primary Email": "bob@example.org"},
		), "Thunderbird CSV",
			"Ann Lee ~ann <other:ann@example.org> <other:ann@example.net> [cell:3] [home:2] [work:1] org=Acme; Bob Ray <other:bob@example.org>", ""},
		// Latin-1 (Windows-1252) export, as older Outlook writes it
		{"latin-1", latin1(t, "First Name,Last Name,E-mail Address\r\nJürgen,Groß,jg@example.de\r\n"), "Outlook CSV",
			"Jürgen Groß <other:jg@example.de>", "file: not UTF-8"},
		// a UTF-8 byte order mark before the header
		{"bom", []byte("\xef\xbb\xbfDisplay Name,Primary Email\nAnn,ann@example.org\n"), "Thunderbird CSV", "Ann <other:ann@example.org>", ""},
		// semicolons, as Outlook writes in some locales; short rows
		{"semicolons", []byte("First Name;Last Name;E-mail Address;Categories\nAnn;Lee;ann@example.org\nBob\n"), "Outlook CSV",
			"Ann Lee <other:ann@example.org>; Bob", ""},
		// columns in another order, other case
		{"order", []byte("primary email,DISPLAY NAME\nann@example.org,Ann\n"), "Thunderbird CSV", "Ann <other:ann@example.org>", ""},
		// a bad group name is left out
		{"bad group", []byte("First Name,E-mail Address,Categories\nAnn,ann@example.org,a@b;ok\n"), "Outlook CSV",
			"Ann <other:ann@example.org> groups=ok", "row 2: group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ReadCSV(bytes.NewReader(tt.data))
			if err != nil {
				t.Fatalf("ReadCSV = %v", err)
			}
			if res.Format != tt.format {
				t.Errorf("ReadCSV format = %q, want %q", res.Format, tt.format)
			}
			if got := show(res.Contacts); got != tt.want {
				t.Errorf("ReadCSV contacts =\n%s\nwant\n%s", got, tt.want)
			}
			checkSkipped(t, res.Skipped, tt.skipped)
			if Detect(tt.data) != FormatCSV {
				t.Errorf("Detect = %q, want csv", Detect(tt.data))
			}
		})
	}
}

// checkSkipped checks the skipped entries against want: "; " separated
// items "where: part of why" (or only "part of why"), in order.
func checkSkipped(t *testing.T, got []Skipped, want string) {
	t.Helper()
	var ws []string
	if want != "" {
		ws = strings.Split(want, "; ")
	}
	if len(got) != len(ws) {
		t.Errorf("skipped = %q, want %d entries (%q)", showSkipped(got), len(ws), want)
		return
	}
	for i, w := range ws {
		where, why, ok := strings.Cut(w, ": ")
		if !ok {
			where, why = got[i].Where, w
		}
		if got[i].Where != where || !strings.Contains(got[i].Why, why) {
			t.Errorf("skipped[%d] = %q: %q, want %q: ...%q...", i, got[i].Where, got[i].Why, where, why)
		}
	}
}

func latin1(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadCSVRefused(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", "header"},
		// no e-mail column of a known layout
		{"Name,Phone\nAnn,1\n", "none of the e-mail columns"},
		{strings.Repeat("x", MaxImportBytes+1), "larger than"},
	}
	for _, tt := range tests {
		_, err := ReadCSV(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadCSV(%.30q) = %v, want an error with %q", tt.in, err, tt.want)
		}
	}
}
