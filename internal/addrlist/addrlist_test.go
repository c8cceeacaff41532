package addrlist

import (
	"net/mail"
	"slices"
	"testing"
)

func TestSplit(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"a@x, b@x", []string{"a@x", " b@x"}},
		{`"Doe, Jane" <j@x>, b@x`, []string{`"Doe, Jane" <j@x>`, " b@x"}}, // comma in a quoted name
		{`(Doe, Jane) j@x`, []string{`(Doe, Jane) j@x`}},                  // comma in a comment
		{`<a,b@x>`, []string{`<a,b@x>`}},                                  // comma in angle brackets
		{`"a\", b" <c@x>`, []string{`"a\", b" <c@x>`}},                    // escaped quote does not end the string
		{"", []string{""}},
	} {
		if got := Split(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Split(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFormatReadsBack: what Format writes, net/mail reads as the same
// name and address.
func TestFormatReadsBack(t *testing.T) {
	for _, name := range []string{"", "Jane Doe", "Doe, Jane", `Jane "JD" Doe`, "J. Doe", "Jürgen Müller", " lead", "a  b", "=?utf-8?q?x?=", `back\slash`} {
		s := Format(name, "j@example.org")
		a, err := mail.ParseAddress(s)
		if err != nil || a.Name != name || a.Address != "j@example.org" {
			t.Errorf("Format(%q) = %q, reads back as %+v, %v", name, s, a, err)
		}
	}
}
