package identity

import (
	"errors"
	"strings"
	"testing"
)

// TestClean: what an identity may hold, and its stored form.
func TestClean(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	lines := func(n int) string { return strings.TrimSuffix(strings.Repeat("l\n", n), "\n") }
	tests := []struct {
		in    Identity
		want  Identity // when err is ""
		field string   // the InvalidError's field, "" for none
	}{
		{in: Identity{Address: " ann@example.org "}, want: Identity{Address: "ann@example.org", Placement: Below}},
		{in: Identity{Address: "ann@example.org", Name: " Ann Lee ", ReplyTo: "desk@example.org,  \"Lee, Ann\" <ann@home.example>,", Signature: "Ann\r\n+1 555\r\n\r\n", Placement: Above, Sign: OpenPGP, Encrypt: SMIME},
			want: Identity{Address: "ann@example.org", Name: "Ann Lee", ReplyTo: "desk@example.org, \"Lee, Ann\" <ann@home.example>", Signature: "Ann\n+1 555", Placement: Above, Sign: OpenPGP, Encrypt: SMIME}},
		// A pasted separator, with or without its space, is dropped.
		{in: Identity{Address: "a@b.example", Signature: "-- \nAnn"}, want: Identity{Address: "a@b.example", Signature: "Ann", Placement: Below}},
		{in: Identity{Address: "a@b.example", Signature: "--\r\nAnn"}, want: Identity{Address: "a@b.example", Signature: "Ann", Placement: Below}},
		// An IDN Reply-To is written with its A-label, as compose sends it.
		{in: Identity{Address: "a@b.example", ReplyTo: "x@bücher.example"}, want: Identity{Address: "a@b.example", ReplyTo: "x@xn--bcher-kva.example", Placement: Below}},
		{in: Identity{Address: ""}, field: "address"},
		{in: Identity{Address: "Ann <ann@example.org>"}, field: "address"},
		{in: Identity{Address: "not an address"}, field: "address"},
		{in: Identity{Address: "a@b.example", Name: "Ann\nBcc: x@evil.example"}, field: "name"},
		{in: Identity{Address: "a@b.example", Name: "Ann\tLee"}, field: "name"},
		{in: Identity{Address: "a@b.example", Name: long(MaxNameBytes + 1)}, field: "name"},
		{in: Identity{Address: "a@b.example", Name: "\xff"}, field: "name"},
		{in: Identity{Address: "a@b.example", ReplyTo: "x@example.org\r\nBcc: y@evil.example"}, field: "reply-to"},
		{in: Identity{Address: "a@b.example", ReplyTo: "not an address"}, field: "reply-to"},
		{in: Identity{Address: "a@b.example", ReplyTo: strings.Repeat("x@example.org,", MaxReplyTo+1)}, field: "reply-to"},
		{in: Identity{Address: "a@b.example", ReplyTo: long(MaxReplyToBytes + 1)}, field: "reply-to"},
		{in: Identity{Address: "a@b.example", Signature: long(MaxSignatureBytes + 1)}, field: "signature"},
		{in: Identity{Address: "a@b.example", Signature: lines(MaxSignatureLines + 1)}, field: "signature"},
		{in: Identity{Address: "a@b.example", Signature: "Ann\x1b[31m"}, field: "signature"},
		{in: Identity{Address: "a@b.example", Signature: "Ann\n-- \nmore"}, field: "signature"}, // a separator inside
		{in: Identity{Address: "a@b.example", Placement: "left"}, field: "placement"},
		{in: Identity{Address: "a@b.example", Sign: "pgp"}, field: "crypto"},
		{in: Identity{Address: "a@b.example", Encrypt: "yes"}, field: "crypto"},
	}
	for _, tt := range tests {
		got := tt.in
		err := got.Clean()
		var ie *InvalidError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("Clean(%+v) = %v, want no error", tt.in, err)
		case tt.field == "" && got != tt.want:
			t.Errorf("Clean(%+v) = %+v, want %+v", tt.in, got, tt.want)
		case tt.field != "" && (!errors.As(err, &ie) || ie.Field != tt.field):
			t.Errorf("Clean(%+v) = %v, want an InvalidError of %s", tt.in, err, tt.field)
		}
	}
	// The limits themselves are allowed.
	ok := Identity{Address: "a@b.example", Name: long(MaxNameBytes), Signature: lines(MaxSignatureLines)}
	if err := ok.Clean(); err != nil {
		t.Errorf("Clean at the limits = %v", err)
	}
}

// TestDefaults: the accessors compose's Sign and Encrypt options read.
func TestDefaults(t *testing.T) {
	id := Identity{Sign: OpenPGP, Encrypt: "bogus"}
	if id.SignDefault() != OpenPGP || id.EncryptDefault() != Inherit || (Identity{Sign: Off}).SignDefault() != Off || (Identity{}).SignDefault() != Inherit {
		t.Errorf("SignDefault, EncryptDefault = %q, %q", id.SignDefault(), id.EncryptDefault())
	}
	if (Identity{}).Place() != Below || (Identity{Placement: Above}).Place() != Above {
		t.Error("Place")
	}
}
