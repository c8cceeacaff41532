package message

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// A display name that holds an address other than the real one
// ("purchasing@example.com" <do-not-reply@elsewhere.example>) shows a
// reader a sender the message is not from. Mail readers now show the real
// address beside such a name and mark it; so does postern, everywhere a
// sender is shown (Address.Misleading, Address.ListName, SenderWarning).
//
// What counts as an address in a name: a run of characters that may make
// up an address (ASCII letters, digits, the specials of RFC 5322 atext,
// '.', '@', and non-ASCII letters, marks and digits: RFC 6531), after
// Unicode compatibility folding (NFKC: a full-width '＠' is '@') and with
// invisible format characters (zero-width space and joiners) removed, that
// has text on both sides of its last '@'. "@handle" and "Team @ Work" are
// no addresses.
//
// When two addresses are the same: compared without regard to case (the
// local part is case-sensitive by RFC 5321, but no mail system makes use
// of it and a reader cannot tell), with the domain in its IDNA ASCII form
// (bücher.example is xn--bcher-kva.example) and without a trailing dot.
//
// Decided: a name holding another address of the same domain
// ("alice@example.com" <bob@example.com>) is marked too. The domain being
// the same does not make the name true: it names another person. A name
// that only looks like a domain ("paypal.com" <x@elsewhere.example>) is
// not marked: it is no address, and a name is free text.

// maxListName bounds the name and the address in a ListName: a list row
// is one line, and a padded name must not push the real address out of a
// stored summary (maildir.MaxSummaryText).
const maxListName = 200

// isAddrChar reports whether r may be part of an address in a name.
func isAddrChar(r rune) bool {
	if r < utf8.RuneSelf {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return true
		}
		return strings.ContainsRune("!#$%&'*+-/=?^_`{|}~.@", r)
	}
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)
}

// foldName is s as it is read for addresses: NFKC, format characters
// (zero-width space, joiners, direction marks) removed.
func foldName(s string) string {
	s = norm.NFKC.String(s)
	if !strings.ContainsFunc(s, isFormat) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isFormat(r) {
			return -1
		}
		return r
	}, s)
}

// isFormat reports invisible format characters (Unicode category Cf).
func isFormat(r rune) bool { return r >= 0x80 && unicode.Is(unicode.Cf, r) }

// nameAddrs returns the address-like words of a display name, folded
// (foldName), in order.
func nameAddrs(name string) []string {
	if !strings.ContainsFunc(name, func(r rune) bool { return r == '@' || r >= utf8.RuneSelf }) {
		return nil
	}
	var out []string
	for _, w := range strings.FieldsFunc(foldName(name), func(r rune) bool { return !isAddrChar(r) }) {
		w = strings.Trim(w, "'`")
		w = strings.TrimRight(w, ".")
		at := strings.LastIndexByte(w, '@')
		if at <= 0 || strings.Trim(w[at+1:], ".") == "" {
			continue
		}
		out = append(out, w)
	}
	return out
}

// sameAddr is an address as compared: folded, lower-case, the domain in
// IDNA ASCII form without a trailing dot.
func sameAddr(a string) string {
	a = strings.ToLower(foldName(strings.TrimSpace(a)))
	at := strings.LastIndexByte(a, '@')
	if at < 0 {
		return a
	}
	domain := strings.TrimSuffix(a[at+1:], ".")
	if d, err := idna.Punycode.ToASCII(domain); err == nil {
		domain = d
	}
	return a[:at+1] + domain
}

// Misleading returns the first address in the display name (see above)
// that is not the address itself, or "" when the name holds none. An
// Address with a name and no address is misleading when the name holds
// an address.
func (a Address) Misleading() string {
	words := nameAddrs(a.Name)
	if len(words) == 0 {
		return ""
	}
	real := sameAddr(a.Addr)
	for _, w := range words {
		if sameAddr(w) != real {
			return w
		}
	}
	return ""
}

// clipText cuts s to at most max bytes, at a rune boundary, marking the
// cut with "…".
func clipText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// ListName returns the sender as a list of messages shows it: the display
// name, else the address; and, when the name holds another address than
// the real one (Misleading), "name <address>", so that the real address
// shows too and SenderWarning can tell it again from the stored text.
// The name and the address are cut at 200 bytes each; a '<' in a broken
// address is shown as '‹'. (A name that holds only the real address and
// ends in '>' is also followed by it, so that SenderWarning never reads a
// name alone as "name <address>".)
func (a Address) ListName() string {
	name, addr := clipText(a.Name, maxListName), clipText(strings.ReplaceAll(a.Addr, "<", "‹"), maxListName)
	if name == "" {
		return addr
	}
	c := Address{Name: name, Addr: addr}
	if c.Misleading() != "" || strings.HasSuffix(name, ">") && len(nameAddrs(name)) > 0 {
		return name + " <" + addr + ">"
	}
	return name
}

// SenderWarning returns, for a sender shown as "name <address>" (as
// ListName and Address.String write it), an explanation that the name
// shows another address than the one the message is from; "" when it
// does not. For the text ListName gives, it warns exactly when
// ListName's address (cut as ListName cuts it) is Misleading.
func SenderWarning(shown string) string {
	if !strings.HasSuffix(shown, ">") {
		return ""
	}
	i := strings.LastIndex(shown, " <")
	if i < 0 {
		return ""
	}
	return Address{Name: shown[:i], Addr: shown[i+2 : len(shown)-1]}.Warning()
}

// Warning explains a Misleading name; "" when the name is not.
func (a Address) Warning() string {
	w := a.Misleading()
	if w == "" {
		return ""
	}
	if strings.TrimSpace(a.Addr) == "" {
		return "The name shows the address " + w + ", but the message gives no address of its sender."
	}
	return "The name shows the address " + w + ", but the message is from " + a.Addr + "."
}
