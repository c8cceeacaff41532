package mailcrypto

import (
	"bufio"
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strings"
	"unicode"
)

// Limits of reading protected headers.
const (
	// MaxProtectedHeaderBytes bounds a header section read for protected
	// headers (the payload's own, or a legacy text/rfc822-headers part).
	MaxProtectedHeaderBytes = 64 << 10
	// MaxSubjectRunes bounds the protected Subject returned.
	MaxSubjectRunes = 998
)

// Protected are the header fields that the sender protected by putting
// them inside the encryption, with the "protected headers" convention
// (RFC 9788, "Header Protection for Cryptographically Protected
// Email", from the LAMPS work; and its predecessor, "Memory Hole"):
// only Subject is read, the field that the outer header hides ("...",
// "[...]").
type Protected struct {
	Subject string
	// Legacy: the Subject came from a text/rfc822-headers part (the
	// older legacy display form), not from the payload's own header.
	Legacy bool
}

// ProtectedHeaders reads the decrypted MIME entity b (the plaintext of
// a PGP/MIME or S/MIME encryption). The cryptographic payload is b, or
// the first part of b when b is multipart/signed (signed, then
// encrypted). Its Subject counts when its Content-Type has
// protected-headers="v1" or it has an HP-Outer field (RFC 9788 section
// 2.2); else, when it is a multipart whose first part is
// text/rfc822-headers, the Subject of that part's content. ok is false
// when none is there: the outer Subject is then all there is. The
// Subject is RFC 2047 decoded, without control characters, at most
// MaxSubjectRunes. Nothing but header sections is read.
func ProtectedHeaders(b []byte) (p Protected, ok bool) {
	h, body, ok := readEntity(bytes.NewReader(b))
	if !ok {
		return Protected{}, false
	}
	mt, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if mt == "multipart/signed" {
		if h, body, ok = firstPart(body, params["boundary"]); !ok {
			return Protected{}, false
		}
		mt, params, _ = mime.ParseMediaType(h.Get("Content-Type"))
	}
	if strings.EqualFold(params["protected-headers"], "v1") || h.Get("HP-Outer") != "" {
		if s, ok := h["Subject"]; ok && len(s) > 0 {
			return Protected{Subject: cleanSubject(s[0])}, true
		}
	}
	if strings.HasPrefix(mt, "multipart/") {
		ph, pbody, ok := firstPart(body, params["boundary"])
		if pmt, _, _ := mime.ParseMediaType(ph.Get("Content-Type")); ok && pmt == "text/rfc822-headers" {
			if lh, _, ok := readEntity(pbody); ok {
				if s, ok := lh["Subject"]; ok && len(s) > 0 {
					return Protected{Subject: cleanSubject(s[0]), Legacy: true}, true
				}
			}
		}
	}
	return Protected{}, false
}

// readEntity reads a header section, at most MaxProtectedHeaderBytes,
// and returns it with the rest of r.
func readEntity(r io.Reader) (textproto.MIMEHeader, io.Reader, bool) {
	br := bufio.NewReader(io.LimitReader(r, MaxProtectedHeaderBytes))
	h, err := textproto.NewReader(br).ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return nil, nil, false
	}
	return h, io.MultiReader(br, r), true
}

// firstPart returns the header and body of the first part of a
// multipart body with boundary.
func firstPart(body io.Reader, boundary string) (textproto.MIMEHeader, io.Reader, bool) {
	if boundary == "" {
		return nil, nil, false
	}
	p, err := multipart.NewReader(body, boundary).NextRawPart()
	if err != nil {
		return nil, nil, false
	}
	return p.Header, p, true
}

// cleanSubject decodes a Subject (RFC 2047; left as it is when the
// charset is unknown), drops control characters and bounds it.
func cleanSubject(s string) string {
	if d, err := new(mime.WordDecoder).DecodeHeader(s); err == nil {
		s = d
	}
	var b strings.Builder
	n := 0
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if n >= MaxSubjectRunes {
			break
		}
		if unicode.IsControl(r) {
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}
