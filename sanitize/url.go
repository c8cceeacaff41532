package sanitize

import (
	"net/url"
	"strings"
)

// cleanURL removes what browsers ignore in a URL attribute and what
// hides a scheme: C0 controls, DEL and (at the ends) spaces. Entities are
// already decoded by the HTML parser.
func cleanURL(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		s = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, s)
	}
	s = strings.Trim(s, " \u00a0")
	if strings.HasPrefix(s, "//") { // protocol-relative: as https
		s = "https:" + s
	}
	return s
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

// withScheme returns u with its scheme written in lower case.
func withScheme(u, sch string) string {
	return sch + u[len(sch):]
}

// webURL checks an http or https URL and returns it, with its host.
func webURL(u, sch string) (string, string, bool) {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.User != nil {
		return "", "", false
	}
	return withScheme(u, sch), strings.ToLower(p.Hostname()), true
}

// linkURL judges the target of a link (href, cite). It returns the URL
// to keep and, for http and https, its host. Fragment links (#name) stay.
func (s *sanitizer) linkURL(raw string) (u, host string, ok bool) {
	u = cleanURL(raw)
	if strings.HasPrefix(u, "#") && !strings.ContainsAny(u, " ") {
		return u, "", true
	}
	switch sch := scheme(u); sch {
	case "http", "https":
		return webURL(u, sch)
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
// images when allowData.
func (s *sanitizer) imageURL(raw string, allowData bool) (string, bool) {
	u := cleanURL(raw)
	switch sch := scheme(u); sch {
	case "http", "https":
		if !s.opt.AllowRemote {
			s.res.RemoteBlocked++
			return "", false
		}
		u, _, ok := webURL(u, sch)
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
	switch scheme(cleanURL(raw)) {
	case "http", "https":
		s.res.RemoteBlocked++
	}
}

// partURL maps cid:ID (RFC 2392: ID is URL-escaped) with Options.PartURL.
func (s *sanitizer) partURL(u string) (string, bool) {
	id := u[len("cid:"):]
	if d, err := url.PathUnescape(id); err == nil {
		id = d
	}
	if id == "" || s.opt.PartURL == nil {
		return "", false
	}
	p := s.opt.PartURL(id)
	return p, p != ""
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
