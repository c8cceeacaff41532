package sanitize

import (
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// A host as a browser reads it from an http or https URL (WHATWG URL
// Standard, "host parsing"), reduced to what decides whether two URLs
// reach the same server: an IP address, or a domain name in lower-case
// ASCII without a trailing dot. Loopback covers the loopback and
// unspecified addresses and the names localhost and *.localhost, which
// browsers resolve to loopback themselves (RFC 6761 section 6.3).
type host struct {
	name     string     // ASCII domain, or "" for an address
	ip       netip.Addr // the address, IPv4-mapped IPv6 unmapped
	loopback bool
}

// hostProfile is UTS #46 processing as the URL Standard's "domain to
// ASCII" does it (non-transitional, no STD3 rules, no hyphen checks).
var hostProfile = sync.OnceValue(func() *idna.Profile {
	return idna.New(idna.MapForLookup(), idna.Transitional(false),
		idna.StrictDomainName(false), idna.CheckHyphens(false),
		idna.CheckJoiners(true), idna.BidiRule())
})

// forbiddenHost are the ASCII characters a domain may not hold after
// "domain to ASCII" (the URL Standard's forbidden domain code points,
// with C0 controls, DEL and '%' tested apart).
const forbiddenHost = " #/:<>?@[\\]^|"

// parseHost reads a host as a browser does: an IPv6 literal in brackets;
// else percent-decoding, UTS #46 mapping and, when the last label is a
// number, the URL Standard's IPv4 parser (which takes 0x7f.1, 2130706433
// and 0177.0.0.1 for 127.0.0.1). ok is false when a browser would not
// load the URL, or when this reading is not sure to be the browser's.
func parseHost(s string) (h host, ok bool) {
	if strings.HasPrefix(s, "[") {
		if !strings.HasSuffix(s, "]") || strings.ContainsAny(s, "%") {
			return host{}, false
		}
		ip, err := netip.ParseAddr(s[1 : len(s)-1])
		if err != nil || !ip.Is6() {
			return host{}, false
		}
		return ipHost(ip), true
	}
	d, ok := percentDecode(s)
	if !ok || d == "" || !utf8.ValidString(d) {
		return host{}, false
	}
	a, err := hostProfile().ToASCII(d)
	if err != nil || a == "" {
		return host{}, false
	}
	for i := 0; i < len(a); i++ {
		if c := a[i]; c <= ' ' || c >= 0x7f || c == '%' || strings.IndexByte(forbiddenHost, c) >= 0 {
			return host{}, false
		}
	}
	if endsInNumber(a) {
		ip, ok := parseIPv4(a)
		if !ok {
			return host{}, false
		}
		return ipHost(ip), true
	}
	a = strings.TrimSuffix(a, ".")
	if a == "" || strings.HasPrefix(a, ".") || strings.Contains(a, "..") || strings.HasSuffix(a, ".") {
		return host{}, false // an empty label ("xn--" decodes to one): browsers differ, refuse
	}
	return host{name: a, loopback: a == "localhost" || strings.HasSuffix(a, ".localhost")}, true
}

// ipHost is the host of an address.
func ipHost(ip netip.Addr) host {
	ip = ip.Unmap()
	return host{ip: ip, loopback: ip.IsLoopback() || ip.IsUnspecified()}
}

// percentDecode undoes %XX escapes; a '%' not followed by two hex digits
// is not decoded and makes ok false.
func percentDecode(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", false
		}
		b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
		i += 2
	}
	return string(b), true
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// endsInNumber is the URL Standard's "ends in a number checker": the last
// label (a trailing empty one ignored) is decimal digits or 0x hex.
func endsInNumber(s string) bool {
	labels := strings.Split(s, ".")
	if labels[len(labels)-1] == "" && len(labels) > 1 {
		labels = labels[:len(labels)-1]
	}
	last := labels[len(labels)-1]
	if last != "" && strings.Trim(last, "0123456789") == "" {
		return true
	}
	_, ok := ipv4Number(last)
	return ok && (strings.HasPrefix(last, "0x") || strings.HasPrefix(last, "0X"))
}

