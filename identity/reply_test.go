package identity

import (
	"slices"
	"strings"
	"testing"

	"postern/message"
)

// TestRecipients: the addresses a message was sent to, in ForReply's
// order, from a parsed message.
func TestRecipients(t *testing.T) {
	raw := "Delivered-To: ann@example.org\n" +
		"X-Original-To: <Sales@Example.org>\n" +
		"Delivered-To: <ann@lists.example.org>\n" +
		"From: Bob <bob@example.net>\n" +
		"To: \"The list\" <list@lists.example.org>\n" +
		"Cc: carol@example.net, =?utf-8?q?D=C3=A9?= <de@example.net>\n" +
		"Subject: hi\n\nbody\n"
	v := message.Parse(strings.NewReader(raw), message.DefaultLimits)
	got := Recipients(v)
	want := []string{"list@lists.example.org", "carol@example.net", "de@example.net", "ann@example.org", "ann@lists.example.org", "Sales@Example.org"}
	if !slices.Equal(got, want) {
		t.Errorf("Recipients = %q, want %q", got, want)
	}
	// Sent to the list, delivered through the alias: the alias's identity.
	l := (&Set{}).Resolve([]string{"me@example.org", "sales@example.org"})
	if id := l.ForReply(got); id.Address != "sales@example.org" {
		t.Errorf("ForReply = %q, want sales@example.org", id.Address)
	}
}
