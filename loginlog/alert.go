package loginlog

import (
	"fmt"
	"mime"
	"net/netip"
	"strings"
	"time"
)

// AlertWindow is how far back Unusual looks for a login from the same
// network or browser.
const AlertWindow = 90 * 24 * time.Hour

// Unusual reports what is new about the login e against the history
// before it: no login in the AlertWindow before e from the same network
// (the /24 of an IPv4 address, the /64 of an IPv6 one), or with the same
// browser. The history holds at most MaxEntries events, so "seen" means
// seen among them. A first login (no login in the history) is not unusual:
// there is nothing to compare with.
func Unusual(before []Entry, e Entry) (newNetwork, newBrowser bool) {
	seenNet, seenBrowser, any := false, false, false
	for _, b := range before {
		if b.Kind != Login || e.Time.Sub(b.Time) > AlertWindow {
			continue
		}
		any = true
		seenNet = seenNet || SameNetwork(b.IP, e.IP)
		seenBrowser = seenBrowser || b.Browser == e.Browser
	}
	if !any {
		return false, false
	}
	return !seenNet, !seenBrowser
}

// SameNetwork reports whether two addresses are in the same /24 (IPv4) or
// /64 (IPv6); an address that does not parse is in no network.
func SameNetwork(a, b string) bool {
	x, err1 := netip.ParseAddr(a)
	y, err2 := netip.ParseAddr(b)
	if err1 != nil || err2 != nil {
		return false
	}
	x, y = x.Unmap(), y.Unmap()
	if x.Is4() != y.Is4() {
		return false
	}
	bits := 64
	if x.Is4() {
		bits = 24
	}
	px, _ := x.Prefix(bits)
	py, _ := y.Prefix(bits)
	return px == py
}

// AlertMessage is the mail that tells the user of an unusual login e
// (RFC 5322, UTF-8 text), from and to addr, about the webmail site.
func AlertMessage(site, addr string, e Entry, newNetwork, newBrowser bool, now time.Time) []byte {
	var what []string
	if newNetwork {
		what = append(what, "a network")
	}
	if newBrowser {
		what = append(what, "a browser")
	}
	from := e.IP
	if from == "" {
		from = "an unknown address"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s <%s>\r\n", mime.QEncoding.Encode("utf-8", site), addr)
	fmt.Fprintf(&b, "To: <%s>\r\n", addr)
	fmt.Fprintf(&b, "Subject: New login from %s (%s)\r\n", from, e.Browser)
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Auto-Submitted: auto-generated\r\n")
	fmt.Fprintf(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	fmt.Fprintf(&b, "Your mail was logged in to from %s not seen in the last 90 days:\r\n\r\n", strings.Join(what, " and "))
	fmt.Fprintf(&b, "  Time:     %s\r\n  Address:  %s\r\n  Browser:  %s\r\n  Factors:  %s\r\n\r\n",
		e.Time.Local().Format(time.DateTime), from, e.Browser, e.Factors)
	b.WriteString("If this was you, there is nothing to do. If it was not, change your\r\n")
	b.WriteString("password and end the other sessions on the Security page, where the\r\n")
	b.WriteString("login history shows what happened.\r\n")
	return []byte(b.String())
}
