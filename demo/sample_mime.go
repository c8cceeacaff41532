package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"strings"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// This file builds MIME messages (RFC 2045-2047, RFC 2231) as trees of
// parts rendered with LF line endings, the way mail is stored in a Maildir.
// It is a generator for test data: it writes what it is told, including the
// broken messages the sample set wants.

// field is one header field, kept in the order it was added.
type field struct{ key, value string }

// part is a MIME entity: a header and either an encoded body (a leaf) or
// children (a multipart, with its boundary).
type part struct {
	header   []field
	body     []byte
	children []*part
	boundary string
	// truncate, when > 0, cuts the rendered entity to that many bytes (the
	// deliberately truncated sample).
	truncate int
}

func (p *part) add(key, value string) *part {
	p.header = append(p.header, field{key, value})
	return p
}

// render writes the entity with folded header lines and LF line endings.
func (p *part) render(b *bytes.Buffer) {
	start := b.Len()
	for _, f := range p.header {
		b.WriteString(fold(f.key + ": " + f.value))
	}
	b.WriteByte('\n')
	if p.children == nil {
		b.Write(p.body)
		if len(p.body) > 0 && p.body[len(p.body)-1] != '\n' {
			b.WriteByte('\n')
		}
	} else {
		b.WriteString("This is a multi-part message in MIME format.\n")
		for _, c := range p.children {
			b.WriteString("\n--" + p.boundary + "\n")
			c.render(b)
		}
		b.WriteString("\n--" + p.boundary + "--\n")
	}
	if p.truncate > 0 && b.Len()-start > p.truncate {
		b.Truncate(start + p.truncate)
	}
}

// fold folds a header line at spaces so that lines stay within 78 bytes
// where possible (RFC 5322 section 2.2.3) and ends it with LF.
func fold(line string) string {
	const limit = 78
	var out strings.Builder
	// Never fold right after the field name.
	first := strings.Index(line, ": ") + 2
	for len(line) > limit {
		cut := strings.LastIndexByte(line[:limit], ' ')
		if cut < first {
			// One long word: fold at the next space, if any.
			from := max(limit, first)
			next := strings.IndexByte(line[min(from, len(line)):], ' ')
			if next < 0 {
				break
			}
			cut = from + next
		}
		out.WriteString(line[:cut] + "\n")
		line = line[cut:] // the space starts the continuation line
		first = 1
	}
	out.WriteString(line + "\n")
	return out.String()
}

// multipartOf returns a multipart entity of subtype ("mixed", "alternative",
// "related") with the given boundary and children.
func multipartOf(subtype, boundary string, children ...*part) *part {
	p := &part{children: children, boundary: boundary}
	params := map[string]string{"boundary": boundary}
	if subtype == "related" {
		params["type"] = "text/html"
	}
	return p.add("Content-Type", mime.FormatMediaType("multipart/"+subtype, params))
}

// encodeCharset converts UTF-8 text to the named charset. Unknown charsets
// (the deliberately odd sample) get the UTF-8 bytes unchanged.
func encodeCharset(charset, s string) []byte {
	var out string
	var err error
	switch charset {
	case "iso-8859-1":
		out, err = charmap.ISO8859_1.NewEncoder().String(s)
	case "windows-1252":
		out, err = charmap.Windows1252.NewEncoder().String(s)
	case "iso-2022-jp":
		out, err = japanese.ISO2022JP.NewEncoder().String(s)
	default:
		return []byte(s)
	}
	if err != nil {
		// The word lists only hold text these charsets can encode.
		panic(fmt.Sprintf("demo: cannot encode %q as %s: %v", s, charset, err))
	}
	return []byte(out)
}

// encodeWord returns s as RFC 2047 encoded words in charset (B encoding for
// iso-2022-jp, Q otherwise), or s itself when it is plain ASCII.
func encodeWord(charset, s string) string {
	enc := mime.QEncoding
	if charset == "iso-2022-jp" {
		enc = mime.BEncoding
	}
	return enc.Encode(charset, string(encodeCharset(charset, s)))
}

// textPart returns a text/<subtype> leaf in charset. flowed adds
// format=flowed (RFC 3676); the caller wraps the text with trailing spaces.
// 8-bit text is sent quoted-printable, or base64 when b64 is set.
func textPart(subtype, charset, text string, flowed, b64 bool) *part {
	raw := encodeCharset(charset, text)
	params := map[string]string{"charset": charset}
	if flowed {
		params["format"] = "flowed"
	}
	p := (&part{}).add("Content-Type", mime.FormatMediaType("text/"+subtype, params))
	switch {
	case b64:
		p.add("Content-Transfer-Encoding", "base64")
		p.body = base64Lines(raw)
	case is7bit(raw):
		p.add("Content-Transfer-Encoding", "7bit")
		p.body = raw
	default:
		// Quoted-printable keeps the trailing spaces of flowed lines (=20).
		p.add("Content-Transfer-Encoding", "quoted-printable")
		p.body = quotedPrintable(raw)
	}
	return p
}

// attachment returns a base64 leaf with a Content-Disposition; a non-ASCII
// filename is written as RFC 2231 filename*=utf-8”... by FormatMediaType.
func attachment(contentType, filename string, data []byte, inline bool) *part {
	disp := "attachment"
	if inline {
		disp = "inline"
	}
	p := (&part{body: base64Lines(data)}).
		add("Content-Type", mime.FormatMediaType(contentType, map[string]string{"name": filename})).
		add("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": filename})).
		add("Content-Transfer-Encoding", "base64")
	return p
}

func is7bit(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// base64Lines encodes data in lines of 76 characters (RFC 2045 6.8).
func base64Lines(data []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(data)
	var b bytes.Buffer
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\n")
	return b.Bytes()
}

// quotedPrintable encodes text with LF line endings (the encoder writes CRLF
// for hard line breaks; Maildir files use LF).
func quotedPrintable(raw []byte) []byte {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write(raw)
	w.Close()
	return bytes.ReplaceAll(b.Bytes(), []byte("\r\n"), []byte("\n"))
}

// flow wraps paragraphs (separated by blank lines) for format=flowed: soft
// line breaks keep a trailing space (RFC 3676 section 4.2).
func flow(text string, width int) string {
	var out strings.Builder
	for i, para := range strings.Split(text, "\n\n") {
		if i > 0 {
			out.WriteString("\n")
		}
		words := strings.Fields(para)
		line := ""
		for j, w := range words {
			if line != "" && len(line)+1+len(w) > width {
				out.WriteString(line + " \n")
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
			if j == len(words)-1 {
				out.WriteString(line + "\n")
			}
		}
	}
	return out.String()
}

// wrap wraps paragraphs with hard line breaks at width.
func wrap(text string, width int) string {
	return strings.ReplaceAll(flow(text, width), " \n", "\n")
}
