package contacts

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s\nwant:\n%s", name, got, want)
	}
}

// exportBook has what an export must carry: typed addresses and phones,
// names that need quoting in CSV, a note over two lines, groups, and a
// property kept untouched.
func exportBook(t *testing.T) *Book {
	t.Helper()
	res, err := ReadVCard(strings.NewReader(fullCard +
		"BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:2\r\nFN:Lee, Ann\r\nEMAIL;TYPE=work:ann@example.org\r\nCATEGORIES:Chess club\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:3\r\nFN:Zed\r\nTEL;TYPE=home:1\r\nEND:VCARD\r\n"))
	if err != nil || len(res.Contacts) != 3 {
		t.Fatalf("ReadVCard = %+v, %v", res, err)
	}
	return &Book{Contacts: res.Contacts}
}

func TestExportGolden(t *testing.T) {
	b := exportBook(t)
	for _, tt := range []struct {
		name string
		list []Contact
	}{
		{"all", b.Search("")},
		{"group-chess-club", b.Members("chess CLUB")},
	} {
		var v, c bytes.Buffer
		if err := WriteVCard(&v, tt.list); err != nil {
			t.Fatal(err)
		}
		if err := WriteCSV(&c, tt.list); err != nil {
			t.Fatal(err)
		}
		golden(t, "export-"+tt.name+".vcf", v.Bytes())
		golden(t, "export-"+tt.name+".csv", c.Bytes())

		// Each export reads back as what was exported.
		rv, err := ReadVCard(&v)
		if err != nil || show(rv.Contacts) != show(tt.list) {
			t.Errorf("vCard export read back =\n%s\nwant\n%s", show(rv.Contacts), show(tt.list))
		}
		rc, err := ReadCSV(&c)
		if err != nil || rc.Format != "Google CSV" || show(rc.Contacts) != show(tt.list) {
			t.Errorf("CSV export read back (%v) =\n%s\nwant\n%s", err, show(rc.Contacts), show(tt.list))
		}
	}
}

// TestCSVFormula: a name or note a spreadsheet would run as a formula is
// written defused, and reads back as it was.
func TestCSVFormula(t *testing.T) {
	list := []Contact{
		{Name: `=HYPERLINK("http://evil.example","x")`, Note: "@SUM(1)", Emails: []Email{{TypeOther, "a@example.org"}}, Phones: []Phone{{TypeCell, "+1 555"}, {TypeHome, "-5"}}},
		{Name: "'=already quoted", Note: "''", Emails: []Email{{TypeOther, "b@example.org"}}},
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, list); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\r\n")[1:] {
		for _, cell := range strings.Split(line, ",") {
			if c := strings.TrimLeft(cell, `"`); strings.HasPrefix(c, "=") || strings.HasPrefix(c, "@") {
				t.Errorf("a cell begins with a formula: %q in\n%s", cell, b.String())
			}
		}
	}
	res, err := ReadCSV(&b)
	if err != nil || show(res.Contacts) != show(list) {
		t.Errorf("read back:\n%s\nwant\n%s", show(res.Contacts), show(list))
	}
}
