package compose

import (
	"errors"
	"net/mail"
	"strings"
	"testing"
)

func TestParseAddressList(t *testing.T) {
	tests := []struct {
		in   string
		want string // "Name|addr" items joined with ";", or "ERR:" and text the error must hold
	}{
		{"", ""},
		{" , ", ""},
		{"a@example.org", "|a@example.org"},
		{"Ann Lee <ann@example.org>, bob@example.net", "Ann Lee|ann@example.org;|bob@example.net"},
		// a comma inside quotes is no separator
		{`"Doe, Jane" <jane@example.org>`, "Doe, Jane|jane@example.org"},
		// UTF-8 display name as typed
		{"Jürgen Groß <jg@example.de>", "Jürgen Groß|jg@example.de"},
		// RFC 2047 name pasted from a header
		{"=?utf-8?q?J=C3=BCrgen?= <jg@example.de>", "Jürgen|jg@example.de"},
		// IDN domain to A-labels
		{"info@bücher.example", "|info@xn--bcher-kva.example"},
		{"Müller <m@MÜNCHEN.example>", "Müller|m@xn--mnchen-3ya.example"},
		// empty entries and a trailing comma
		{"a@example.org,, b@example.org,", "|a@example.org;|b@example.org"},
		// a group gives its members
		{"team: a@example.org, b@example.org;", "|a@example.org;|b@example.org"},
		{"<a@example.org>", "|a@example.org"},
		// net/mail takes a comment as the name
		{"a@example.org (Ann)", "Ann|a@example.org"},
		{"localhost user <u@localhost>", "localhost user|u@localhost"},
		{"not an address", `ERR:"not an address"`},
		// the bad entry is named
		{"a@example.org, bob", `ERR:"bob"`},
		{"a@example.org b@example.org", "ERR:bad address"},
		{"Ann <ann@example.org", "ERR:ann@example.org"},
		{"a@", "ERR:bad address"},
		{"jörg@example.org", "ERR:non-ASCII"},
		{"a@[192.0.2.1]", "ERR:literal"},
		// quoted local parts would need quoting on sendmail's command line
		{`"a b"@example.org`, "ERR:before the @"},
		{`".a"@example.org`, "ERR:before the @"},
		{"a@exa mple.org", "ERR:bad address"},
		{"a@-bad-.example", "ERR:bad domain"},
		// header injection
		{"a@example.org\r\nBcc: victim@example.org", "ERR:carriage return"},
		{"a@example.org\nBcc: victim@example.org", "ERR:line feed"},
		{"a@example.org\x00", "ERR:NUL"},
	}
	for _, tt := range tests {
		list, err := ParseAddressList(tt.in)
		if strings.HasPrefix(tt.want, "ERR:") {
			if err == nil || !strings.Contains(err.Error(), tt.want[4:]) {
				t.Errorf("ParseAddressList(%q) = %v, %v, want an error with %q", tt.in, show(list), err, tt.want[4:])
			}
			continue
		}
		if err != nil || show(list) != tt.want {
			t.Errorf("ParseAddressList(%q) = %q, %v, want %q", tt.in, show(list), err, tt.want)
		}
	}
}

func show(list []*mail.Address) string {
	s := make([]string, len(list))
	for i, a := range list {
		s[i] = a.Name + "|" + a.Address
	}
	return strings.Join(s, ";")
}

func TestParseAddressListLimit(t *testing.T) {
	s := strings.Repeat("a@example.org,", maxAddresses+1)
	if _, err := ParseAddressList(s); err == nil {
		t.Errorf("ParseAddressList(%d addresses) = nil error, want too many", maxAddresses+1)
	}
}

func TestCheckHeaderValue(t *testing.T) {
	tests := []struct {
		in   string
		want rune // -1: accepted
	}{
		{"plain", -1},
		{"tab\tis fine", -1},
		{"Grüße ☃", -1},
		{"", -1},
		{"a\rb", '\r'},
		{"a\nb", '\n'},
		{"a\r\nBcc: x@example.org", '\r'},
		{"a\x00b", 0},
		{"a\x1bb", 0x1b},     // escape
		{"a\x7fb", 0x7f},     // DEL
		{"a\u0085b", 0x85},   // NEL, a C1 line break
		{"a\xffb", '\uFFFD'}, // invalid UTF-8
	}
	for _, tt := range tests {
		err := CheckHeaderValue(tt.in)
		var he *HeaderError
		switch {
		case tt.want == -1 && err != nil:
			t.Errorf("CheckHeaderValue(%q) = %v, want nil", tt.in, err)
		case tt.want != -1 && (!errors.As(err, &he) || he.Char != tt.want):
			t.Errorf("CheckHeaderValue(%q) = %v, want a HeaderError for %U", tt.in, err, tt.want)
		}
	}
	// U+FFFD written out is valid UTF-8.
	if err := CheckHeaderValue("\uFFFD"); err != nil {
		t.Errorf("CheckHeaderValue(U+FFFD) = %v, want nil", err)
	}
}

// TestValidateInjection puts CR, LF and NUL into every header field of a
// draft: each must be refused, naming the field.
func TestValidateInjection(t *testing.T) {
	fields := []struct {
		name string
		set  func(d *Draft, v string)
	}{
		{"From", func(d *Draft, v string) { d.From.Name = v }},
		{"From", func(d *Draft, v string) { d.From.Address = v }},
		{"To", func(d *Draft, v string) { d.To = v }},
		{"Cc", func(d *Draft, v string) { d.Cc = v }},
		{"Bcc", func(d *Draft, v string) { d.Bcc = v }},
		{"Subject", func(d *Draft, v string) { d.Subject = v }},
		{"In-Reply-To", func(d *Draft, v string) { d.InReplyTo = v }},
		{"References", func(d *Draft, v string) { d.References = []string{"ok@example.org", v} }},
		{"attachment name", func(d *Draft, v string) { d.Attachments[0].Name = v }},
		{"attachment", func(d *Draft, v string) { d.Attachments[0].ContentType = "text/plain" + v }},
	}
	for _, f := range fields {
		for _, bad := range []string{"\r", "\n", "\x00", "\r\nBcc: victim@example.org"} {
			d := validDraft()
			if err := d.Validate(Limits{}); err != nil {
				t.Fatalf("Validate(valid draft) = %v", err)
			}
			f.set(d, "x@example.org"+bad)
			err := d.Validate(Limits{})
			if err == nil || !strings.Contains(err.Error(), f.name) {
				t.Errorf("Validate(%s with %q) = %v, want an error naming %s", f.name, bad, err, f.name)
			}
			if _, err := d.Build(&strings.Builder{}, testTime, "example.org"); err == nil {
				t.Errorf("Build(%s with %q) = nil error, want refusal", f.name, bad)
			}
		}
	}
}

func validDraft() *Draft {
	return &Draft{
		From:        mail.Address{Name: "Ann", Address: "ann@example.org"},
		To:          "bob@example.org",
		Subject:     "hello",
		Body:        "hi",
		InReplyTo:   "1@example.org",
		References:  []string{"1@example.org"},
		Attachments: []Attachment{{Name: "a.txt", ContentType: "text/plain", Size: 1, Path: "/dev/null"}},
	}
}
