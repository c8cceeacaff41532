package identity

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"postern/compose"
	"postern/internal/addrlist"
)

// Placement is where a signature goes in a reply or a forward.
type Placement string

const (
	Below Placement = "below" // after the quote (the default)
	Above Placement = "above" // between the user's text and the quote
)

// Crypto is a default of compose's Sign or Encrypt option.
type Crypto string

const (
	Inherit Crypto = ""        // no default of its own: the preferences' applies
	Off     Crypto = "off"     // off, whatever the preferences say
	OpenPGP Crypto = "openpgp" // on, with OpenPGP
	SMIME   Crypto = "smime"   // on, with S/MIME
)

// Identity is one sender identity. The json names are the file format.
type Identity struct {
	Address   string    `json:"address"`
	Name      string    `json:"name,omitempty"`
	ReplyTo   string    `json:"reply_to,omitempty"`
	Signature string    `json:"signature,omitempty"`
	Placement Placement `json:"placement,omitempty"`
	Default   bool      `json:"default,omitempty"`
	Sign      Crypto    `json:"sign,omitempty"`
	Encrypt   Crypto    `json:"encrypt,omitempty"`

	// Set by Resolve, never stored:
	Stored   bool `json:"-"` // there is a stored identity for Address
	Disabled bool `json:"-"` // stored, but its address is no longer allowed
}

// SignDefault is the starting value of compose's Sign option for this
// identity: Inherit (the preferences' default), Off, OpenPGP or SMIME.
func (id Identity) SignDefault() Crypto { return known(id.Sign) }

// EncryptDefault is the starting value of compose's Encrypt option for
// this identity: Inherit, Off, OpenPGP or SMIME.
func (id Identity) EncryptDefault() Crypto { return known(id.Encrypt) }

// Place is the identity's signature placement, Below when unset.
func (id Identity) Place() Placement {
	if id.Placement == Above {
		return Above
	}
	return Below
}

func known(c Crypto) Crypto {
	if c == Off || c == OpenPGP || c == SMIME {
		return c
	}
	return Inherit
}

// ETag is a digest of the identity's stored fields but Default, so that
// choosing another default does not make an open edit stale.
func (id Identity) ETag() string {
	id.Default, id.Stored, id.Disabled = false, false, false
	b, _ := json.Marshal(id)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// Errors. InvalidError, LimitError and CorruptError carry the detail.
var (
	ErrStale      = errors.New("identity: changed since it was shown")
	ErrNotFound   = errors.New("identity: no such identity")
	ErrNotAllowed = errors.New("identity: address not allowed by the administrator")
	ErrDuplicate  = errors.New("identity: that address already has an identity")
)

// InvalidError says which field of an identity is wrong and why, in
// words for its form.
type InvalidError struct{ Field, Reason string }

func (e *InvalidError) Error() string { return "identity: " + e.Field + ": " + e.Reason }

// LimitError is a limit of this package that a change would break.
type LimitError struct {
	What string
	Max  int
}

func (e *LimitError) Error() string { return fmt.Sprintf("identity: more than %d %s", e.Max, e.What) }

func invalid(field, format string, args ...any) error {
	return &InvalidError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Clean checks id and puts it in its stored form: the address trimmed,
// the Reply-To rewritten, the signature's line ends, trailing space and
// pasted separator removed, empty placement and crypto values set to
// their defaults. It does not check the address against the policy.
func (id *Identity) Clean() error {
	id.Address = strings.TrimSpace(id.Address)
	a, err := mail.ParseAddress(id.Address)
	if id.Address == "" || len(id.Address) > 254 || err != nil || a.Name != "" || a.Address != id.Address {
		return invalid("address", "%q is not an e-mail address", id.Address)
	}
	id.Name = strings.TrimSpace(id.Name)
	if len(id.Name) > MaxNameBytes {
		return invalid("name", "longer than %d bytes", MaxNameBytes)
	}
	if !printable(id.Name, false) || strings.ContainsRune(id.Name, '\t') {
		return invalid("name", "holds a line break or a control character")
	}
	if err := id.cleanReplyTo(); err != nil {
		return err
	}
	if err := id.cleanSignature(); err != nil {
		return err
	}
	switch id.Placement {
	case "", Below:
		id.Placement = Below
	case Above:
	default:
		return invalid("placement", "%q is neither below nor above", id.Placement)
	}
	for _, c := range []*Crypto{&id.Sign, &id.Encrypt} {
		switch *c {
		case Inherit, Off, OpenPGP, SMIME:
		default:
			return invalid("crypto", "%q is not off, openpgp or smime", *c)
		}
	}
	return nil
}

// cleanReplyTo reads the Reply-To as compose reads To.
func (id *Identity) cleanReplyTo() error {
	if len(id.ReplyTo) > MaxReplyToBytes {
		return invalid("reply-to", "longer than %d bytes", MaxReplyToBytes)
	}
	list, err := compose.ParseAddressList(id.ReplyTo)
	if err != nil {
		return invalid("reply-to", "%s", strings.TrimPrefix(err.Error(), "compose: "))
	}
	if len(list) > MaxReplyTo {
		return invalid("reply-to", "more than %d addresses", MaxReplyTo)
	}
	s := make([]string, len(list))
	for i, a := range list {
		s[i] = addrlist.Format(a.Name, a.Address)
	}
	id.ReplyTo = strings.Join(s, ", ")
	if len(id.ReplyTo) > MaxReplyToBytes {
		return invalid("reply-to", "longer than %d bytes", MaxReplyToBytes)
	}
	return nil
}

// cleanSignature normalises and checks the signature.
func (id *Identity) cleanSignature() error {
	s := strings.ReplaceAll(id.Signature, "\r\n", "\n")
	s = strings.TrimRight(s, " \t\n")
	if first, rest, _ := strings.Cut(s, "\n"); first == "-- " || first == "--" {
		s = rest
	}
	s = strings.TrimLeft(s, "\n")
	if len(s) > MaxSignatureBytes {
		return invalid("signature", "longer than %d bytes", MaxSignatureBytes)
	}
	if !printable(s, true) {
		return invalid("signature", "holds a control character")
	}
	lines := strings.Split(s, "\n")
	if s != "" && len(lines) > MaxSignatureLines {
		return invalid("signature", "more than %d lines", MaxSignatureLines)
	}
	for _, l := range lines {
		if l == Separator {
			return invalid("signature", "holds a separator line %q of its own", Separator)
		}
	}
	id.Signature = s
	return nil
}

// printable reports whether s is valid UTF-8 without control characters
// (C0 but tab, and LF when lines is set; DEL; C1).
func printable(s string, lines bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == '\t' || (lines && r == '\n'):
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return false
		}
	}
	return true
}
