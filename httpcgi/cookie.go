package httpcgi

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// ErrNoCookie is returned by Request.Cookie when the cookie is not there.
var ErrNoCookie = errors.New("httpcgi: named cookie not present")

// SameSite is a cookie's SameSite attribute.
type SameSite int

// The SameSite values; SameSiteDefaultMode writes no attribute.
const (
	SameSiteDefaultMode SameSite = iota + 1
	SameSiteLaxMode
	SameSiteStrictMode
	SameSiteNoneMode
)

// Cookie is a cookie of a request (Name, Value) or of a Set-Cookie field.
type Cookie struct {
	Name, Value string
	Path        string
	Expires     time.Time // written when its year is 1601 or later
	MaxAge      int       // > 0: Max-Age=n; < 0: Max-Age=0 (remove now); 0: none
	Secure      bool
	HttpOnly    bool
	SameSite    SameSite
}

// TimeFormat is the date format of an Expires attribute (RFC 7231 IMF-fixdate).
const TimeFormat = "Mon, 02 Jan 2006 15:04:05 GMT"

// String returns the value of a Set-Cookie field for c, "" when its name
// is not a token. Bytes that may not appear in a value or a path are
// dropped; a value with a space or comma is quoted.
func (c *Cookie) String() string {
	if c == nil || !validCookieName(c.Name) {
		return ""
	}
	var b strings.Builder
	b.WriteString(c.Name)
	b.WriteByte('=')
	v := keep(c.Value, validCookieValueByte)
	if strings.ContainsAny(v, " ,") {
		v = `"` + v + `"`
	}
	b.WriteString(v)
	if c.Path != "" {
		b.WriteString("; Path=")
		b.WriteString(keep(c.Path, func(b byte) bool { return 0x20 <= b && b < 0x7f && b != ';' }))
	}
	if c.Expires.Year() >= 1601 {
		b.WriteString("; Expires=")
		b.WriteString(c.Expires.UTC().Format(TimeFormat))
	}
	switch {
	case c.MaxAge > 0:
		b.WriteString("; Max-Age=")
		b.WriteString(strconv.Itoa(c.MaxAge))
	case c.MaxAge < 0:
		b.WriteString("; Max-Age=0")
	}
	if c.HttpOnly {
		b.WriteString("; HttpOnly")
	}
	if c.Secure {
		b.WriteString("; Secure")
	}
	switch c.SameSite {
	case SameSiteNoneMode:
		b.WriteString("; SameSite=None")
	case SameSiteLaxMode:
		b.WriteString("; SameSite=Lax")
	case SameSiteStrictMode:
		b.WriteString("; SameSite=Strict")
	}
	return b.String()
}

// SetCookie adds a Set-Cookie field for c to w's header (none when c's
// name is invalid).
func SetCookie(w ResponseWriter, c *Cookie) {
	if v := c.String(); v != "" {
		w.Header().Add("Set-Cookie", v)
	}
}

// MaxCookies bounds the cookies of a request: with more (counted as
// semicolons plus one per field), none are read, as with net/http.
const MaxCookies = 3000

// readCookies parses the Cookie fields of h: "name=value" pairs separated
// by semicolons; pairs with an invalid name or value are skipped, a value
// in double quotes loses them.
func readCookies(h Header) []*Cookie {
	n := 0
	for _, line := range h["Cookie"] {
		n += strings.Count(line, ";") + 1
	}
	if n > MaxCookies {
		return nil
	}
	var out []*Cookie
	for _, line := range h["Cookie"] {
		for part := range strings.SplitSeq(strings.Trim(line, " \t\r\n"), ";") {
			part = strings.Trim(part, " \t\r\n")
			if part == "" {
				continue
			}
			name, val, _ := strings.Cut(part, "=")
			name = strings.Trim(name, " \t\r\n")
			if !validCookieName(name) {
				continue
			}
			if len(val) > 1 && val[0] == '"' && val[len(val)-1] == '"' {
				val = val[1 : len(val)-1]
			}
			ok := true
			for i := 0; i < len(val); i++ {
				ok = ok && validCookieValueByte(val[i])
			}
			if ok {
				out = append(out, &Cookie{Name: name, Value: val})
			}
		}
	}
	return out
}

func validCookieName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isToken(s[i]) {
			return false
		}
	}
	return true
}

func validCookieValueByte(b byte) bool {
	return 0x20 <= b && b < 0x7f && b != '"' && b != ';' && b != '\\'
}

// keep returns s without the bytes ok refuses.
func keep(s string, ok func(byte) bool) string {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			b := make([]byte, 0, len(s))
			for j := 0; j < len(s); j++ {
				if ok(s[j]) {
					b = append(b, s[j])
				}
			}
			return string(b)
		}
	}
	return s
}
