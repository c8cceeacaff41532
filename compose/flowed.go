package compose

import (
	"strings"
	"unicode/utf8"
)

// MaxFlowedLine is the longest line Flow writes, in characters, when the
// words allow it (RFC 3676 section 4.2 recommends at most 78).
const MaxFlowedLine = 78

// normalizeText makes LF line ends (a browser sends CRLF) and drops a
// last line end.
func normalizeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSuffix(s, "\n")
}

// Flow encodes plain text as format=flowed, DelSp=no (RFC 3676): each
// typed line is a paragraph, wrapped at spaces into lines of at most
// MaxFlowedLine characters ending in a space (soft breaks); a line that
// starts with '>' marks is a quoted line of that depth (one space after
// the marks is dropped, as a reader adds it); trailing spaces of typed
// lines are removed, except in the signature separator "-- "; lines
// that start with a space or "From " are space-stuffed. The result has
// LF line ends and ends with one.
func Flow(text string) string {
	text = normalizeText(text)
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		q := 0
		for q < len(line) && line[q] == '>' {
			q++
		}
		content := line[q:]
		if q > 0 {
			content = strings.TrimPrefix(content, " ")
		}
		if content != "-- " || q > 0 {
			content = strings.TrimRight(content, " ")
		}
		prefix := strings.Repeat(">", q)
		for first := true; first || content != ""; first = false {
			chunk := content
			if content != "-- " {
				width := MaxFlowedLine - utf8.RuneCountInString(prefix) - 1
				chunk = nextChunk(content, width)
				// A soft-broken line that reads "-- " would be taken
				// for the signature separator, which never flows
				// (RFC 3676 section 4.3): it keeps the next chunk.
				if chunk == "-- " && len(content) > len(chunk) {
					chunk += nextChunk(content[len(chunk):], width)
				}
			}
			content = content[len(chunk):]
			b.WriteString(prefix)
			// Section 4.4: stuff quoted lines always (readers expect
			// "> "), others when they could be misread.
			if q > 0 && chunk != "" || strings.HasPrefix(chunk, " ") || strings.HasPrefix(chunk, "From ") || strings.HasPrefix(chunk, ">") {
				b.WriteByte(' ')
			}
			b.WriteString(chunk)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// nextChunk returns the start of s up to and including the last space
// within width characters, or up to the first space when a word is
// longer, or all of s when it fits or has no space after its start.
func nextChunk(s string, width int) string {
	if width < 20 {
		width = 20 // deep quotes: keep some text per line
	}
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	cut, n := -1, 0
	for i, r := range s {
		if n >= width {
			break
		}
		if r == ' ' && i > 0 {
			cut = i
		}
		n++
	}
	longWord := cut < 0
	if longWord {
		i := strings.IndexByte(s[1:], ' ')
		if i < 0 {
			return s
		}
		cut = i + 1
	}
	// Keep a run of spaces together, so that the next line starts with
	// text, as far as the line stays within width; past it, the run is
	// split and the next line, starting with a space, is space-stuffed
	// (RFC 3676 section 4.4), which a reader undoes. A long word's line
	// (no space within width) already exceeds it and keeps its run.
	for cut+1 < len(s) && s[cut+1] == ' ' && (longWord || utf8.RuneCountInString(s[:cut+2]) <= width) {
		cut++
	}
	if cut+1 == len(s) {
		return s
	}
	return s[:cut+1]
}
