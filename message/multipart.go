package message

import (
	"bufio"
	"bytes"
	"io"
)

// multipartReader splits a multipart body at its boundary (RFC 2046
// section 5.1.1), line by line and streaming. It is lenient: LF or CRLF
// line ends, a missing close delimiter (the last part ends at EOF) and,
// when no delimiter appears at all, the body is kept as the preamble.
type multipartReader struct {
	lr   *lineReader
	br   *bufio.Reader // &lr.Reader
	dash []byte        // "--" + boundary

	started  bool   // a delimiter was seen
	partDone bool   // the current part ended
	ready    bool   // a delimiter ending the last part was read: a part follows
	closed   bool   // the close delimiter was seen
	eof      bool   // the body ended
	atStart  bool   // the next read begins a line
	nl       []byte // line end held back: it belongs to a following delimiter
	line     []byte // the content step returned last (reused)
	pending  []byte // bytes of the current part not yet returned (in line)
	off      int

	preamble    []byte // kept up to maxPreamble
	maxPreamble int
}

func newMultipartReader(r io.Reader, boundary string, maxPreamble int, pool *readerPool) *multipartReader {
	lr := pool.get(r)
	return &multipartReader{
		lr:          lr,
		br:          &lr.Reader,
		dash:        []byte("--" + boundary),
		atStart:     true,
		partDone:    true,
		maxPreamble: maxPreamble,
	}
}

// Delimiter kinds returned by delimiter.
const (
	notDelim = iota
	delim
	closeDelim
)

// delimiter classifies a whole line.
func (m *multipartReader) delimiter(line []byte) int {
	if !bytes.HasPrefix(line, m.dash) {
		return notDelim
	}
	rest := bytes.TrimRight(line[len(m.dash):], " \t\r\n")
	switch {
	case len(rest) == 0:
		return delim
	case bytes.Equal(rest, []byte("--")):
		return closeDelim
	}
	return notDelim
}

// step reads one line or line fragment. It returns the content bytes
// (the held line end of the previous line first) or, at a delimiter, the
// delimiter kind with no content. The content is valid until the next
// step.
func (m *multipartReader) step() (content []byte, kind int) {
	frag, err := m.br.ReadSlice('\n')
	full := err == bufio.ErrBufferFull
	if m.atStart && !full && len(frag) > 0 {
		if k := m.delimiter(frag); k != notDelim {
			m.nl = m.nl[:0]
			if err != nil {
				m.eof = true
			}
			return nil, k
		}
	}
	content = append(m.line[:0], m.nl...)
	m.nl = m.nl[:0]
	body := frag
	if !full && bytes.HasSuffix(body, []byte("\n")) {
		cut := len(body) - 1
		if cut > 0 && body[cut-1] == '\r' {
			cut--
		}
		m.nl = append(m.nl, body[cut:]...)
		body = body[:cut]
	}
	content = append(content, body...)
	m.atStart = !full
	if err != nil && !full {
		m.eof = true
		content = append(content, m.nl...)
		m.nl = m.nl[:0]
	}
	m.line = content
	return content, notDelim
}

// next moves to the next part. It returns false at the close delimiter
// or at the end of the body.
func (m *multipartReader) next() bool {
	for !m.partDone {
		m.pending, m.off = nil, 0
		m.fill()
	}
	m.pending, m.off = nil, 0
	if m.ready {
		m.ready, m.partDone = false, false
		return true
	}
	for !m.closed && !m.eof {
		content, kind := m.step()
		switch kind {
		case delim:
			m.started, m.partDone = true, false
			return true
		case closeDelim:
			m.started, m.closed = true, true
			return false
		}
		if !m.started && len(m.preamble) < m.maxPreamble {
			room := m.maxPreamble - len(m.preamble)
			if len(content) > room {
				content = content[:room]
			}
			m.preamble = append(m.preamble, content...)
		}
	}
	return false
}

// fill reads the next content of the current part into pending.
func (m *multipartReader) fill() {
	for len(m.pending) == m.off && !m.partDone {
		if m.eof {
			m.partDone = true
			return
		}
		content, kind := m.step()
		switch kind {
		case delim:
			m.partDone, m.ready = true, true
		case closeDelim:
			m.partDone, m.closed = true, true
		default:
			m.pending, m.off = content, 0
		}
	}
}

// Read reads the body of the current part.
func (m *multipartReader) Read(p []byte) (int, error) {
	m.fill()
	if len(m.pending) == m.off {
		return 0, io.EOF
	}
	n := copy(p, m.pending[m.off:])
	m.off += n
	return n, nil
}

// terminated reports whether the multipart ended with its close delimiter.
func (m *multipartReader) terminated() bool { return m.closed }
