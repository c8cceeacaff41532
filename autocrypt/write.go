package autocrypt

import (
	"encoding/base64"
	"errors"
	"strings"
)

// maxLine is the length of a folded line of Field: RFC 5322 section
// 2.1.1's 78 characters, without the line end.
const maxLine = 78

// Field returns the Autocrypt header field of an outgoing message
// (Level 1 section 2.1) for the sender address addr and its OpenPGP key
// keydata (binary, as gpg --export writes it), with prefer-encrypt=mutual
// when mutual, folded (RFC 5322 section 2.2.3) into lines of at most 78
// characters, each ended by "\n" as the rest of a message postern
// builds. The key is sent as given: the caller exports it minimal (a
// primary key, its user ids and self-signatures, its subkeys).
//
// It refuses an address that is not one plain addr-spec (no space,
// control character, ';', '=' or 8-bit byte, exactly one '@') and an
// empty or oversized key (MaxKeyDataBytes), so that what it returns is
// one well-formed field that Parse reads back.
func Field(addr string, keydata []byte, mutual bool) (string, error) {
	if !plainAddress(addr) {
		return "", errors.New("autocrypt: not a plain address")
	}
	if len(keydata) == 0 || len(keydata) > MaxKeyDataBytes || keydata[0]&0x80 == 0 {
		return "", errors.New("autocrypt: keydata empty, too large or no OpenPGP packet")
	}
	var b strings.Builder
	b.WriteString("Autocrypt: addr=" + addr + ";")
	if mutual {
		b.WriteString(" prefer-encrypt=mutual;")
	}
	b.WriteString(" keydata=\n")
	enc := base64.StdEncoding.EncodeToString(keydata)
	const width = maxLine - 1 // after the folding space
	for len(enc) > 0 {
		n := min(width, len(enc))
		b.WriteString(" " + enc[:n] + "\n")
		enc = enc[n:]
	}
	if first, _, _ := strings.Cut(b.String(), "\n"); len(first) > maxLine {
		return "", errors.New("autocrypt: address too long for one line")
	}
	return b.String(), nil
}

// plainAddress reports whether addr is printable ASCII without space,
// ';', '=' or '"', with one '@' between a local part and a domain.
func plainAddress(addr string) bool {
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		if c <= ' ' || c >= 0x7f || c == ';' || c == '=' || c == '"' || c == '<' || c == '>' || c == ',' {
			return false
		}
	}
	at := strings.IndexByte(addr, '@')
	return at > 0 && at < len(addr)-1 && strings.Count(addr, "@") == 1
}
