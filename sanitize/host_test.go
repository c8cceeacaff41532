package sanitize

import (
	"bufio"
	"encoding/json"
	"io"
	"net/netip"
	"os/exec"
	"strings"
	"testing"
	"unicode/utf8"

	"postern/internal/testenv"
)

// selfURLs are URLs of the webmail itself under testOpts.Self
// (webmail.example:8443, 127.0.0.1:8080) written the ways browsers
// accept: each must be dropped, in every URL attribute and in CSS.
var selfURLs = []string{
	"https://webmail.example/cgi-bin/postern/logout", // default port 443
	"http://webmail.example/cgi-bin/postern/list",    // default port 80
	"https://webmail.example:8443/cgi-bin/postern/logout",
	"HTTPS://WEBMAIL.EXAMPLE:8443/",      // case
	"https://webmail.example.:8443/",     // trailing dot
	"//webmail.example:8443/list",        // scheme-relative
	"https://webmail.example:443/",       // default port written
	"https://webmail.example:0443/",      // leading zero in the port
	"https://webmail.example:/x",         // empty port: the default
	"https://%77ebmail.example/",         // percent-encoded host
	"https://webmail%2Eexample/",         // percent-encoded dot
	"ht\ttps://webmail.exa\nmple/",       // tab and newline, removed by browsers
	" \x01https://webmail.example/ \x1f", // C0 and spaces at the ends, trimmed
	"https://ｗｅｂｍａｉｌ.example/",           // fullwidth letters, mapped by UTS #46
	"https://webmail。example/",           // ideographic full stop
	"https://webmail.example#frag",
	"https://webmail.example?q",
	"https://webmail.example\\logout", // a backslash ends the host
	"http://127.0.0.1:8080/cgi-bin/postern/logout",
	"http://127.1:8080/",              // IPv4 shorthand
	"http://0x7f.0.0.1:8080/",         // hex part
	"http://0x7F000001:8080/",         // one hex number
	"http://2130706433:8080/",         // one decimal number
	"http://0177.0.0.1:8080/",         // octal part
	"http://127.0.0.1.:8080/",         // trailing dot on an address
	"http://[::ffff:127.0.0.1]:8080/", // IPv4-mapped IPv6
	"http://[::1]:8080/",              // loopback is one host
	"http://localhost:8080/",          // localhost is loopback (RFC 6761)
	"http://app.localhost:8080/",      // so is *.localhost
	"http://127.0.0.2:8080/",
	"http://0.0.0.0:8080/", // the unspecified address reaches local servers
	"http://0x:8080/",      // 0x is 0.0.0.0
	"http://127.0.0.1/",    // port 80
}

// refusedURLs are web URLs a browser may read relative to the frame's
// own URL, or reads otherwise than net/url: dropped whatever the host.
var refusedURLs = []string{
	// relative URLs: there is no base, and the frame's own URL would be one
	"logout",
	"/cgi-bin/postern/logout",
	"./logout",
	"../postern/list?f=INBOX",
	"?f=INBOX",
	"%2Fcgi-bin%2Fpostern%2Flogout",
	"\u00a0//webmail.example/",      // trimmed like a space (browsers would read a path): the webmail
	"https:webmail.example/",        // no slashes: the host, or a path on the frame's
	"https:/cgi-bin/postern/logout", // a path on the frame's host
	"https:\\\\webmail.example\\",   // backslashes are slashes
	"https:///webmail.example/",     // extra slashes are skipped
	"/\\webmail.example/",
	"\\\\webmail.example/x",
	"http://evil@webmail.example/",         // userinfo
	"http://webmail.example@evil.example/", // userinfo
	"https://evil.example\\@webmail.example/",
	"http://1.2.3.4.5/",    // five parts end in a number: not an address
	"http://256.1.1.1/",    // part out of range
	"http://08.1.1.1/",     // 8 is no octal digit
	"https://a b.example/", // forbidden code point
	"https://[::1%25lo]/",  // zone
	"https://xn--a.example/",
}

// otherURLs are kept with AllowRemote: another host, or another port
// of the webmail's host than its own, 80 and 443.
var otherURLs = []string{
	"https://other.example/?u=https://webmail.example/",
	"https://webmail.example:9999/",
	"http://127.0.0.1:9999/pixel.gif",
	"https://mail.webmail.example/",
	"https://webmail.example.evil.example/",
	"http://a_b.example/", // underscores are allowed (no STD3 rules)
	"http://[2001:db8::1]:8080/",
}

