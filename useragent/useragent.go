// Package useragent reduces an HTTP User-Agent header to the short name of
// the browser ("Firefox", "Chrome", "w3m"), for the login history and the
// guard's record of failed logins. It only looks for known substrings in
// the first MaxBytes of the header: it does not parse the header's grammar
// (RFC 9110, section 10.1.5), tell versions or operating systems apart, or
// trust what it is told (any client can send any name). An empty or
// unknown header is "other". It uses only the standard library, so the
// root room may import it.
package useragent

import "strings"

// MaxBytes is how much of the header is looked at.
const MaxBytes = 512

// names are tried in order: the first whose token occurs wins. Order
// matters where browsers name their ancestors too: Edge, Opera and
// Chromium-based browsers say "Chrome"; Chrome says "Safari".
var names = []struct{ token, name string }{
	{"Edg/", "Edge"},
	{"EdgA/", "Edge"},
	{"OPR/", "Opera"},
	{"Vivaldi/", "Vivaldi"},
	{"SamsungBrowser/", "Samsung"},
	{"Firefox/", "Firefox"},
	{"FxiOS/", "Firefox"},
	{"HeadlessChrome/", "Chrome"},
	{"Chromium/", "Chromium"},
	{"CriOS/", "Chrome"},
	{"Chrome/", "Chrome"},
	{"Safari/", "Safari"},
	{"w3m/", "w3m"},
	{"Lynx/", "Lynx"},
	{"ELinks", "ELinks"},
	{"Links", "Links"},
	{"curl/", "curl"},
	{"Wget/", "Wget"},
}

// Short is the short name of the browser that sent ua, or "other".
func Short(ua string) string {
	if len(ua) > MaxBytes {
		ua = ua[:MaxBytes]
	}
	for _, n := range names {
		if strings.Contains(ua, n.token) {
			return n.name
		}
	}
	return "other"
}
