package seal

import (
	"bytes"
	"fmt"
	"strings"
)

// field is one header field as it stands: name and the raw text with
// its continuation lines and line ends (LF).
type field struct {
	name, raw string
}

// value is the unfolded value of the field.
func (f field) value() string {
	_, v, _ := strings.Cut(f.raw, ":")
	v = strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\n", "")
	return strings.TrimSpace(v)
}

type header []field

func (h header) get(name string) *field {
	for i := range h {
		if strings.EqualFold(h[i].name, name) {
			return &h[i]
		}
	}
	return nil
}

// partition splits h into the content fields (Content-*, the inner
// entity's) and the others (the message's), MIME-Version dropped.
func (h header) partition() (content, outer header) {
	for _, f := range h {
		switch n := strings.ToLower(f.name); {
		case strings.HasPrefix(n, "content-"):
			content = append(content, f)
		case n == "mime-version":
		default:
			outer = append(outer, f)
		}
	}
	return content, outer
}

// splitMessage splits a message into its header fields and body (CRLF
// or LF line ends). Lines before the first field that are no field are
// kept with the field before them, as continuation lines.
func splitMessage(msg []byte) (header, []byte) {
	var h header
	rest := msg
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		line := rest
		if i >= 0 {
			line = rest[:i+1]
		}
		rest = rest[len(line):]
		trimmed := bytes.TrimRight(line, "\r\n")
		if len(trimmed) == 0 {
			return h, rest
		}
		if (trimmed[0] == ' ' || trimmed[0] == '\t') && len(h) > 0 {
			h[len(h)-1].raw += ensureLF(line)
			continue
		}
		name, _, _ := bytes.Cut(trimmed, []byte(":"))
		h = append(h, field{name: strings.TrimSpace(string(name)), raw: ensureLF(line)})
	}
	return h, nil
}

// ensureLF ends a line with LF (the last line of a message may lack it).
func ensureLF(line []byte) string {
	s := strings.TrimRight(string(line), "\r\n")
	return s + "\n"
}

// sevenBit checks that the content fields and the body can be signed
// as they are.
func sevenBit(content header, body []byte) error {
	for _, f := range content {
		if err := sevenBitText([]byte(f.raw)); err != nil {
			return err
		}
	}
	return sevenBitText(body)
}

func sevenBitText(b []byte) error {
	n := 0
	for i, c := range b {
		switch {
		case c == '\n':
			n = 0
			continue
		case c == '\r' && i+1 < len(b) && b[i+1] == '\n':
			continue
		case c == 0 || c == '\r' || c >= 0x80:
			return fmt.Errorf("%w: byte %#x at %d", ErrNotSevenBit, c, i)
		}
		if n++; n > 998 {
			return fmt.Errorf("%w: a line over 998 octets", ErrNotSevenBit)
		}
	}
	return nil
}

// toCRLF makes every line end CRLF.
func toCRLF(b []byte) string {
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// toLF makes every line end LF (what the sendmail interface and a
// Maildir file hold; the reader's canonical form is CRLF again).
func toLF(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
}