func TestSelfURLs(t *testing.T) {
	opt := Options{AllowRemote: true, PartURL: testOpts.PartURL, Self: testOpts.Self}
	for _, list := range [][]string{selfURLs, refusedURLs} {
		for _, u := range list {
			for _, in := range placements(u) {
				res := String(in, opt)
				if out := string(res.HTML); hasURL(out) {
					t.Errorf("String(%q) = %q, want the URL dropped", in, out)
				}
				if res.RemoteBlocked != 0 {
					t.Errorf("String(%q).RemoteBlocked = %d, want 0", in, res.RemoteBlocked)
				}
			}
		}
	}
	for _, u := range otherURLs {
		for _, in := range placements(u) {
			if out := string(String(in, opt).HTML); !hasURL(out) {
				t.Errorf("String(%q) = %q, want the URL kept", in, out)
			}
		}
	}
}

// hasURL reports whether sanitized out holds a URL attribute or url().
func hasURL(out string) bool {
	for _, k := range []string{" href=", " src=", " srcset=", " background=", " cite=", "url("} {
		if strings.Contains(out, k) {
			return true
		}
	}
	return false
}

// placements puts u in every place a URL is kept: link, image, srcset,
// background attribute, style attribute, <style>.
func placements(u string) []string {
	a := strings.NewReplacer(`&`, `&amp;`, `"`, `&quot;`).Replace(u)
	c := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\a `, "\t", `\9 `, "\x01", `\1 `, "\x1f", `\1f `).Replace(u)
	return []string{
		`<a href="` + a + `">x</a>`,
		`<blockquote cite="` + a + `">x</blockquote>`,
		`<img src="` + a + `">`,
		`<img srcset="` + a + ` 2x">`,
		`<table background="` + a + `"><tr><td>x</td></tr></table>`,
		`<p style="background-image:url(&quot;` + strings.ReplaceAll(c, `"`, `&quot;`) + `&quot;)">x</p>`,
		`<style>p{background:url("` + c + `")}</style><p>x</p>`,
	}
}

func TestWebAuthority(t *testing.T) {
	tests := []struct {
		u    string
		host string // name, or address
		port int
		ok   bool
	}{
		{"https://Example.COM/", "example.com", 443, true},
		{"http://example.com:8080", "example.com", 8080, true},
		{"https://example.com.:0443/", "example.com", 443, true},
		{"https://faß.de/", "xn--fa-hia.de", 443, true},    // non-transitional UTS #46, as browsers
		{"https://ＥＸＡＭＰＬＥ.com/", "example.com", 443, true}, // fullwidth
		{"http://0x7f.1/", "127.0.0.1", 80, true},
		{"http://4294967295/", "255.255.255.255", 80, true},
		{"http://4294967296/", "", 0, false}, // past IPv4
		{"http://1.2.3.0x100/", "", 0, false},
		{"http://1.0x1000000/", "", 0, false}, // last part takes 3 bytes at most
		{"http://1.0xffffff/", "1.255.255.255", 80, true},
		{"http://[0:0:0:0:0:ffff:7f00:1]/", "127.0.0.1", 80, true},
		{"http://a.0x/", "", 0, false}, // ends in a number (0x), so an address, but a is no number
		{"http://example.com:65536/", "", 0, false},
		{"http://example.com:+80/", "", 0, false},
		{"http://[::1]x/", "", 0, false},
		{"http://ex%ample.com/", "", 0, false},
		{"http://%C3%A9.example/", "xn--9ca.example", 80, true},
		{"http://%FF.example/", "", 0, false}, // not UTF-8
		{"https://xn--.a0/", "", 0, false},    // "xn--" is an empty label to x/net/idna, an error to browsers
		{"https://a..b/", "", 0, false},       // an empty label: browsers take it, refused here all the same
	}
	for _, tt := range tests {
		h, port, ok := webAuthority(tt.u, scheme(tt.u))
		got := h.name
		if got == "" && h.ip.IsValid() {
			got = h.ip.String()
		}
		if ok != tt.ok || ok && (got != tt.host || port != tt.port) {
			t.Errorf("webAuthority(%q) = %q %d %v, want %q %d %v", tt.u, got, port, ok, tt.host, tt.port, tt.ok)
		}
	}
}

func TestSelfSet(t *testing.T) {
	s := newSelfSet([]string{"Mail.Example.ORG.", "192.0.2.7", "2001:db8::7", "[2001:db8::8]:8443", "bad host", ""})
	tests := []struct {
		u    string
		self bool
	}{
		{"https://mail.example.org/", true},
		{"http://mail.example.org:8443/", true}, // a port of another entry
		{"http://mail.example.org:8080/", false},
		{"http://192.0.2.7/", true},
		{"http://3221225991/", true}, // 192.0.2.7 as one number
		{"http://[2001:db8::7]/", true},
		{"http://[2001:db8:0::8]:8443/", true},
		{"http://127.0.0.1/", false}, // no loopback entry
		{"http://localhost/", false},
	}
	for _, tt := range tests {
		h, port, ok := webAuthority(tt.u, scheme(tt.u))
		if got := ok && s.has(h, port); got != tt.self {
			t.Errorf("self(%q) = %v, want %v", tt.u, got, tt.self)
		}
	}
	var none *selfSet
	if h, port, _ := webAuthority("http://localhost/", "http"); none.has(h, port) {
		t.Errorf("nil selfSet has localhost")
	}
}

