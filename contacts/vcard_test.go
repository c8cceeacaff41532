package contacts

import (
	"bytes"
	"strings"
	"testing"
)

func TestReadVCard(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		skipped string
	}{
		{"4.0", "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann Lee\r\nNICKNAME:annie\r\nEMAIL;TYPE=home:ann@example.org\r\nEMAIL;TYPE=work;PREF=1:ann@acme.example\r\n" +
			"TEL;VALUE=uri;TYPE=cell:tel:+1-555-0100\r\nORG:Acme\r\nNOTE:two\\nlines\\, one comma\r\nCATEGORIES:Friends,Work\r\nEND:VCARD\r\n",
			"Ann Lee ~annie <home:ann@example.org> <work:ann@acme.example> [cell:+1-555-0100] org=Acme note=two\\nlines, one comma groups=Friends+Work", ""},
		// vCard 3.0 as Thunderbird and Apple write it: TYPE=INTERNET,HOME, N without FN, folded lines
		{"3.0", "BEGIN:VCARD\nVERSION:3.0\nN:Lee;Bob;;;\nEMAIL;TYPE=INTERNET,WORK:bob@example.org\nEMAIL;TYPE=INTERNET:bob@exa\n mple.net\nTEL;TYPE=HOME,VOICE:555\nEND:VCARD\n" +
			"BEGIN:VCARD\nVERSION:3.0\nFN:Carol\nEMAIL;TYPE=INTERNET;TYPE=pref:carol@example.org\nEND:VCARD\n",
			"Bob Lee <work:bob@example.org> <other:bob@example.net> [home:555]; Carol <other:carol@example.org>", ""},
		// text before, 2.1, a group card, an empty card, a bad address, a broken last card
		{"odd cards", "garbage: before\na line without colon, ignored by go-vcard\nBEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen\nEND:VCARD\n" +
			"BEGIN:VCARD\nVERSION:4.0\nKIND:group\nFN:Team\nMEMBER:urn:uuid:1\nEND:VCARD\n" +
			"BEGIN:VCARD\nVERSION:4.0\nEND:VCARD\n" +
			"BEGIN:VCARD\nVERSION:4.0\nFN:Dan\nEMAIL:dan at example.org\nEMAIL:dan@example.org\nEND:VCARD\n" +
			"BEGIN:VCARD\nVERSION:4.0\nFN:Eve\n",
			"Dan <other:dan@example.org>",
			"card 1: vCard 2.1; card 2: a group card; card 3: no name; card 4: address; card 5: it is not complete; file: lines outside"},
		// a photo too large is dropped, a small one kept (counted in skipped only when dropped)
		{"photo", "BEGIN:VCARD\nVERSION:4.0\nFN:Pic\nPHOTO:data:image/png;base64," + strings.Repeat("A", MaxPhotoBytes) + "\nEND:VCARD\n",
			"Pic", "card 1: PHOTO is larger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ReadVCard(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("ReadVCard = %v", err)
			}
			if got := show(res.Contacts); got != tt.want {
				t.Errorf("ReadVCard contacts =\n%s\nwant\n%s", got, tt.want)
			}
			checkSkipped(t, res.Skipped, tt.skipped)
		})
	}
}

func TestReadVCardRefused(t *testing.T) {
	for _, in := range []string{"", "hello\nworld\n", "END:VCARD\n"} {
		if _, err := ReadVCard(strings.NewReader(in)); err == nil {
			t.Errorf("ReadVCard(%q) = nil error, want one", in)
		}
	}
}

// fullCard has every property the book edits, and some it keeps.
const fullCard = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:urn:uuid:0b3e8f4c-1d2e-4f5a-8b6c-7d8e9f0a1b2c\r\nFN:Jürgen \"JJ\" Groß\r\n" +
	"NICKNAME:jj\r\nEMAIL;TYPE=INTERNET,HOME:jg@example.de\r\nEMAIL;TYPE=WORK:jg@work.example\r\nEMAIL:jg@other.example\r\n" +
	"TEL;TYPE=CELL:+49 30 1234\r\nTEL;TYPE=WORK:+49 30 5678\r\nTEL:0800\r\nORG:Acme;Research\r\nNOTE:a note\\nover two lines\\, with a comma\r\n" +
	"CATEGORIES:Friends,Chess club\r\nCATEGORIES:Family\r\nBDAY:19700101\r\nADR;TYPE=home:;;Hauptstr. 1;Berlin;;10115;Germany\r\n" +
	"URL:https://example.de/jj\r\nitem1.X-ABLABEL:custom\r\nEND:VCARD\r\n"

// TestVCardRoundTrip: vCard -> book -> vCard -> book keeps every field,
// the kept properties included, and the second write is the first.
func TestVCardRoundTrip(t *testing.T) {
	res, err := ReadVCard(strings.NewReader(fullCard))
	if err != nil || len(res.Contacts) != 1 || len(res.Skipped) != 0 {
		t.Fatalf("ReadVCard = %+v, %v", res, err)
	}
	c := res.Contacts[0]
	want := `Jürgen "JJ" Groß ~jj <home:jg@example.de> <work:jg@work.example> <other:jg@other.example> [cell:+49 30 1234] [work:+49 30 5678] [other:0800] org=Acme;Research note=a note\nover two lines, with a comma groups=Friends+Chess club+Family`
	if got := show(res.Contacts); got != want {
		t.Fatalf("read =\n%s\nwant\n%s", got, want)
	}
	var out1 bytes.Buffer
	if err := WriteVCard(&out1, res.Contacts); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"VERSION:4.0", "UID:urn:uuid:0b3e8f4c-1d2e-4f5a-8b6c-7d8e9f0a1b2c", "BDAY:19700101", "ADR;TYPE=home:;;Hauptstr. 1;Berlin;;10115;Germany", "URL:https://example.de/jj", "item1.X-ABLABEL:custom"} {
		if !strings.Contains(out1.String(), p+"\r\n") {
			t.Errorf("written vCard lacks %q:\n%s", p, out1.String())
		}
	}
	res2, err := ReadVCard(bytes.NewReader(out1.Bytes()))
	if err != nil || len(res2.Contacts) != 1 {
		t.Fatalf("ReadVCard(written) = %+v, %v", res2, err)
	}
	c2 := res2.Contacts[0]
	if show(res2.Contacts) != want || c2.UID != c.UID || !c.Equal(&c2) {
		t.Errorf("round trip =\n%s\nwant\n%s", show(res2.Contacts), want)
	}
	var out2 bytes.Buffer
	WriteVCard(&out2, res2.Contacts)
	if out1.String() != out2.String() {
		t.Errorf("second write differs:\n%s\nfirst:\n%s", out2.String(), out1.String())
	}
}
