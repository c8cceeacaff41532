package message

import (
	"bytes"
	"io"
	"strings"

	htmlcharset "golang.org/x/net/html/charset"
)

// readText reads up to max decoded bytes of a text part and converts
// them to clean UTF-8 with LF line ends. truncated is set when the part
// was longer; size is the decoded size read (the whole part is drained).
// scratch, if not nil, holds the bytes read (its memory is reused).
func readText(n *node, max int64, p *problems, scratch *bytes.Buffer) (s string, truncated bool, size int64) {
	r := n.decoded(p)
	if scratch == nil {
		scratch = new(bytes.Buffer)
	}
	scratch.Reset()
	if _, err := scratch.ReadFrom(io.LimitReader(r, max+1)); err != nil {
		p.add("body read error")
	}
	data := scratch.Bytes()
	size = int64(len(data))
	if size > max {
		truncated = true
		data = data[:max]
		rest, _ := io.Copy(io.Discard, r)
		size += rest
	}
	cs := n.params["charset"]
	if cs == "" && n.typ == "text/html" {
		if _, name, certain := htmlcharset.DetermineEncoding(data, "text/html"); certain {
			cs = name
		}
	}
	return cleanText(toUTF8(data, cs, p)), truncated, size
}

// textToLines splits plain text into Lines: quote depth per line and
// Spans made by spans (linkify: links as Spans of their own). With flowed
// (RFC 3676) soft line breaks are joined so that a paragraph is one Line.
func textToLines(s string, flowed, delSp bool, spans func(string) []Span) []Line {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	raw := strings.Split(s, "\n")
	lines := make([]Line, 0, len(raw))
	if !flowed {
		for _, l := range raw {
			q, rest := quoteDepth(l)
			lines = append(lines, Line{Quote: q, Spans: spans(rest)})
		}
		return lines
	}
	var para strings.Builder
	depth, open := 0, false
	flush := func() {
		if open {
			lines = append(lines, Line{Quote: depth, Spans: spans(para.String())})
			para.Reset()
			open = false
		}
	}
	for _, l := range raw {
		// RFC 3676 section 4.5: quote marks, then space-stuffing.
		q := 0
		for q < len(l) && l[q] == '>' {
			q++
		}
		rest := strings.TrimPrefix(l[q:], " ")
		if open && q != depth {
			flush() // section 4.5: a depth change ends the paragraph
		}
		soft := strings.HasSuffix(rest, " ") && rest != "-- "
		if soft && delSp {
			rest = rest[:len(rest)-1]
		}
		para.WriteString(rest)
		depth, open = q, true
		if !soft {
			flush()
		}
	}
	flush()
	return lines
}

// quoteDepth counts the leading '>' marks of a fixed line (spaces
// between marks allowed: "> > x" has depth 2) and returns the rest
// without the marks and one following space.
func quoteDepth(l string) (int, string) {
	q, i := 0, 0
	for i < len(l) {
		if l[i] == '>' {
			q++
			i++
			continue
		}
		if l[i] == ' ' && q > 0 && i+1 < len(l) && l[i+1] == '>' {
			i++
			continue
		}
		break
	}
	if q == 0 {
		return 0, l
	}
	return q, strings.TrimPrefix(l[i:], " ")
}
