package loginlog

import (
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestSameNetwork(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"192.0.2.1", "192.0.2.254", true},
		{"192.0.2.1", "192.0.3.1", false},
		{"::ffff:192.0.2.1", "192.0.2.9", true}, // mapped is IPv4
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff::1", true},
		{"2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"192.0.2.1", "2001:db8::1", false},
		{"", "", false}, // no address is no network
		{"x", "x", false},
	}
	for _, tt := range tests {
		if got := SameNetwork(tt.a, tt.b); got != tt.want {
			t.Errorf("SameNetwork(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestUnusual(t *testing.T) {
	login := func(ago time.Duration, ip, browser string) Entry {
		return Entry{Time: t0.Add(-ago), Kind: Login, IP: ip, Browser: browser}
	}
	now := Entry{Time: t0, Kind: Login, IP: "192.0.2.7", Browser: "Firefox"}
	tests := []struct {
		name             string
		before           []Entry
		network, browser bool
	}{
		{"first login", nil, false, false},
		{"seen both", []Entry{login(time.Hour, "192.0.2.1", "Firefox")}, false, false},
		{"new network", []Entry{login(time.Hour, "198.51.100.1", "Firefox")}, true, false},
		{"new browser", []Entry{login(time.Hour, "192.0.2.1", "Chrome")}, false, true},
		// Seen, but longer ago than the window: new again.
		{"too long ago", []Entry{login(AlertWindow+time.Hour, "192.0.2.1", "Firefox"), login(time.Hour, "198.51.100.1", "Chrome")}, true, true},
		// A failed login from the network proves nothing.
		{"failure only", []Entry{{Time: t0.Add(-time.Hour), Kind: Failed, IP: "192.0.2.1", Browser: "Firefox"}, login(time.Hour, "198.51.100.1", "Firefox")}, true, false},
	}
	for _, tt := range tests {
		n, b := Unusual(tt.before, now)
		if n != tt.network || b != tt.browser {
			t.Errorf("%s: Unusual = %v, %v; want %v, %v", tt.name, n, b, tt.network, tt.browser)
		}
	}
}

func TestAlertMessage(t *testing.T) {
	e := Entry{Time: t0, Kind: Login, IP: "192.0.2.7", Browser: "Firefox", Factors: "password"}
	raw := AlertMessage("Postern Mail", "alice@example.org", e, true, false, t0)
	m, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("AlertMessage does not parse: %v\n%s", err, raw)
	}
	if got := m.Header.Get("Subject"); got != "New login from 192.0.2.7 (Firefox)" {
		t.Errorf("Subject = %q", got)
	}
	if to, err := m.Header.AddressList("To"); err != nil || to[0].Address != "alice@example.org" {
		t.Errorf("To = %v, %v", to, err)
	}
	if !strings.Contains(string(raw), "from a network not seen") {
		t.Errorf("body does not say what is new:\n%s", raw)
	}
}
