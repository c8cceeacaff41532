package sanitize

import (
	"net/url"
	"strings"
)

// cleanURL reads a URL attribute as a browser does (WHATWG URL basic
// parser): ASCII tab and newline are removed anywhere, C0 controls and
// spaces at the ends (and here no-break spaces too). Entities are already
// decoded by the HTML parser. A protocol-relative URL (//host/...) is read
// as https. ok is false when a control character is left inside (C0,
// DEL, C1), raw or percent-encoded: such a URL is dropped, never mended.
func cleanURL(s string) (u string, ok bool) {
	if strings.ContainsAny(s, "\t\n\r") {
		s = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, s)
	}
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' || r == '\u00a0' })
	if strings.HasPrefix(s, "//") {
		s = "https:" + s
	}
	if hasControl(s, false) || urlControl(s) {
		return "", false
	}
	return s, true
}

// urlControl reports whether percent-decoding u gives a control
// character, but for tab, CR and LF in the query of a mailto: URL, where
// RFC 6068 section 5 writes the line breaks of a body.
func urlControl(u string) bool {
	if !strings.Contains(u, "%") {
		return false
	}
	text := false
	if scheme(u) == "mailto" {
		if q := strings.IndexByte(u, '?'); q >= 0 {
			if urlControl(u[:q]) {
				return true
			}
			u, text = u[q:], true
		}
	}
	b := make([]byte, 0, len(u))
	for i := 0; i < len(u); i++ {
		if u[i] == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2]) {
			b = append(b, unhex(u[i+1])<<4|unhex(u[i+2]))
			i += 2
			continue
		}
		b = append(b, u[i])
	}
	return hasControl(string(b), text)
}

// hasControl reports whether s holds a control character: C0 (but tab,
// LF and CR when text), DEL or C1. Invalid UTF-8 is not one.
func hasControl(s string, text bool) bool {
	for _, r := range s {
		if isControl(r, text) {
			return true
		}
	}
	return false
}

// isControl reports whether r is a C0 control (but tab, LF and CR when
// text), DEL or a C1 control.
func isControl(r rune, text bool) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return !text
	case r < 0x20, r == 0x7f:
		return true
	}
	return 0x80 <= r && r <= 0x9f
}

// stripControls removes from text the control characters that may not
// leave the sanitizer (isControl with text).
func stripControls(s string) string {
	if !hasControl(s, true) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r, true) {
			return -1
		}
		return r
	}, s)
}

// scheme returns the lower-cased scheme of a cleaned URL, or "" when the
// URL is relative or its scheme is not well formed (WHATWG URL: an ASCII
// letter, then letters, digits, '+', '-', '.', up to ':').
func scheme(u string) string {
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case 'a' <= c|0x20 && c|0x20 <= 'z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return strings.ToLower(u[:i])
		default:
			return ""
		}
	}
	return ""
}

// isWeb reports whether u is an http or https URL.
func isWeb(u string) bool {
	switch scheme(u) {
	case "http", "https":
		return true
	}
	return false
}

// withScheme returns u with its scheme written in lower case.
func withScheme(u, sch string) string {
	return sch + u[len(sch):]
}

// webURL checks an http or https URL: Go's net/url and a browser's
// reading (webAuthority) must both find a host, no user:password@ part,
// and the browser's host must not be the webmail's own (Options.Self). It
// returns the URL with its scheme in lower case, and its host.
func (s *sanitizer) webURL(u, sch string) (string, string, bool) {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.User != nil {
		return "", "", false
	}
	h, port, ok := webAuthority(u, sch)
	if !ok || s.self.has(h, port) {
		return "", "", false
	}
	return withScheme(u, sch), strings.ToLower(p.Hostname()), true
}

