package message

import (
	"sort"
	"strconv"
	"strings"
)

// maxParams bounds the parameters read from one header value.
const maxParams = 64

// parseMediaType parses a Content-Type or Content-Disposition value
// leniently (RFC 2045 section 5.1, RFC 2183, RFC 2231). It returns the
// lower-cased value before the first ";" and the parameters with
// lower-cased names and decoded values (RFC 2231 continuations and
// charsets, and, as a QUIRK, RFC 2047 words inside quoted values).
func parseMediaType(v string, p *problems) (string, map[string]string) {
	typ, rest, _ := strings.Cut(v, ";")
	typ = strings.ToLower(strings.TrimSpace(typ))
	params := map[string]string{}
	type segment struct {
		n   int
		ext bool
		val string
	}
	conts := map[string][]segment{}
	for count := 0; rest != "" && count < maxParams; count++ {
		rest = strings.TrimLeft(rest, " \t;")
		if rest == "" {
			break
		}
		var key, val string
		eq := strings.IndexAny(rest, "=;")
		if eq < 0 || rest[eq] == ';' {
			// A parameter without a value: skip it.
			if eq < 0 {
				break
			}
			rest = rest[eq+1:]
			continue
		}
		key = strings.ToLower(strings.TrimSpace(rest[:eq]))
		rest = strings.TrimLeft(rest[eq+1:], " \t")
		if strings.HasPrefix(rest, `"`) {
			val, rest = unquote(rest)
		} else {
			end := strings.IndexByte(rest, ';')
			if end < 0 {
				end = len(rest)
			}
			val, rest = strings.TrimSpace(rest[:end]), rest[end:]
		}
		if key == "" {
			continue
		}
		base, sec, isSec := strings.Cut(key, "*")
		if !isSec {
			if _, dup := params[key]; !dup {
				params[key] = val
			}
			continue
		}
		seg := segment{val: val}
		switch {
		case sec == "": // name*=charset'lang'value
			seg.ext = true
		default:
			seg.ext = strings.HasSuffix(sec, "*")
			n, err := strconv.Atoi(strings.TrimSuffix(sec, "*"))
			if err != nil || n < 0 || n > maxParams {
				p.add("bad parameter " + cleanLine(key))
				continue
			}
			seg.n = n
		}
		conts[base] = append(conts[base], seg)
	}
	for base, segs := range conts {
		sort.SliceStable(segs, func(i, j int) bool { return segs[i].n < segs[j].n })
		var raw []byte
		cs := ""
		for i, s := range segs {
			v := s.val
			if s.ext {
				if i == 0 {
					if parts := strings.SplitN(v, "'", 3); len(parts) == 3 {
						cs, v = parts[0], parts[2]
					}
				}
				raw = append(raw, percentDecode(v)...)
			} else {
				raw = append(raw, v...)
			}
		}
		params[base] = toUTF8(raw, cs, p)
	}
	for k, v := range params {
		if _, ext := conts[k]; !ext {
			params[k] = decodeWords(v, p)
		}
	}
	return typ, params
}

// unquote reads a quoted-string at the start of s and returns its
// content and the rest. A missing closing quote ends at the end of s.
func unquote(s string) (string, string) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

// percentDecode undoes RFC 2231 %XX escapes, keeping bad ones as is.
func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}
