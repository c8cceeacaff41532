package compose

import (
	"fmt"
	"net/mail"
	"postern/internal/addrlist"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// maxAddresses bounds the addresses of one address field.
const maxAddresses = 500

// HeaderError is a header value refused by CheckHeaderValue: a line
// break or another control character (header injection), or invalid
// UTF-8.
type HeaderError struct {
	Field string // the field name when known ("Subject"), else ""
	Char  rune   // the refused character; utf8.RuneError for invalid UTF-8
}

func (e *HeaderError) Error() string {
	what := "invalid UTF-8"
	switch e.Char {
	case utf8.RuneError:
	case '\r':
		what = "a carriage return"
	case '\n':
		what = "a line feed"
	case 0:
		what = "a NUL byte"
	default:
		what = fmt.Sprintf("the control character %U", e.Char)
	}
	if e.Field == "" {
		return "compose: header value contains " + what
	}
	return "compose: " + e.Field + " contains " + what
}

// CheckHeaderValue refuses a header value that holds CR, LF, NUL or any
// other control character but tab, or invalid UTF-8: such a value could
// add header fields (header injection). The error is a *HeaderError.
func CheckHeaderValue(s string) error {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n <= 1 {
				return &HeaderError{Char: utf8.RuneError}
			}
		}
		if (r < 0x20 && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return &HeaderError{Char: r}
		}
	}
	return nil
}

// checkField is CheckHeaderValue naming the field.
func checkField(field, s string) error {
	if err := CheckHeaderValue(s); err != nil {
		err.(*HeaderError).Field = field
		return err
	}
	return nil
}

// AddressError names an address that could not be read.
type AddressError struct {
	Addr   string // the address as typed (trimmed)
	Reason string
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("compose: bad address %q: %s", e.Addr, e.Reason)
}

// ParseAddressList reads an address list as a user types it: "Name
// <a@b>", "a@b", "\"Doe, J\" <j@example.org>", groups ("team: a@b,
// c@d;", whose members are returned), RFC 2047 encoded names, UTF-8
// names and internationalized domain names, separated by commas; empty
// entries and a trailing comma are ignored. The domains of the returned
// addresses are in ASCII (A-labels), lower case. A list that cannot be
// read gives an *AddressError naming the first bad address when it can
// be told, or a *HeaderError for control characters, also those of a
// decoded name.
func ParseAddressList(s string) ([]*mail.Address, error) {
	if err := CheckHeaderValue(s); err != nil {
		return nil, err
	}
	if strings.Trim(s, " \t,") == "" {
		return nil, nil
	}
	list, err := mail.ParseAddressList(s)
	if err != nil {
		return nil, explainList(s, err)
	}
	if len(list) > maxAddresses {
		return nil, fmt.Errorf("compose: too many addresses (at most %d)", maxAddresses)
	}
	for _, a := range list {
		// An encoded word may decode to what the raw text may not
		// hold ("=?utf-8?q?=10?="): the decoded name is checked too.
		if err := CheckHeaderValue(a.Name); err != nil {
			return nil, err
		}
		ascii, err := asciiAddress(a.Address)
		if err != nil {
			return nil, &AddressError{Addr: a.Address, Reason: err.Error()}
		}
		a.Address = ascii
	}
	return list, nil
}

// explainList finds the entry of s that net/mail refuses, to name it.
func explainList(s string, err error) error {
	for _, item := range addrlist.Split(s) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if _, e := mail.ParseAddress(item); e != nil {
			return &AddressError{Addr: item, Reason: strings.TrimPrefix(e.Error(), "mail: ")}
		}
	}
	return &AddressError{Addr: strings.TrimSpace(s), Reason: strings.TrimPrefix(err.Error(), "mail: ")}
}

// asciiAddress checks an addr-spec and converts its domain to ASCII.
func asciiAddress(addr string) (string, error) {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return "", fmt.Errorf("not local@domain")
	}
	local, domain := addr[:at], addr[at+1:]
	for i := 0; i < len(local); i++ {
		if local[i] >= utf8.RuneSelf {
			// SMTPUTF8 (RFC 6531) is not supported.
			return "", fmt.Errorf("non-ASCII before the @ is not supported")
		}
	}
	if !dotAtom(local) {
		return "", fmt.Errorf("quoted or unusual text before the @ is not supported")
	}
	if strings.HasPrefix(domain, "[") {
		return "", fmt.Errorf("address literals are not supported")
	}
	d, err := idna.Lookup.ToASCII(domain)
	if err != nil || !dnsLengths(d) {
		return "", fmt.Errorf("bad domain %q", domain)
	}
	return local + "@" + d, nil
}

// dnsLengths reports whether the ASCII domain d fits the DNS (RFC 1035
// section 2.3.4): labels of 1 to 63 octets, 253 in all (a final dot
// aside). A Unicode label can pass idna.Lookup and still give an A-label
// too long, which the same check refuses when it reads that A-label back.
func dnsLengths(d string) bool {
	d = strings.TrimSuffix(d, ".")
	if d == "" || len(d) > 253 {
		return false
	}
	for _, l := range strings.Split(d, ".") {
		if l == "" || len(l) > 63 {
			return false
		}
	}
	return true
}

// dotAtom reports whether s is a dot-atom (RFC 5322 section 3.2.3):
// the local parts that need no quoting, the only ones passed to sendmail.
func dotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~.", c) >= 0) {
			return false
		}
	}
	return true
}

// addrKey is the comparison key of an address: lower case, domain in
// ASCII when it converts.
func addrKey(addr string) string {
	if a, err := asciiAddress(addr); err == nil {
		addr = a
	}
	return strings.ToLower(addr)
}

// formatList joins addresses with addrlist.Format.
func formatList(list []*mail.Address) string {
	s := make([]string, len(list))
	for i, a := range list {
		s[i] = addrlist.Format(a.Name, a.Address)
	}
	return strings.Join(s, ", ")
}