// nodeURL is a node process that parses URLs with the URL Standard's
// parser (node's URL, as browsers), one JSON string a line.
type nodeURL struct {
	in  io.WriteCloser
	out *bufio.Scanner
}

const nodeURLScript = `
const rl = require('readline').createInterface({input: process.stdin});
rl.on('line', (l) => {
  let r = {ok: false};
  try { const u = new URL(JSON.parse(l), 'http://frame.invalid/cgi-bin/postern/html'); r = {ok: true, host: u.hostname, port: u.port, protocol: u.protocol}; } catch (e) {}
  console.log(JSON.stringify(r));
});`

func startNode(t testing.TB) *nodeURL {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		testenv.Lacking(t, "node not found: the URL Standard parser to compare with")
	}
	cmd := exec.Command("node", "-e", nodeURLScript)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	return &nodeURL{in: in, out: bufio.NewScanner(out)}
}

// parse returns the host and port node reads from u (ok false when it
// fails), the host reduced as parseHost reduces it.
func (n *nodeURL) parse(t testing.TB, u string) (h host, port int, ok bool) {
	t.Helper()
	b, _ := json.Marshal(u)
	if _, err := n.in.Write(append(b, '\n')); err != nil {
		t.Fatal(err)
	}
	if !n.out.Scan() {
		t.Fatalf("node: %v", n.out.Err())
	}
	var r struct {
		OK         bool
		Host, Port string
		Protocol   string
	}
	if err := json.Unmarshal(n.out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if !r.OK || (r.Protocol != "http:" && r.Protocol != "https:") {
		return host{}, 0, false
	}
	port = 80
	if r.Protocol == "https:" {
		port = 443
	}
	if r.Port != "" {
		port = atoi(r.Port)
	}
	if ip, err := netip.ParseAddr(strings.Trim(r.Host, "[]")); err == nil {
		return ipHost(ip), port, true
	}
	name := strings.TrimSuffix(r.Host, ".")
	return host{name: name, loopback: name == "localhost" || strings.HasSuffix(name, ".localhost")}, port, true
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestWebAuthorityNode compares webAuthority with the URL Standard's
// parser of node: where webAuthority reads a host, node must read the
// same host and port.
func TestWebAuthorityNode(t *testing.T) {
	n := startNode(t)
	var all []string
	all = append(all, selfURLs...)
	all = append(all, refusedURLs...)
	all = append(all, otherURLs...)
	compared := 0
	for _, raw := range all {
		u, ok := cleanURL(raw)
		if !ok || !isWeb(u) {
			continue
		}
		h, port, ok := webAuthority(u, scheme(u))
		if !ok {
			continue
		}
		nh, nport, nok := n.parse(t, u)
		if !nok || nh != h || nport != port {
			t.Errorf("webAuthority(%q) = %+v %d, node reads %+v %d %v", u, h, port, nh, nport, nok)
		}
		compared++
	}
	t.Logf("%d URLs read alike by webAuthority and node", compared)
}

// FuzzWebAuthority compares webAuthority with node's URL parser on any
// input: where webAuthority reads a host, node reads the same.
func FuzzWebAuthority(f *testing.F) {
	for _, list := range [][]string{selfURLs, refusedURLs, otherURLs} {
		for _, u := range list {
			f.Add(u)
		}
	}
	n := startNode(f)
	f.Fuzz(func(t *testing.T, raw string) {
		u, ok := cleanURL(raw)
		if !ok || !isWeb(u) || !utf8.ValidString(u) {
			return
		}
		h, port, ok := webAuthority(u, scheme(u))
		if !ok {
			return
		}
		// What the URL Standard's parser accepts must be read exactly
		// alike: that is the direction in which a difference could let
		// a URL to the webmail through. A URL it refuses is never
		// fetched, so accepting it here costs nothing; and node's parser
		// (ada) has been seen to refuse an RTL label ending in U+1AC5, a
		// combining mark of Unicode 14 whose bidi class is NSM (UCD), which
		// UTS 46 and x/net/idna accept (testdata c4a91fcb64ae2001).
		nh, nport, nok := n.parse(t, u)
		if nok && (nh != h || nport != port) {
			t.Fatalf("webAuthority(%q) = %+v %d, node reads %+v %d", u, h, port, nh, nport)
		}
	})
}
