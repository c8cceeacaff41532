package mailcrypto

import (
	"net/mail"
	"strings"
)

// fromAddress returns the one address of a raw From field in lower
// case, or "" when it holds none or several. Encoded words in the
// display name do not matter here: only the address is kept.
func fromAddress(raw string) string {
	if raw == "" {
		return ""
	}
	if list, err := mail.ParseAddressList(raw); err == nil {
		if len(list) != 1 {
			return ""
		}
		return strings.ToLower(list[0].Address)
	}
	// QUIRK: what net/mail refuses (odd display names): the last
	// <...>, or the field itself when it is a bare address.
	a := strings.TrimSpace(raw)
	if i := strings.LastIndexByte(a, '<'); i >= 0 {
		a = a[i+1:]
		if j := strings.IndexByte(a, '>'); j >= 0 {
			a = a[:j]
		}
	}
	a = strings.ToLower(strings.TrimSpace(a))
	if strings.Count(a, "@") != 1 || strings.ContainsAny(a, " \t,;<>\"") {
		return ""
	}
	return a
}

// sameAddress reports whether a signer's address is the sender's:
// equal ignoring case (the local part's case is the receiving domain's
// business in theory, never meaningful in practice).
func sameAddress(signer, from string) bool {
	return from != "" && strings.EqualFold(strings.TrimSpace(signer), from)
}
