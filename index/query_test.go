package index

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseQuery(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	tests := []struct {
		in   string
		want Query
	}{
		{"", Query{}},
		{"hello world", Query{Terms: []Term{{Text: "hello"}, {Text: "world"}}}},
		{"from:alice to:bob subject:budget", Query{Terms: []Term{{Field: "from", Text: "alice"}, {Field: "to", Text: "bob"}, {Field: "subject", Text: "budget"}}}},
		{`"exact phrase" -spam`, Query{Terms: []Term{{Text: "exact phrase", Phrase: true}, {Text: "spam", Neg: true}}}},
		{"has:attachment is:unread is:flagged", Query{HasAttachment: true, Unread: true, Flagged: true}},
		{"before:2024-01-31 after:2023-01-01", Query{Before: day("2024-01-31"), After: day("2023-01-01")}},
		{"folder:Lists.golang go", Query{Folder: "Lists.golang", Terms: []Term{{Text: "go"}}}},
		{`folder:"My Stuff" x`, Query{Folder: "My Stuff", Terms: []Term{{Text: "x"}}}},
		// operator names in any case
		{"FROM:Alice", Query{Terms: []Term{{Field: "from", Text: "Alice"}}}},
		// a field applies to a quoted phrase
		{`subject:"weekly report"`, Query{Terms: []Term{{Field: "subject", Text: "weekly report", Phrase: true}}}},
		// an unknown operator is a word
		{"foo:bar", Query{Terms: []Term{{Text: "foo:bar"}}}},
		// a bad date is a word
		{"before:yesterday", Query{Terms: []Term{{Text: "before:yesterday"}}}},
		// has: with another value is a word
		{"has:pictures", Query{Terms: []Term{{Text: "has:pictures"}}}},
		// -is:unread means read
		{"-is:unread", Query{Read: true}},
		// an unclosed quote runs to the end
		{`"open phrase`, Query{Terms: []Term{{Text: "open phrase", Phrase: true}}}},
		// a lone dash and punctuation are no terms
		{"- !!! ...", Query{}},
		// FTS5 syntax in a word stays text
		{`NEAR(a b) OR *`, Query{Terms: []Term{{Text: "NEAR(a"}, {Text: "b)"}, {Text: "OR"}}}},
		// prefix search
		{"budg*", Query{Terms: []Term{{Text: "budg", Prefix: true}}}},
		// quotes inside a word
		{`a"b`, Query{Terms: []Term{{Text: `a"b`}}}},
		// non-ASCII words
		{"Grüße 日本語", Query{Terms: []Term{{Text: "Grüße"}, {Text: "日本語"}}}},
		// invalid UTF-8 is replaced, not kept
		{"ab\xffcd", Query{Terms: []Term{{Text: "ab"}, {Text: "cd"}}}},
	}
	for _, tt := range tests {
		got := ParseQuery(tt.in)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseQuery(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseQueryLimits(t *testing.T) {
	q := ParseQuery(strings.Repeat("w ", 100))
	if len(q.Terms) != MaxTerms {
		t.Errorf("ParseQuery(100 words) has %d terms, want %d", len(q.Terms), MaxTerms)
	}
	q = ParseQuery(strings.Repeat("é", MaxQueryBytes))
	if n := len(q.Terms[0].Text); n > MaxQueryBytes {
		t.Errorf("ParseQuery(long) kept %d bytes, want <= %d", n, MaxQueryBytes)
	}
}

// FuzzParseQuery checks that any typed query is safe for FTS5: the parser
// keeps its limits and the expression it builds is accepted by SQLite
// (never a syntax error, whatever the user typed).
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"a", `"x y" -z`, "from:a@b.c", "NEAR(a b)", "a OR b NOT c", `"""`, "*", "^x", "col:x", "folder:x is:unread", "\x00", "-"} {
		f.Add(s)
	}
	b := newBox(f)
	b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "x", "y"))
	b.update()
	f.Fuzz(func(t *testing.T, s string) {
		q := ParseQuery(s)
		if len(q.Terms) > MaxTerms {
			t.Fatalf("ParseQuery(%q) has %d terms", s, len(q.Terms))
		}
		for _, tm := range q.Terms {
			if !hasWordChar(tm.Text) {
				t.Fatalf("ParseQuery(%q) has an empty term %+v", s, tm)
			}
		}
		if _, _, err := b.x.Search(q, 0, 5); err != nil {
			t.Fatalf("Search(ParseQuery(%q)) = %v", s, err)
		}
	})
}
