package config

import (
	"fmt"
	"net/netip"
	"strings"
)

// networks accepts the allow_from list: CIDR prefixes or bare addresses,
// IPv4 or IPv6, separated by commas or white space (see guard.ParseAllow,
// which parses it for use).
func networks(v string) error {
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		var err error
		if strings.Contains(f, "/") {
			_, err = netip.ParsePrefix(f)
		} else {
			_, err = netip.ParseAddr(f)
		}
		if err != nil || strings.Contains(f, "%") {
			return fmt.Errorf("%q is not a network (like 192.0.2.0/24 or 2001:db8::/32)", f)
		}
	}
	return nil
}
