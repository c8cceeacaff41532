package message

import (
	"net/mail"
	"strings"
	"testing"
	"time"
)

// cleanTextRef is cleanText as first written: four passes over the text.
// cleanText must give the same result.
func cleanTextRef(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if isDropped(r, true) {
			return -1
		}
		return r
	}, s)
}

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain text\n\twith tab", "plain text\n\twith tab"},
		{"a\r\nb\rc\r\r\nd\r", "a\nb\nc\n\nd\n"},
		{"nul\x00 bell\x07 del\x7f", "nul bell del"},
		// A run of invalid bytes is one U+FFFD; a dropped character
		// between two runs still separates them.
		{"x\xff\xfey", "x\uFFFDy"},
		{"x\xff\x01\xffy", "x\uFFFD\uFFFDy"},
		{"x\xff\r\n\xffy", "x\uFFFD\n\uFFFDy"},
		{"c1\u0085 bom\ufeff bidi\u202e ls\u2028 ok\u00e9\uFFFD", "c1 bom bidi ls ok\u00e9\uFFFD"},
		// A truncated multi-byte sequence at the end.
		{"gr\xc3", "gr\uFFFD"},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in); got != tt.want {
			t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if ref := cleanTextRef(tt.in); ref != tt.want {
			t.Errorf("cleanTextRef(%q) = %q, want %q", tt.in, ref, tt.want)
		}
	}
}

// FuzzCleanText checks that the one-pass cleanText agrees with the
// four-pass reference.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"a\r\nb", "x\xff\x01\xffy", "\u202e\r\r\n\xc3", "é\x00\x85"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cleanText(s), cleanTextRef(s); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", s, got, want)
		}
	})
}

func TestJoinFields(t *testing.T) {
	for _, s := range []string{"", " ", "a", "a b", "a ", " a", "a  b", "a\tb", "a\u00a0b", "\n a \u2003 b\r\n", "x\xffy z", "\xff \xfe"} {
		if got, want := joinFields(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("joinFields(%q) = %q, want %q", s, got, want)
		}
	}
}

// FuzzJoinFields checks joinFields against strings.Fields.
func FuzzJoinFields(f *testing.F) {
	f.Add("a  b\u00a0c ")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := joinFields(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("joinFields(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestParseDateCommon checks that the layout parseDate tries first gives
// what mail.ParseDate gives.
func TestParseDateCommon(t *testing.T) {
	for _, s := range []string{
		"Mon, 1 Jan 2024 10:00:00 +0100",
		"Tue, 02 Jan 2024 23:59:59 -0000",
		"Fri, 31 Dec 1999 00:00:01 +1400",
		"Sun, 9 Jun 2019 12:34:56 +0000",
	} {
		want, err := mail.ParseDate(s)
		if err != nil {
			t.Fatalf("mail.ParseDate(%q): %v", s, err)
		}
		if _, err := time.Parse(commonDate, s); err != nil {
			t.Errorf("time.Parse(commonDate, %q): %v", s, err)
		}
		got, ok := parseDate(s)
		if !ok || !got.Equal(want) || got.Format(time.RFC3339) != want.Format(time.RFC3339) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
}
