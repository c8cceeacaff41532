package message

import (
	"bufio"
	"bytes"
	"io"
	"net/textproto"
	"strings"
)

// field is one header field as stored: its name as written and its raw
// value with the line folds removed (RFC 5322 section 2.2.3), undecoded.
type field struct {
	Name string
	Raw  string
}

// header is a header block in stored order.
type header []field

// get returns the first value of the named field, trimmed, or "".
func (h header) get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return strings.TrimSpace(f.Raw)
		}
	}
	return ""
}

// crReader turns a bare CR (not followed by LF) into LF. See the package
// comment (QUIRK) for why. A CR ending one read waits for the next byte.
type crReader struct {
	r         io.Reader
	pendingCR bool
}

func (c *crReader) Read(p []byte) (int, error) {
	if len(p) < 2 {
		// Only reached through bufio, whose buffer is larger.
		return 0, io.ErrShortBuffer
	}
	off := 0
	if c.pendingCR {
		off = 1
	}
	n, err := c.r.Read(p[off:])
	if c.pendingCR {
		if n == 0 && err == nil {
			return 0, nil
		}
		c.pendingCR = false
		p[0] = '\n'
		if n > 0 && p[1] == '\n' {
			p[0] = '\r'
		}
	}
	n += off
	for i := off; i < n; i++ {
		j := bytes.IndexByte(p[i:n], '\r')
		if j < 0 {
			break
		}
		i += j
		switch {
		case i+1 < n:
			if p[i+1] != '\n' {
				p[i] = '\n'
			}
		case err == nil:
			c.pendingCR = true
			n--
		default:
			p[i] = '\n'
		}
	}
	return n, err
}

// lineReaderSize is the buffer size of a line reader.
const lineReaderSize = 8192

// lineReader buffers a reader for header and multipart reading, with
// bare CRs read as line ends.
type lineReader struct {
	bufio.Reader
	cr crReader
}

// readerPool keeps the line readers of the entities a walk has finished
// for the rest of the walk and for later walks (Digester). The nil pool
// allocates and never reuses: the readers of a walk that stops early
// (OpenPart) live on in what it returns.
type readerPool struct {
	free []*lineReader
}

// get returns a line reader of r.
func (p *readerPool) get(r io.Reader) *lineReader {
	if p == nil || len(p.free) == 0 {
		lr := &lineReader{cr: crReader{r: r}}
		lr.Reader = *bufio.NewReaderSize(&lr.cr, lineReaderSize)
		return lr
	}
	lr := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	lr.cr = crReader{r: r}
	lr.Reader.Reset(&lr.cr)
	return lr
}

// put gives back a line reader no longer read.
func (p *readerPool) put(lr *lineReader) {
	if p != nil {
		lr.cr = crReader{}
		p.free = append(p.free, lr)
	}
}

// readLine reads one line with its LF. Bytes past max are dropped
// (cut reports that); err is the read error after the line, if any.
func readLine(br *bufio.Reader, max int) (line []byte, cut bool, err error) {
	for {
		frag, e := br.ReadSlice('\n')
		if room := max - len(line); room > 0 {
			if len(frag) > room {
				line = append(line, frag[:room]...)
				cut = true
			} else {
				line = append(line, frag...)
			}
		} else if len(frag) > 0 {
			cut = true
		}
		if e == bufio.ErrBufferFull {
			continue
		}
		return line, cut, e
	}
}

// trimEOL removes a trailing LF or CRLF.
func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// fieldName returns the field name of line "Name: value" and the index
// of the colon, or ok false when line is not a field.
func fieldName(l []byte) (name string, colon int, ok bool) {
	i := bytes.IndexByte(l, ':')
	if i <= 0 {
		return "", 0, false
	}
	// QUIRK: "Subject :" (space before the colon, RFC 822 allowed it).
	n := bytes.TrimRight(l[:i], " \t")
	if len(n) == 0 {
		return "", 0, false
	}
	for _, c := range n {
		if c < 33 || c > 126 {
			return "", 0, false
		}
	}
	return string(n), i, true
}

// looksLikeField reports whether the next buffered line starts a field.
func looksLikeField(br *bufio.Reader) bool {
	b, _ := br.Peek(128)
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	_, _, ok := fieldName(b)
	return ok
}

// readHeader reads a header block from br, keeping at most max bytes of
// it. top is set for the message's own header (mbox "From " line, BOM and
// leading blank lines are skipped there). When a line that is no field
// ends the header early, it is returned in body to be read as the body.
func readHeader(br *bufio.Reader, max int, top bool, p *problems) (h header, body []byte) {
	total := 0
	var cur []byte // the field being read, folds removed
	haveCur := false
	flush := func() {
		if !haveCur {
			return
		}
		haveCur = false
		name, i, _ := fieldName(cur)
		h = append(h, field{Name: textproto.CanonicalMIMEHeaderKey(name), Raw: string(cur[i+1:])})
	}
	first, skipCont := true, false
	for {
		line, cut, err := readLine(br, max+2)
		if len(line) == 0 {
			flush()
			return h, nil
		}
		if cut {
			p.add("header line too long, cut")
		}
		if first && top {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
			if bytes.HasPrefix(line, []byte("From ")) {
				first = false
				continue
			}
		}
		first = false
		l := trimEOL(line)
		if top && len(h) == 0 && !haveCur && len(bytes.TrimSpace(l)) == 0 && err == nil && looksLikeField(br) {
			p.add("blank line before the header")
			continue
		}
		if len(l) == 0 {
			flush()
			return h, nil
		}
		total += len(line)
		if total > max {
			if total-len(line) <= max {
				p.add("header too long, rest skipped")
			}
			flush()
			if err != nil {
				return h, nil
			}
			continue
		}
		switch {
		case l[0] == ':':
			// QUIRK: a field with an empty name is skipped, as Python's
			// email package does, instead of ending the header.
			p.add("header field without name")
			flush()
			skipCont = true
		case l[0] == ' ' || l[0] == '\t':
			if skipCont {
				break
			}
			if haveCur {
				cur = append(cur, l...)
				break
			}
			// QUIRK: leading white space before the first field.
			t := bytes.TrimLeft(l, " \t")
			if _, _, ok := fieldName(t); ok && len(h) == 0 {
				p.add("white space before the header")
				cur, haveCur = append(cur[:0], t...), true
				break
			}
			if len(bytes.TrimSpace(l)) == 0 {
				break
			}
			p.add("header line without field name")
			flush()
			return h, line
		default:
			if _, _, ok := fieldName(l); !ok {
				p.add("header line without field name")
				flush()
				return h, line
			}
			flush()
			cur, haveCur, skipCont = append(cur[:0], l...), true, false
		}
		if err != nil {
			flush()
			return h, nil
		}
	}
}
