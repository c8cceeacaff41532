// Package autocrypt reads the Autocrypt header of a received message
// (Autocrypt Level 1, https://autocrypt.org/level1.html, section 2.1
// "The Autocrypt Header" and 2.3 "Header Parsing"), so that the message
// page can offer to import the sender's key with one click.
//
// What it does: Parse takes every Autocrypt field of a message and its
// From address, and returns the one valid header: the addr attribute
// (required) must be the From address (compared case-insensitively), the
// keydata attribute (required) is base64 of an OpenPGP key, whitespace
// ignored, at most MaxKeyDataBytes decoded; prefer-encrypt is "mutual"
// or anything else read as no preference; an unknown attribute whose
// name begins with "_" is ignored, any other unknown (critical)
// attribute makes the header invalid; a header given twice for an
// attribute is invalid. More than one valid header is an error and
// none counts (ErrSeveral), as section 2.3 says.
//
// Field writes the header of an outgoing message (section 2.1): the
// sender's address and key, folded into lines of at most 78 characters,
// which Parse reads back. The key is the caller's: the app exports the
// user's own OpenPGP key (gpg --export-options export-minimal) for the
// From address when the user turned the preference "autocrypt" on.
//
// What it does not do: it does not look at the key (package gnupg's
// Import does, and refuses secret keys), keep Autocrypt peer state
// (last_seen, autocrypt_timestamp), read or write Autocrypt-Gossip
// headers of encrypted mail, or choose to encrypt from a peer's
// prefer-encrypt (Level 1's recommendation; the user chooses). The
// caller skips messages that Level 1 tells to skip (multipart/report:
// bounces carry the header of someone else's mail).
package autocrypt

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Limits.
const (
	// MaxKeyDataBytes bounds the decoded key of a header (an Autocrypt
	// key is a primary key, one user id and an encryption subkey: a few
	// kilobytes even with RSA 4096).
	MaxKeyDataBytes = 64 << 10
	// MaxHeaders bounds the Autocrypt fields looked at.
	MaxHeaders = 16
)

// Errors.
var (
	ErrNone    = errors.New("autocrypt: no valid Autocrypt header")
	ErrSeveral = errors.New("autocrypt: more than one valid Autocrypt header")
)

// Header is a valid Autocrypt header.
type Header struct {
	Addr         string // lower case
	PreferMutual bool   // prefer-encrypt=mutual
	KeyData      []byte // the OpenPGP key, binary
}

// Parse returns the one valid header among values (the Autocrypt
// fields of a message, unfolded) for the sender address from.
func Parse(values []string, from string) (Header, error) {
	from = strings.ToLower(strings.TrimSpace(from))
	var found []Header
	for i, v := range values {
		if i >= MaxHeaders {
			break
		}
		h, err := parseOne(v)
		if err != nil || h.Addr != from || from == "" {
			continue
		}
		found = append(found, h)
	}
	switch len(found) {
	case 0:
		return Header{}, ErrNone
	case 1:
		return found[0], nil
	}
	return Header{}, ErrSeveral
}

// parseOne reads one field's value.
func parseOne(v string) (Header, error) {
	var h Header
	seen := map[string]bool{}
	var key string
	for _, attr := range strings.Split(v, ";") {
		attr = strings.TrimSpace(attr)
		if attr == "" {
			continue
		}
		name, val, ok := strings.Cut(attr, "=")
		if !ok {
			return Header{}, fmt.Errorf("autocrypt: attribute %q without a value", truncate(attr))
		}
		name = strings.ToLower(strings.TrimSpace(name))
		if seen[name] {
			return Header{}, fmt.Errorf("autocrypt: attribute %q twice", name)
		}
		seen[name] = true
		switch {
		case name == "addr":
			h.Addr = strings.ToLower(strings.TrimSpace(val))
		case name == "prefer-encrypt":
			h.PreferMutual = strings.TrimSpace(val) == "mutual"
		case name == "keydata":
			key = val
		case strings.HasPrefix(name, "_"):
			// non-critical: ignored
		default:
			return Header{}, fmt.Errorf("autocrypt: unknown critical attribute %q", truncate(name))
		}
	}
	if h.Addr == "" || strings.Count(h.Addr, "@") != 1 || key == "" {
		return Header{}, errors.New("autocrypt: addr or keydata missing")
	}
	key = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, key)
	if base64.StdEncoding.DecodedLen(len(key)) > MaxKeyDataBytes+3 {
		return Header{}, errors.New("autocrypt: keydata too large")
	}
	b, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(key, "=")); err != nil {
			return Header{}, fmt.Errorf("autocrypt: keydata: %v", err)
		}
	}
	if len(b) == 0 || len(b) > MaxKeyDataBytes || b[0]&0x80 == 0 {
		return Header{}, errors.New("autocrypt: keydata is no OpenPGP packet")
	}
	h.KeyData = b
	return h, nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40]
	}
	return s
}
