package compose

import (
	"bytes"
	"net/mail"
	"net/textproto"
	"testing"
	"time"
)

// TestSentCopyKeepsMessageID: the Sent copy (BuildDraft) of a sent
// message carries the id Build gave the message, so replies thread.
func TestSentCopyKeepsMessageID(t *testing.T) {
	d := &Draft{From: mail.Address{Address: "alice@example.org"}, To: "bob@example.org", Subject: "x", Body: "hi"}
	var sent, copy bytes.Buffer
	id, err := d.Build(&sent, time.Now(), "")
	if err != nil {
		t.Fatal(err)
	}
	d.MessageID = id
	id2, err := d.BuildDraft(&copy, time.Now(), "")
	if err != nil {
		t.Fatal(err)
	}
	if id2 != id {
		t.Errorf("BuildDraft with MessageID = %q, want %q", id2, id)
	}
	m, err := mail.ReadMessage(&copy)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Header.Get(textproto.CanonicalMIMEHeaderKey("Message-Id")); got != "<"+id+">" {
		t.Errorf("Sent copy Message-ID = %q, want <%s>", got, id)
	}
	for _, bad := range []string{"a\r\nBcc: x@y", "<x@y>", "no-at-sign"} {
		d.MessageID = bad
		if _, err := d.Build(&bytes.Buffer{}, time.Now(), ""); err == nil {
			t.Errorf("Build with MessageID %q = nil error, want a refusal", bad)
		}
	}
}
