package main

import (
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	long := "Subject: " + strings.Repeat("word ", 30)
	for _, tt := range []struct {
		in, want string
	}{
		{"Subject: short", "Subject: short\n"},
		{long[:78], long[:78] + "\n"}, // exactly at the limit
		{"Subject: " + strings.Repeat("x", 90), "Subject: " + strings.Repeat("x", 90) + "\n"}, // one long word stays on the first line
		{"Subject: " + strings.Repeat("x", 90) + " y", "Subject: " + strings.Repeat("x", 90) + "\n y\n"},
		{"To: " + strings.Repeat("a@b.example, ", 7), "To: " + strings.Repeat("a@b.example, ", 4) + "a@b.example,\n a@b.example, a@b.example, \n"},
	} {
		if got := fold(tt.in); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzFold checks that folding only inserts line breaks before spaces
// (unfolding gives the line back) and never right after the field name.
func FuzzFold(f *testing.F) {
	f.Add("Subject: " + strings.Repeat("word ", 40))
	f.Add("Subject: " + strings.Repeat("x", 100) + " y z")
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\r\n") {
			return
		}
		out := fold(line)
		if got := strings.ReplaceAll(out, "\n ", " "); got != line+"\n" {
			t.Fatalf("unfold(fold(%q)) = %q", line, got)
		}
		first, _, _ := strings.Cut(out, "\n")
		if name := strings.Index(line, ": "); name >= 0 && len(first) <= name+1 {
			t.Fatalf("fold(%q) broke right after the field name: %q", line, out)
		}
	})
}

func TestFlow(t *testing.T) {
	in := "one two three four five\n\nsix"
	want := "one two \nthree \nfour five\n\nsix\n" // "four five" is exactly 9
	if got := flow(in, 9); got != want {
		t.Errorf("flow(%q, 9) = %q, want %q", in, got, want)
	}
	if got, want := wrap(in, 9), "one two\nthree\nfour five\n\nsix\n"; got != want {
		t.Errorf("wrap(%q, 9) = %q, want %q", in, got, want)
	}
}
