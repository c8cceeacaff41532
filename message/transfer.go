package message

import (
	"io"
	"strings"
)

// decodeTransfer undoes a Content-Transfer-Encoding (RFC 2045 section 6),
// leniently. An unknown encoding is noted and the bytes are passed as is.
// bufs, if not nil, lends the decoder its buffers: the reader must be
// done with before bufs is lent again.
func decodeTransfer(enc string, r io.Reader, p *problems, bufs *decodeBufs) io.Reader {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit":
		return r
	case "base64":
		b := &base64Reader{r: r, p: p}
		if bufs != nil {
			b.src, b.out = bufs.get()
		}
		return b
	case "quoted-printable":
		q := &qpReader{r: r}
		if bufs != nil {
			q.src, q.out = bufs.get()
		}
		return q
	}
	p.add("unknown transfer encoding " + cleanLine(enc))
	return r
}

// chunkSize is the read size of the decoders below.
const chunkSize = 8192

// decodeBufs are the buffers of a decoder, kept from one part to the
// next (Digester). A chunk decodes to at most chunkSize bytes plus the
// white space quoted-printable holds back, so out never grows.
type decodeBufs struct {
	src, out []byte
}

func (d *decodeBufs) get() (src, out []byte) {
	if d.src == nil {
		d.src = make([]byte, chunkSize)
		d.out = make([]byte, 0, chunkSize+maxQPSpace+4)
	}
	return d.src, d.out[:0]
}

var b64Value = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alpha); i++ {
		t[alpha[i]] = byte(i)
	}
	return t
}()

// base64Reader decodes base64 leniently: white space and stray bytes are
// skipped (noted once), padding ends a group and decoding goes on after
// it (concatenated encodings), a short final group is decoded as far as
// it goes.
type base64Reader struct {
	r    io.Reader
	p    *problems
	src  []byte
	out  []byte
	off  int
	quad [4]byte
	n    int
	err  error
}

func (b *base64Reader) flushQuad() {
	q := b.quad
	switch b.n {
	case 2:
		b.out = append(b.out, q[0]<<2|q[1]>>4)
	case 3:
		b.out = append(b.out, q[0]<<2|q[1]>>4, q[1]<<4|q[2]>>2)
	case 4:
		b.out = append(b.out, q[0]<<2|q[1]>>4, q[1]<<4|q[2]>>2, q[2]<<6|q[3])
	}
	b.n = 0
}

func (b *base64Reader) Read(p []byte) (int, error) {
	for b.off == len(b.out) {
		if b.err != nil {
			return 0, b.err
		}
		if b.src == nil {
			b.src = make([]byte, chunkSize)
		}
		n, err := b.r.Read(b.src)
		b.out, b.off = b.out[:0], 0
		for _, c := range b.src[:n] {
			v := b64Value[c]
			switch {
			case v != 0xff:
				b.quad[b.n] = v
				b.n++
				if b.n == 4 {
					b.flushQuad()
				}
			case c == '=':
				b.flushQuad()
			case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			default:
				b.p.add("bad base64 data")
			}
		}
		if err != nil {
			if b.n == 1 {
				b.p.add("bad base64 data")
			}
			b.flushQuad()
			b.err = err
		}
	}
	n := copy(p, b.out[b.off:])
	b.off += n
	return n, nil
}

// qpReader decodes quoted-printable (RFC 2045 section 6.7) leniently:
// "=" not followed by two hex digits or a line end is kept as is, white
// space at the end of a line is dropped, long lines are fine.
type qpReader struct {
	r     io.Reader
	src   []byte
	out   []byte
	off   int
	state int  // qpNormal, qpEq, qpHex, qpEqCR, qpEqSpace
	hex1  byte // first hex digit after "="
	ws    []byte
	err   error
}

const (
	qpNormal = iota
	qpEq
	qpHex
	qpEqCR
	qpEqSpace
)

// qpSpecial marks the bytes qpReader.byteIn does not copy as they are
// in state qpNormal.
var qpSpecial = [256]bool{'=': true, ' ': true, '\t': true, '\r': true, '\n': true}

// maxQPSpace bounds white space held back waiting for a line end.
const maxQPSpace = 1024

func (q *qpReader) byteIn(c byte) {
	for {
		switch q.state {
		case qpNormal:
			switch c {
			case '=':
				q.state = qpEq
			case ' ', '\t':
				if len(q.ws) >= maxQPSpace {
					q.out = append(q.out, q.ws...)
					q.ws = q.ws[:0]
				}
				q.ws = append(q.ws, c)
			case '\r', '\n':
				q.ws = q.ws[:0]
				q.out = append(q.out, c)
			default:
				q.out = append(q.out, q.ws...)
				q.ws = q.ws[:0]
				q.out = append(q.out, c)
			}
			return
		case qpEq:
			q.out = append(q.out, q.ws...)
			q.ws = q.ws[:0]
			switch {
			case isHex(c):
				q.hex1, q.state = c, qpHex
			case c == '\n':
				q.state = qpNormal
			case c == '\r':
				q.state = qpEqCR
			case c == ' ' || c == '\t':
				q.state = qpEqSpace
			case c == '=':
				q.out = append(q.out, '=')
			default:
				q.out = append(q.out, '=', c)
				q.state = qpNormal
			}
			return
		case qpHex:
			q.state = qpNormal
			if isHex(c) {
				q.out = append(q.out, unhex(q.hex1)<<4|unhex(c))
				return
			}
			q.out = append(q.out, '=', q.hex1)
			continue // c again, in qpNormal
		case qpEqCR:
			q.state = qpNormal
			if c == '\n' {
				return
			}
			continue
		case qpEqSpace:
			switch c {
			case ' ', '\t':
				return
			case '\r':
				q.state = qpEqCR
				return
			case '\n':
				q.state = qpNormal
				return
			}
			q.out = append(q.out, '=')
			q.state = qpNormal
			continue
		}
	}
}

func (q *qpReader) Read(p []byte) (int, error) {
	for q.off == len(q.out) {
		if q.err != nil {
			return 0, q.err
		}
		if q.src == nil {
			q.src = make([]byte, chunkSize)
		}
		n, err := q.r.Read(q.src)
		q.out, q.off = q.out[:0], 0
		src := q.src[:n]
		for i := 0; i < len(src); i++ {
			if q.state == qpNormal && len(q.ws) == 0 {
				// Fast path: a run of bytes that stand for themselves.
				// White space followed by such a byte is no line end's.
				j := i
				for j < len(src) {
					if c := src[j]; !qpSpecial[c] {
						j++
					} else if (c == ' ' || c == '\t') && j+1 < len(src) && !qpSpecial[src[j+1]] {
						j += 2
					} else {
						break
					}
				}
				q.out = append(q.out, src[i:j]...)
				if i = j; i == len(src) {
					break
				}
			}
			q.byteIn(src[i])
		}
		if err != nil {
			if q.state == qpHex {
				q.out = append(q.out, '=', q.hex1)
			}
			q.state = qpNormal
			q.err = err
		}
	}
	n := copy(p, q.out[q.off:])
	q.off += n
	return n, nil
}
