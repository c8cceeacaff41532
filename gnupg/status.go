package gnupg

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// MaxStatusBytes bounds the status output read from one call; the rest
// is ignored (a verification of a message with a thousand signatures
// is not worth more).
const MaxStatusBytes = 1 << 20

// statusPrefix begins every status line (doc/DETAILS, "Format of the
// --status-fd output").
const statusPrefix = "[GNUPG:] "

// Status is one status line: its keyword and arguments.
type Status struct {
	Keyword string
	Args    []string
}

// Arg returns argument i, or "" when there is none (new versions may
// add arguments; old ones may lack them).
func (s Status) Arg(i int) string {
	if i < len(s.Args) {
		return s.Args[i]
	}
	return ""
}

// ParseStatus reads status lines from r, at most MaxStatusBytes. Lines
// without the "[GNUPG:] " prefix are ignored, as are unknown keywords
// by the readers of the result (doc/DETAILS: an application should
// always be willing to ignore unknown keywords and extra arguments).
func ParseStatus(r io.Reader) []Status {
	var out []Status
	sc := bufio.NewScanner(io.LimitReader(r, MaxStatusBytes))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		line, ok := bytes.CutPrefix(sc.Bytes(), []byte(statusPrefix))
		if !ok {
			continue
		}
		f := strings.Fields(string(line))
		if len(f) == 0 {
			continue
		}
		out = append(out, Status{Keyword: f[0], Args: f[1:]})
	}
	return out
}

// rest returns the arguments from i on joined by single spaces: the
// user name of GOODSIG and its kin, which may hold spaces.
func (s Status) rest(i int) string {
	if i >= len(s.Args) {
		return ""
	}
	return strings.Join(s.Args[i:], " ")
}

// unescape undoes the %XX escaping of user names and of NEWSIG's
// signer's user id (doc/DETAILS); a bad escape is left as it is.
func unescape(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if h, ok := unhex(s[i+1]); ok {
				if l, ok := unhex(s[i+2]); ok {
					b.WriteByte(h<<4 | l)
					i += 2
					continue
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
