package guard

import (
	"net/netip"
	"testing"
)

func TestAllowlist(t *testing.T) {
	l, err := ParseAllow("192.0.2.0/24, 2001:db8::/32 198.51.100.7\t::ffff:203.0.113.0/120")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		ip   string
		want bool
	}{
		{"192.0.2.1", true},
		{"192.0.3.1", false},
		{"::ffff:192.0.2.9", true}, // mapped IPv4 is IPv4
		{"2001:db8:1::5", true},
		{"2001:db9::5", false},
		{"198.51.100.7", true}, // bare address
		{"198.51.100.8", false},
		{"203.0.113.44", true}, // mapped prefix is IPv4
		{"fe80::1%eth0", false},
		{"", false},
		{"not-an-ip", false},
	} {
		if got := l.Allowed(tt.ip); got != tt.want {
			t.Errorf("Allowed(%q) = %v, want %v", tt.ip, got, tt.want)
		}
	}
	var empty *Allowlist
	if !empty.Allowed("192.0.2.1") {
		t.Error("nil Allowlist refused an address, want allowed")
	}
	if l, _ := ParseAllow(" , "); !l.Allowed("") {
		t.Error("empty list refused an address, want allowed")
	}
}

func TestParseAllowErrors(t *testing.T) {
	for _, s := range []string{
		"192.0.2.0/33",
		"example.com",
		"192.0.2.0/24;10.0.0.0/8", // ';' is not a separator
		"fe80::/10%eth0",
	} {
		if _, err := ParseAllow(s); err == nil {
			t.Errorf("ParseAllow(%q) = nil error, want an error", s)
		}
	}
}

// FuzzParseAllow: whatever parses allows the first address of each of its
// prefixes.
func FuzzParseAllow(f *testing.F) {
	f.Add("192.0.2.0/24")
	f.Add("2001:db8::/32, ::ffff:10.0.0.0/104")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseAllow(s)
		if err != nil {
			return
		}
		for _, p := range l.prefixes {
			if !l.Allowed(p.Addr().String()) {
				t.Errorf("ParseAllow(%q) does not allow %v", s, p.Addr())
			}
			if _, err := netip.ParsePrefix(p.String()); err != nil {
				t.Errorf("prefix %v does not reparse", p)
			}
		}
	})
}
