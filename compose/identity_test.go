package compose

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
)

// TestBuildIdentity: the display name of From and the Reply-To list are
// encoded so that a reader gets them back exactly (RFC 2047 for the
// non-ASCII names, quoting for the specials), the header stays ASCII,
// and an empty Reply-To writes no field.
func TestBuildIdentity(t *testing.T) {
	d := &Draft{
		From:    mail.Address{Name: "Müller, Änne (Sales) \"AM\"", Address: "ann@example.org"},
		ReplyTo: "\"Desk, Sales\" <desk@example.org>, Jörg <j@bücher.example>",
		To:      "bob@example.org",
		Subject: "hi",
		Body:    "text\n\n-- \nÄnne\n",
	}
	var buf bytes.Buffer
	if _, err := d.Build(&buf, testTime, ""); err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(buf.String(), "\n\n")
	for i := 0; i < len(head); i++ {
		if head[i] >= 0x80 {
			t.Fatalf("header holds 8-bit bytes:\n%s", head)
		}
	}
	m, err := mail.ReadMessage(&buf)
	if err != nil {
		t.Fatal(err)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != d.From.Name || from[0].Address != "ann@example.org" {
		t.Errorf("From = %v (%v), want %q <ann@example.org>; header:\n%s", from, err, d.From.Name, head)
	}
	rt, err := m.Header.AddressList("Reply-To")
	if err != nil || len(rt) != 2 || rt[0].Name != "Desk, Sales" || rt[0].Address != "desk@example.org" ||
		rt[1].Name != "Jörg" || rt[1].Address != "j@xn--bcher-kva.example" {
		t.Errorf("Reply-To = %v (%v); header:\n%s", rt, err, head)
	}
	if strings.Count(head, "Reply-To:") != 1 {
		t.Errorf("want one Reply-To field:\n%s", head)
	}

	d.ReplyTo = ""
	buf.Reset()
	d.Build(&buf, testTime, "")
	if strings.Contains(buf.String(), "Reply-To") {
		t.Errorf("an empty Reply-To wrote a field:\n%s", buf.String())
	}
	// A Reply-To is checked like the other lists.
	for _, bad := range []string{"x@example.org\nBcc: y@evil.example", "not an address"} {
		d.ReplyTo = bad
		if err := d.Validate(Limits{}); err == nil {
			t.Errorf("Validate with Reply-To %q = nil", bad)
		}
	}
}
