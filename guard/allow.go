package guard

import (
	"fmt"
	"net/netip"
	"strings"
)

// MaxAllowEntries bounds the number of prefixes ParseAllow accepts.
const MaxAllowEntries = 1000

// Allowlist is a parsed list of network prefixes. The zero value allows
// everything.
type Allowlist struct {
	prefixes []netip.Prefix
}

// ParseAllow parses CIDR prefixes separated by commas or white space. A
// bare address is a one-address prefix.
func ParseAllow(s string) (*Allowlist, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	if len(fields) > MaxAllowEntries {
		return nil, fmt.Errorf("guard: more than %d networks", MaxAllowEntries)
	}
	l := &Allowlist{}
	for _, f := range fields {
		var p netip.Prefix
		var err error
		if strings.Contains(f, "/") {
			p, err = netip.ParsePrefix(f)
		} else {
			var a netip.Addr
			a, err = netip.ParseAddr(f)
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if err != nil || p.Addr().Zone() != "" {
			return nil, fmt.Errorf("guard: %q is not a network (like 192.0.2.0/24 or 2001:db8::/32)", f)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		l.prefixes = append(l.prefixes, p.Masked())
	}
	return l, nil
}

// Empty reports whether the list allows every address.
func (l *Allowlist) Empty() bool { return l == nil || len(l.prefixes) == 0 }

// Allowed reports whether ip is in the list. An empty list allows every
// address; an unparsable address is allowed only by an empty list.
func (l *Allowlist) Allowed(ip string) bool {
	if l.Empty() {
		return true
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap().WithZone("")
	for _, p := range l.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
