package message

import (
	"encoding/base64"
	"sort"
	"strings"
	"unicode/utf16"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// Charset labels are looked up as mail readers do: every label and alias
// IANA registers (golang.org/x/text/encoding/ianaindex's, compiled into
// charsets_iana.go) and every WHATWG encoding label (htmlindex), without
// regard to case; then, failing that,
// also without regard to punctuation and leading zeros (Unicode UTS #22
// "charset alias matching", as ICU does: "US_ASCII", "iso8859_15",
// "cp-1252", "EUC_JP", "8859-1"); then a few labels seen in mail that
// neither index knows (charsetAlias).
//
// QUIRK: ISO-8859-1 and ISO-8859-9 are read as their supersets
// Windows-1252 and Windows-1254, as the WHATWG Encoding Standard and mail
// readers read them: mailers label text with Windows' curly quotes and
// dashes (bytes 0x80-0x9F, control characters in ISO-8859-1) "iso-8859-1".
//
// Every alias of US-ASCII (us, ascii, ANSI_X3.4-1968, ISO646-US, iso-ir-6,
// IBM367, cp367, csASCII, 646, ...) and of UTF-8 is read as undeclared
// text is: UTF-8 when valid, else Windows-1252. Mailers label UTF-8 text
// with the locale's name of ASCII ("ANSI_X3.4-1968" is glibc's).

// charsetAlias maps labels seen in mail that neither the IANA nor the
// WHATWG index knows to one they know (a switch: a map literal would be
// built at every start of the program).
func charsetAlias(l string) string {
	switch l {
	case "cp932", "x-ms-cp932", "shift-jis":
		return "shift_jis"
	case "cp936", "ms936", "gb2312-80":
		return "gbk"
	case "cp949", "ks_c_5601", "x-euc-kr":
		return "euc-kr"
	case "x-euc-jp":
		return "euc-jp"
	case "latin-1", "ansi_x3.110-1983":
		return "iso-8859-1"
	case "x-mac-roman":
		return "macintosh"
	case "ascii", "646": // WHATWG reads "ascii" as Windows-1252; IANA does not know it
		return "us-ascii"
	case "x-utf_8j": // as github.com/emersion/go-message/charset
		return "utf-8"
	}
	return l
}

// Kinds of charset, as lookupCharset finds them.
const (
	csUnknown    = iota
	csUndeclared // US-ASCII, UTF-8 and their aliases: fallback8bit
	csUTF7       // decodeUTF7
	csEncoding   // an encoding of golang.org/x/text
)

// ianaEncodings are the encodings of golang.org/x/text's IANA index, in
// the order of ianaIndex's enc (charsets_iana.go); entry 0 stands for
// US-ASCII, which the index gives as an encoding of its own. The index is
// not linked: its map of 1,500 labels was built at every start of the
// program (54 KB, about 26 page faults a request), and its tables were
// pointer data the loader relocates (9 pages).
var ianaEncodings = [...]encoding.Encoding{
	nil, unicode.UTF8,
	unicode.UTF16(unicode.BigEndian, unicode.UseBOM),
	unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM),
	unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM),
	charmap.CodePage037, charmap.CodePage437, charmap.CodePage850, charmap.CodePage852,
	charmap.CodePage855, charmap.CodePage858, charmap.CodePage860, charmap.CodePage862,
	charmap.CodePage863, charmap.CodePage865, charmap.CodePage866, charmap.CodePage1047,
	charmap.CodePage1140,
	charmap.ISO8859_1, charmap.ISO8859_2, charmap.ISO8859_3, charmap.ISO8859_4,
	charmap.ISO8859_5, charmap.ISO8859_6, charmap.ISO8859_6E, charmap.ISO8859_6I,
	charmap.ISO8859_7, charmap.ISO8859_8, charmap.ISO8859_8E, charmap.ISO8859_8I,
	charmap.ISO8859_9, charmap.ISO8859_10, charmap.ISO8859_13, charmap.ISO8859_14,
	charmap.ISO8859_15, charmap.ISO8859_16,
	charmap.KOI8R, charmap.KOI8U, charmap.Macintosh, charmap.Windows874,
	charmap.Windows1250, charmap.Windows1251, charmap.Windows1252, charmap.Windows1253,
	charmap.Windows1254, charmap.Windows1255, charmap.Windows1256, charmap.Windows1257,
	charmap.Windows1258,
	japanese.EUCJP, japanese.ISO2022JP, japanese.ShiftJIS, korean.EUCKR,
	simplifiedchinese.GB18030, simplifiedchinese.GBK, simplifiedchinese.HZGB2312,
	traditionalchinese.Big5,
}

