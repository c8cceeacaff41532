package compose

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// unflow decodes format=flowed text, DelSp=no (RFC 3676 section 4), and
// writes quoted paragraphs back as "> " typed text, the inverse of Flow.
func unflow(s string) string {
	var out []string
	var para strings.Builder
	open, depth := false, 0
	flush := func() {
		if open {
			line := para.String()
			if depth > 0 {
				line = strings.Repeat(">", depth) + " " + line
			}
			out = append(out, strings.TrimSuffix(line, " "))
			para.Reset()
			open = false
		}
	}
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		q := 0
		for q < len(l) && l[q] == '>' {
			q++
		}
		rest := strings.TrimPrefix(l[q:], " ")
		if open && q != depth {
			flush()
		}
		depth, open = q, true
		para.WriteString(rest)
		if !strings.HasSuffix(rest, " ") || rest == "-- " {
			if rest == "-- " {
				out = append(out, para.String())
				para.Reset()
				open = false
				continue
			}
			flush()
		}
	}
	flush()
	return strings.Join(out, "\n")
}

// canonical is what a user's text becomes after Flow and unflow: LF
// line ends, no trailing spaces (but "-- "), "> " after quote marks.
func canonical(s string) string {
	lines := strings.Split(normalizeText(s), "\n")
	for i, l := range lines {
		q := 0
		for q < len(l) && l[q] == '>' {
			q++
		}
		content := l[q:]
		if q > 0 {
			content = strings.TrimPrefix(content, " ")
		}
		if content != "-- " || q > 0 {
			content = strings.TrimRight(content, " ")
		}
		if q > 0 && content != "" {
			content = " " + content
		}
		lines[i] = strings.Repeat(">", q) + content
	}
	return strings.Join(lines, "\n")
}

var long = "The quick brown fox jumps over the lazy dog and keeps running far away, over the hills and into the next valley."

func TestFlow(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "\n"},
		{"hello", "hello\n"},
		{"a\r\nb\r\n", "a\nb\n"},
		// trailing spaces removed: they would mean a soft break
		{"trailing   \nnext", "trailing\nnext\n"},
		// signature separator kept
		{"text\n-- \nAnn", "text\n-- \nAnn\n"},
		// space-stuffing (section 4.4)
		{" indented", "  indented\n"},
		{"From here", " From here\n"},
		{"> quoted", "> quoted\n"},
		{">> deeper\n>", ">> deeper\n>\n"},
		// quote marks without the space
		{">tight", "> tight\n"},
		{long, "The quick brown fox jumps over the lazy dog and keeps running far away, over \nthe hills and into the next valley.\n"},
		// a word longer than a line is not cut
		{strings.Repeat("x", 100) + " y", strings.Repeat("x", 100) + " \ny\n"},
		{"> " + long, "> The quick brown fox jumps over the lazy dog and keeps running far away, \n> over the hills and into the next valley.\n"},
		// a continuation that starts with "From " is stuffed
		{strings.Repeat("a", 72) + " From me", strings.Repeat("a", 72) + " \n From me\n"},
	}
	for _, tt := range tests {
		if got := Flow(tt.in); got != tt.want {
			t.Errorf("Flow(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFlowRoundTrip(t *testing.T) {
	for _, s := range []string{
		long + "\n\n> " + long + "\n>> " + long,
		"Grüße aus München! " + strings.Repeat("Straße ", 30),
		"  two spaces  between  words " + strings.Repeat("w ", 60),
		"a\n\n\nb",
		"-- \nsig",
		// A run of spaces across the width: the line breaks inside it
		// rather than run past 78 (found by FuzzFlow).
		strings.Repeat("w", 12) + " " + strings.Repeat("x", 63) + "   " + strings.Repeat("y", 43),
		// A soft break right after "-- " would make a signature
		// separator of it (found by FuzzFlow), at a line's start and
		// inside one.
		"-- " + strings.Repeat("0", 75),
		"some words -- " + strings.Repeat("0", 75),
		"> -- " + strings.Repeat("0", 75),
	} {
		checkFlow(t, s)
	}
}

func checkFlow(t *testing.T, s string) {
	t.Helper()
	f := Flow(s)
	if got, want := unflow(f), canonical(s); got != want {
		t.Errorf("unflow(Flow(%q)) = %q, want %q", s, got, want)
	}
	for _, l := range strings.Split(f, "\n") {
		body := strings.TrimRight(strings.TrimLeft(l, "> "), " ")
		if rest, ok := strings.CutPrefix(body, "-- "); ok && !strings.Contains(rest, " ") {
			continue // "-- " keeps the word after it: a break there would make a signature separator
		}
		if utf8.RuneCountInString(l) > MaxFlowedLine && strings.Contains(body, " ") {
			// only a single long word may exceed the limit
			if n := strings.LastIndex(strings.TrimRight(l, " "), " "); n >= 0 && utf8.RuneCountInString(l[:n+1]) <= MaxFlowedLine {
				t.Errorf("Flow(%q): line %q is longer than %d though it could break", s, l, MaxFlowedLine)
			}
		}
	}
}

func FuzzFlow(f *testing.F) {
	f.Add(long)
	f.Add("> a\n>> b \n-- \n From x")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || strings.ContainsRune(s, '\r') {
			return
		}
		checkFlow(t, s)
	})
}