// linkURL judges the target of a link (href, cite). It returns the URL
// to keep and, for http and https, its host. Fragment links (#name) stay.
func (s *sanitizer) linkURL(raw string) (u, host string, ok bool) {
	u, ok = cleanURL(raw)
	if !ok {
		return "", "", false
	}
	if strings.HasPrefix(u, "#") && !strings.ContainsAny(u, " ") {
		return u, "", true
	}
	switch sch := scheme(u); sch {
	case "http", "https":
		return s.webURL(u, sch)
	case "mailto":
		return withScheme(u, sch), "", true
	case "cid":
		u, ok = s.partURL(u)
		return u, "", ok
	}
	return "", "", false
}

// imageURL judges a URL that the browser loads on display (img src,
// background, srcset, url()): cid: parts, remote http and https only with
// AllowRemote (else counted in RemoteBlocked), and data: for inline raster
// images when allowData. A URL of the webmail itself is dropped, and not
// counted, whatever AllowRemote says.
func (s *sanitizer) imageURL(raw string, allowData bool) (string, bool) {
	u, ok := cleanURL(raw)
	if !ok {
		return "", false
	}
	switch sch := scheme(u); sch {
	case "http", "https":
		u, _, ok := s.webURL(u, sch)
		if ok && !s.opt.AllowRemote {
			s.res.RemoteBlocked++
			return "", false
		}
		return u, ok
	case "cid":
		return s.partURL(u)
	case "data":
		if allowData && inlineImage(u) {
			return u, true
		}
	}
	return "", false
}

// countIfRemote counts a remote URL of something dropped anyway (a link
// rel=prefetch, a video poster, an @import) as blocked remote content,
// when remote content is not allowed.
func (s *sanitizer) countIfRemote(raw string) {
	if s.opt.AllowRemote {
		return
	}
	u, ok := cleanURL(raw)
	if !ok {
		return
	}
	switch sch := scheme(u); sch {
	case "http", "https":
		if _, _, ok := s.webURL(u, sch); ok {
			s.res.RemoteBlocked++
		}
	}
}

// partURL maps cid:ID (RFC 2392: ID is URL-escaped) with Options.PartURL.
// Its result is trusted but for control characters.
func (s *sanitizer) partURL(u string) (string, bool) {
	id := u[len("cid:"):]
	if d, err := url.PathUnescape(id); err == nil {
		id = d
	}
	if id == "" || s.opt.PartURL == nil {
		return "", false
	}
	p := s.opt.PartURL(id)
	return p, p != "" && !hasControl(p, false)
}

// inlineImages are the media types a data: URL may have in img src.
var inlineImages = []string{"image/png", "image/jpeg", "image/jpg", "image/gif", "image/webp"}

// inlineImage reports whether u is data:TYPE;base64,DATA with a raster
// image TYPE and base64 DATA (RFC 2397).
func inlineImage(u string) bool {
	comma := strings.IndexByte(u, ',')
	if comma < 0 {
		return false
	}
	head := strings.ToLower(u[len("data:"):comma])
	ok := false
	for _, t := range inlineImages {
		if head == t+";base64" {
			ok = true
		}
	}
	if !ok {
		return false
	}
	for i := comma + 1; i < len(u); i++ {
		c := u[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

// srcset judges each image candidate of a srcset ("URL [descriptor], ...")
// and returns the kept ones. Candidates with commas in their URL (data:)
// are not supported.
func (s *sanitizer) srcset(v string) string {
	var kept []string
	for _, cand := range strings.Split(v, ",") {
		f := strings.Fields(cand)
		if len(f) == 0 || len(f) > 2 {
			continue
		}
		u, ok := s.imageURL(f[0], false)
		if !ok || strings.ContainsAny(u, ", ") {
			continue
		}
		if len(f) == 2 {
			if !descriptor(f[1]) {
				continue
			}
			u += " " + f[1]
		}
		kept = append(kept, u)
	}
	return strings.Join(kept, ", ")
}

// descriptor reports whether d is a srcset width or density: 100w, 1.5x.
func descriptor(d string) bool {
	if len(d) < 2 || (d[len(d)-1] != 'w' && d[len(d)-1] != 'x') {
		return false
	}
	for i := 0; i < len(d)-1; i++ {
		if !('0' <= d[i] && d[i] <= '9' || d[i] == '.') {
			return false
		}
	}
	return true
}
