package message

import (
	"encoding/base64"
	"strings"
	"unicode/utf16"
)

// charsetAliases maps labels seen in mail that neither the IANA nor the
// WHATWG index knows to one they know.
var charsetAliases = map[string]string{
	"cp932": "shift_jis", "x-ms-cp932": "shift_jis", "shift-jis": "shift_jis",
	"cp936": "gbk", "ms936": "gbk", "gb2312-80": "gbk",
	"cp949": "euc-kr", "ks_c_5601": "euc-kr", "x-euc-kr": "euc-kr",
	"x-euc-jp": "euc-jp", "latin-1": "iso-8859-1", "x-mac-roman": "macintosh",
}

// normCharset lower-cases a charset label and resolves aliases,
// including "cp125N" for "windows-125N".
func normCharset(cs string) string {
	cs = strings.ToLower(strings.Trim(strings.TrimSpace(cs), `"'`))
	if a, ok := charsetAliases[cs]; ok {
		return a
	}
	if strings.HasPrefix(cs, "cp125") && len(cs) == 6 {
		return "windows-" + cs[2:]
	}
	return cs
}

// decodeUTF7 decodes UTF-7 (RFC 2152), which x/text lacks.
func decodeUTF7(b []byte) string {
	var out []byte
	for i := 0; i < len(b); {
		if b[i] != '+' {
			out = append(out, b[i])
			i++
			continue
		}
		i++
		if i < len(b) && b[i] == '-' {
			out = append(out, '+')
			i++
			continue
		}
		j := i
		for j < len(b) && b64Value[b[j]] != 0xff {
			j++
		}
		enc := b[i:j]
		if len(enc)%4 == 1 {
			enc = enc[:len(enc)-1]
		}
		raw, _ := base64.RawStdEncoding.DecodeString(string(enc))
		units := make([]uint16, len(raw)/2)
		for k := range units {
			units[k] = uint16(raw[2*k])<<8 | uint16(raw[2*k+1])
		}
		out = append(out, string(utf16.Decode(units))...)
		i = j
		if i < len(b) && b[i] == '-' {
			i++
		}
	}
	return fallback8bit(out)
}
