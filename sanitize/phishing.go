package sanitize

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/idna"
)

// phishing marks link n (target host host) when its visible text is a
// URL or domain name of another site: class PhishClass and a title that
// names the real host.
func (s *sanitizer) phishing(n *html.Node, host string) {
	shown := textHost(visibleText(n))
	if shown == "" || sameSite(shown, asciiHost(host)) {
		return
	}
	s.res.PhishingLinks++
	c := getAttr(n, "class")
	if c != "" {
		c += " "
	}
	setAttr(n, "class", c+PhishClass)
	setAttr(n, "title", "Link goes to "+host)
}

// visibleText returns the text inside n.
func visibleText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && b.Len() < 2048; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// textHost returns the host named by a link text that looks like a URL
// ("https://bank.example/login") or a bare domain ("www.bank.example"),
// in ASCII (IDNA) form, or "" when the text is not such.
func textHost(text string) string {
	t := strings.ToLower(strings.TrimSpace(text))
	if t == "" || strings.IndexFunc(t, unicode.IsSpace) >= 0 {
		return ""
	}
	for _, p := range []string{"https://", "http://"} {
		t = strings.TrimPrefix(t, p)
	}
	if i := strings.IndexAny(t, "/?#"); i >= 0 {
		t = t[:i]
	}
	if i := strings.LastIndexByte(t, ':'); i >= 0 {
		t = t[:i]
	}
	if strings.ContainsRune(t, '@') {
		return "" // an e-mail address, not a site
	}
	t = strings.TrimSuffix(t, ".")
	labels := strings.Split(t, ".")
	if len(labels) < 2 {
		return ""
	}
	for _, l := range labels {
		if l == "" || strings.IndexFunc(l, func(r rune) bool {
			return !(r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r))
		}) >= 0 {
			return ""
		}
	}
	tld := labels[len(labels)-1]
	if len([]rune(tld)) < 2 || strings.IndexFunc(tld, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
		return ""
	}
	return asciiHost(t)
}

// asciiHost returns host in its IDNA ASCII form (punycode), so that a
// look-alike Unicode name never equals the real one.
func asciiHost(host string) string {
	if a, err := idna.Punycode.ToASCII(host); err == nil {
		return strings.ToLower(a)
	}
	return host
}

// sameSite reports whether hosts a and b are the same site: equal, or
// one a subdomain of the other (ignoring a leading "www.").
func sameSite(a, b string) bool {
	a = strings.TrimPrefix(strings.TrimSuffix(a, "."), "www.")
	b = strings.TrimPrefix(strings.TrimSuffix(b, "."), "www.")
	return a == b || strings.HasSuffix(a, "."+b) || strings.HasSuffix(b, "."+a)
}
