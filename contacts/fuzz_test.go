package contacts

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
)

// checkImport asserts the properties every importer keeps, whatever its
// input: each contact is valid (Check), each address is one that
// net/mail reads back unchanged, and the contacts survive the book's
// own format: written as vCard and read again they are the same,
// field for field, with the same ETag.
func checkImport(t *testing.T, res *Result, err error) {
	t.Helper()
	if err != nil {
		if res != nil {
			t.Fatalf("an error (%v) with a result", err)
		}
		return
	}
	for _, c := range res.Contacts {
		if err := c.Check(); err != nil {
			t.Fatalf("imported contact %+v: %v", c, err)
		}
		for _, e := range c.Emails {
			a, err := mail.ParseAddress(e.Address)
			if err != nil || a.Address != e.Address {
				t.Fatalf("imported address %q: mail.ParseAddress = %v, %v", e.Address, a, err)
			}
		}
	}
	var buf bytes.Buffer
	if err := WriteVCard(&buf, res.Contacts); err != nil {
		t.Fatal(err)
	}
	if len(res.Contacts) == 0 {
		return
	}
	back, err := ReadVCard(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("ReadVCard(WriteVCard(contacts)) = %v\n%s", err, buf.Bytes())
	}
	if len(back.Contacts) != len(res.Contacts) || len(back.Skipped) != 0 {
		t.Fatalf("round trip: %d contacts (skipped %q), want %d\n%s", len(back.Contacts), showSkipped(back.Skipped), len(res.Contacts), buf.Bytes())
	}
	for i := range res.Contacts {
		if a, b := show(res.Contacts[i:i+1]), show(back.Contacts[i:i+1]); a != b || res.Contacts[i].ETag() != back.Contacts[i].ETag() {
			t.Fatalf("round trip changed a contact:\n%s\n%s\n%s", a, b, buf.Bytes())
		}
	}
}

func FuzzReadVCard(f *testing.F) {
	f.Add(fullCard)
	f.Add("BEGIN:VCARD\nVERSION:3.0\nN:Lee;Bob;;;\nEMAIL;TYPE=INTERNET,WORK:bob@example.org\nEND:VCARD\n")
	f.Add("BEGIN:VCARD\nVERSION:4.0\nFN:a\\,b\\nc\nX-Y;A=\"q:;\":v\nitem1.URL:http://x\nEND:VCARD\n")
	f.Add("BEGIN:VCARD\nVERSION:2.1\nFN:x\nEND:VCARD\nBEGIN:VCARD\nKIND:group\nEND:VCARD\n")
	f.Fuzz(func(t *testing.T, in string) {
		res, err := ReadVCard(strings.NewReader(in))
		checkImport(t, res, err)
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add("First Name,Last Name,E-mail Address,Categories\nAnn,Lee,ann@example.org,a;b\n")
	f.Add("Display Name;Primary Email;Secondary Email\nAnn;a@example.org;\"b@example.org\"\n")
	f.Add("Labels,E-mail 1 - Label,E-mail 1 - Value,Notes\n* myContacts ::: x,* Home,a@b.example ::: c@d.example,\"n\nn\"\n")
	f.Add("\xff\xfeP\x00r\x00i\x00m\x00a\x00r\x00y\x00 \x00E\x00m\x00a\x00i\x00l\x00\n\x00")
	f.Add("E-mail Address\n\x80\x81@example.org\n")
	f.Fuzz(func(t *testing.T, in string) {
		res, err := ReadCSV(strings.NewReader(in))
		checkImport(t, res, err)
	})
}

func FuzzReadMutt(f *testing.F) {
	f.Add("alias ann Ann Lee <ann@example.org>\n")
	f.Add("alias -group g team \"Lee, B\" <b@example.org>, c@example.org (C) \\\n d@example.org # x\nsource f\n")
	f.Add("alias x `rm -rf ~`\nalias 'q k' \"a\\\"b\" <a@b.example>\n")
	f.Fuzz(func(t *testing.T, in string) {
		res, err := ReadMutt(strings.NewReader(in))
		checkImport(t, res, err)
	})
}

func FuzzReadAbook(f *testing.F) {
	f.Add("[format]\nprogram=abook\n[0]\nname=Ann\nemail=a@example.org,b@example.org\ngroups=x,y\nmobile=1\nnotes=n\n")
	f.Add("[0]\nemail=a@b.example\n[1]\nname=\n[x]\nname=y\n")
	f.Fuzz(func(t *testing.T, in string) {
		res, err := ReadAbook(strings.NewReader(in))
		checkImport(t, res, err)
	})
}

// FuzzParseBook: the book file never panics the reader, and what it
// shows is written back the same.
func FuzzParseBook(f *testing.F) {
	f.Add(fullCard)
	f.Add("BEGIN:VCARD\nFN:x\nEND:VCARD\nBEGIN:VCARD\nFN:x\nEND:VCARD\n")
	f.Fuzz(func(t *testing.T, in string) {
		b, err := ParseBook(strings.NewReader(in))
		if err != nil {
			return
		}
		data, err := b.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		b2, err := ParseBook(bytes.NewReader(data))
		if err != nil || show(b2.Contacts) != show(b.Contacts) || b2.Len() != b.Len() {
			t.Fatalf("book round trip:\n%s\n%s", show(b.Contacts), show(b2.Contacts))
		}
	})
}