// ianaCharset looks a lower-case label up in the IANA index: its
// encoding, or ascii for US-ASCII and its aliases; ok is false for a
// label the index does not know or has no encoding for.
func ianaCharset(l string) (enc encoding.Encoding, ascii, ok bool) {
	label := func(i int) string {
		start := 0
		if i > 0 {
			start = int(ianaIndex[i-1].end)
		}
		return ianaLabels[start:ianaIndex[i].end]
	}
	i := sort.Search(len(ianaIndex), func(i int) bool { return label(i) >= l })
	if i == len(ianaIndex) || label(i) != l {
		return nil, false, false
	}
	if e := ianaIndex[i].enc; e != 0 {
		return ianaEncodings[e], false, true
	}
	return nil, true, true
}

// lookupCharset finds the charset a label names (see above).
func lookupCharset(label string) (kind int, enc encoding.Encoding) {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), `"' `))
	if kind, enc = knownCharset(l); kind != csUnknown {
		return kind, enc
	}
	key := looseCharset(l)
	if kind, enc = knownCharset(key); kind != csUnknown {
		return kind, enc
	}
	i := sort.Search(len(looseCharsets), func(i int) bool { return looseCharsets[i].key >= key })
	if i < len(looseCharsets) && looseCharsets[i].key == key {
		return knownCharset(looseCharsets[i].label)
	}
	return csUnknown, nil
}

// knownCharset looks a lower-case label up in charsetAlias, then in
// the indexes.
func knownCharset(l string) (int, encoding.Encoding) {
	return exactCharset(charsetAlias(l))
}

// exactCharset looks a lower-case label up in the indexes.
func exactCharset(l string) (int, encoding.Encoding) {
	switch l {
	case "":
		return csUnknown, nil
	case "utf-7", "unicode-1-1-utf-7", "csunicode11utf7", "utf7":
		return csUTF7, nil
	case "unknown-8bit", "x-unknown", "x-user-defined", "default", "unknown":
		return csUndeclared, nil
	}
	enc, ascii, ok := ianaCharset(l)
	if ascii {
		return csUndeclared, nil
	}
	var err error
	if !ok {
		enc, err = htmlindex.Get(l)
	}
	switch {
	case err != nil || enc == nil || enc == encoding.Replacement:
		// The WHATWG replacement encoding turns all into one U+FFFD:
		// the text read as undeclared shows more.
		return csUnknown, nil
	case enc == unicode.UTF8:
		return csUndeclared, nil
	case enc == charmap.ISO8859_1:
		return csEncoding, charmap.Windows1252
	case enc == charmap.ISO8859_9:
		return csEncoding, charmap.Windows1254
	}
	return csEncoding, enc
}

// looseCharset is a label as UTS #22 (and ICU) match charset aliases:
// only letters and digits, lower-case, without a '0' that starts a
// number and is followed by a digit.
func looseCharset(l string) string {
	b := make([]byte, 0, len(l))
	afterDigit := false
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
			afterDigit = false
		case c >= 'a' && c <= 'z':
			b = append(b, c)
			afterDigit = false
		case c == '0':
			if !afterDigit && i+1 < len(l) && l[i+1] >= '0' && l[i+1] <= '9' {
				continue
			}
			b = append(b, c)
		case c >= '1' && c <= '9':
			b = append(b, c)
			afterDigit = true
		default:
			afterDigit = false
		}
	}
	return string(b)
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