// parseIPv4 is the URL Standard's IPv4 parser: one to four parts, each
// decimal, 0x hex or 0-led octal, the last filling the remaining bytes.
func parseIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var nums []uint64
	for _, p := range parts {
		n, ok := ipv4Number(p)
		if !ok || p == "" {
			return netip.Addr{}, false
		}
		nums = append(nums, n)
	}
	for _, n := range nums[:len(nums)-1] {
		if n > 255 {
			return netip.Addr{}, false
		}
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, false
	}
	v := last
	for i, n := range nums[:len(nums)-1] {
		v += n << (8 * (3 - i))
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// ipv4Number parses one part of an IPv4 address: 0x hex (possibly empty,
// meaning 0), 0-led octal or decimal.
func ipv4Number(p string) (uint64, bool) {
	base := 10
	switch {
	case len(p) >= 2 && (p[:2] == "0x" || p[:2] == "0X"):
		p, base = p[2:], 16
		if p == "" {
			return 0, true
		}
	case len(p) >= 2 && p[0] == '0':
		p, base = p[1:], 8
	}
	if p == "" {
		return 0, true
	}
	n, err := strconv.ParseUint(p, base, 64)
	if err != nil {
		// Out of range is still a number (then refused by the caller),
		// but only when every digit is one.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 1 << 40, true
		}
		return 0, false
	}
	return min(n, 1<<40), true
}

// webAuthority reads the authority of u, an http or https URL cleaned by
// cleanURL with its scheme sch, the way a browser does, and returns its
// host and port (the scheme's default when none is given). Only the form
// scheme://host[:port] followed by '/', '\\', '?', '#' or the end is
// accepted: "https:host", "https:/path" and "https:///host", which a
// browser may read relative to the frame's own URL, are refused, as is any
// user:password@ part.
func webAuthority(u, sch string) (h host, port int, ok bool) {
	rest, found := strings.CutPrefix(u[len(sch)+1:], "//")
	if !found || rest == "" || rest[0] == '/' || rest[0] == '\\' {
		return host{}, 0, false
	}
	end := strings.IndexAny(rest, "/\\?#")
	if end < 0 {
		end = len(rest)
	}
	auth := rest[:end]
	if strings.Contains(auth, "@") {
		return host{}, 0, false
	}
	hostPart, portPart := auth, ""
	if strings.HasPrefix(auth, "[") {
		i := strings.IndexByte(auth, ']')
		if i < 0 {
			return host{}, 0, false
		}
		hostPart = auth[:i+1]
		if after := auth[i+1:]; after != "" {
			p, found := strings.CutPrefix(after, ":")
			if !found {
				return host{}, 0, false
			}
			portPart = p
		}
	} else if i := strings.IndexByte(auth, ':'); i >= 0 {
		hostPart, portPart = auth[:i], auth[i+1:]
	}
	port = 80
	if sch == "https" {
		port = 443
	}
	if portPart != "" {
		n, err := strconv.Atoi(portPart)
		if err != nil || n < 0 || n > 65535 || strings.Trim(portPart, "0123456789") != "" {
			return host{}, 0, false
		}
		port = n
	}
	h, ok = parseHost(hostPart)
	return h, port, ok
}

// selfSet is the webmail's own hosts and ports (Options.Self).
type selfSet struct {
	names    map[string]bool
	ips      map[netip.Addr]bool
	loopback bool
	ports    map[int]bool
}

// newSelfSet reads Options.Self: each entry a host (a name, an IPv4
// address, an IPv6 address with or without brackets) with an optional
// :port. Entries that do not parse are ignored.
func newSelfSet(entries []string) *selfSet {
	s := &selfSet{names: map[string]bool{}, ips: map[netip.Addr]bool{}, ports: map[int]bool{80: true, 443: true}}
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if ip, err := netip.ParseAddr(e); err == nil && ip.Is6() { // SERVER_ADDR's IPv6 form
			e = "[" + ip.String() + "]"
		}
		h, port, ok := webAuthority("http://"+e+"/", "http")
		if !ok {
			continue
		}
		s.ports[port] = true
		switch {
		case h.loopback:
			s.loopback = true
		case h.name != "":
			s.names[h.name] = true
		default:
			s.ips[h.ip] = true
		}
	}
	return s
}

// has reports whether host h and port are the webmail's own: h is one of
// its hosts (any loopback host when one of them is loopback), and port one
// of its ports, 80 or 443. Cookies are not isolated by port or scheme (RFC
// 6265 section 8.5), and the webmail's host likely answers on both.
func (s *selfSet) has(h host, port int) bool {
	if s == nil || !s.ports[port] {
		return false
	}
	switch {
	case h.loopback:
		return s.loopback
	case h.name != "":
		return s.names[h.name]
	}
	return s.ips[h.ip]
}
