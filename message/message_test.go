package message

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func parseFile(t *testing.T, name string) *View {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Parse(f, Limits{})
}

func TestFlowed(t *testing.T) {
	v := parseFile(t, "flowed.eml")
	want := []Line{
		{Spans: []Span{{Text: "This is a long paragraph that goes on."}}},
		{Spans: []Span{{Text: "See "}, {Text: "https://example.org/x", URL: "https://example.org/x"}, {Text: ")."}}},
		{Quote: 1, Spans: []Span{{Text: "quoted softline"}}},
		{Quote: 2, Spans: []Span{{Text: "deeper"}}},
		{Spans: []Span{{Text: "From stuffed"}}},
		{Spans: []Span{{Text: "-- "}}},
		{Spans: []Span{{Text: "sig"}}},
	}
	if len(v.Text) != 1 || !reflect.DeepEqual(v.Text[0].Lines, want) {
		t.Errorf("Parse(flowed.eml).Text = %+v, want one part with %+v", v.Text, want)
	}
	if v.Subject != "flowed" || v.Date.IsZero() || len(v.From) != 1 || v.From[0].String() != "Alice <alice@example.org>" {
		t.Errorf("Parse(flowed.eml) header = %q %v %v", v.Subject, v.Date, v.From)
	}
}

func TestAttachment2231(t *testing.T) {
	v := parseFile(t, "rfc2231.eml")
	want := []Attachment{{Part: "2", Filename: "Résumé final.pdf", ContentType: "application/pdf", Size: 9}}
	if !reflect.DeepEqual(v.Attachments, want) {
		t.Errorf("Parse(rfc2231.eml).Attachments = %+v, want %+v", v.Attachments, want)
	}
	f, _ := os.Open("testdata/rfc2231.eml")
	defer f.Close()
	a, r, err := OpenPart(f, "2", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	if string(b) != "%PDF-1.4\n" || a.Filename != "Résumé final.pdf" {
		t.Errorf("OpenPart(2) = %q %q, want %q %q", a.Filename, b, "Résumé final.pdf", "%PDF-1.4\n")
	}
}

func TestNested(t *testing.T) {
	v := parseFile(t, "nested.eml")
	if len(v.Attachments) != 1 || !v.Attachments[0].IsMessage || v.Attachments[0].Part != "2" {
		t.Fatalf("Parse(nested.eml).Attachments = %+v, want one message at 2", v.Attachments)
	}
	f, _ := os.Open("testdata/nested.eml")
	defer f.Close()
	e, err := ParseEmbedded(f, "2", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if e.Subject != "innér" || e.BodyText() != "inner plain" || len(e.Text) != 1 || e.Text[0].Part != "2.1" {
		t.Errorf("ParseEmbedded(2) = %q %q %+v, want %q %q part 2.1", e.Subject, e.BodyText(), e.Text, "innér", "inner plain")
	}
	if !reflect.DeepEqual(e.HTMLParts, []string{"2.2"}) {
		t.Errorf("ParseEmbedded(2).HTMLParts = %v, want [2.2]", e.HTMLParts)
	}
	f.Seek(0, 0)
	_, r, err := OpenPart(f, "2.2", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	if got := string(b); got != "<p>inner <b>html</b></p>" {
		t.Errorf("OpenPart(2.2) = %q, want %q", got, "<p>inner <b>html</b></p>")
	}
	f.Seek(0, 0)
	if _, _, err := OpenPart(f, "3", Limits{}); err == nil || !strings.Contains(err.Error(), "no such part") {
		t.Errorf("OpenPart(3) error = %v, want ErrNoPart", err)
	}
}

func TestCIDImage(t *testing.T) {
	v := parseFile(t, "cid.eml")
	if got, want := v.BodyText(), "Hi & link"; got != want {
		t.Errorf("BodyText() = %q, want %q", got, want)
	}
	if len(v.Attachments) != 1 || !v.Attachments[0].Inline || v.Attachments[0].ContentID != "img1@x" {
		t.Errorf("Attachments = %+v, want one inline img1@x", v.Attachments)
	}
	if l := v.Text[0].Lines[0]; len(l.Spans) != 2 || l.Spans[1].URL != "https://example.org/" {
		t.Errorf("Lines[0] = %+v, want a link span", l)
	}
}

func TestBroken(t *testing.T) {
	v := parseFile(t, "badbase64.eml")
	if got := v.BodyText(); got != "Hello World" {
		t.Errorf("badbase64 BodyText() = %q, want %q", got, "Hello World")
	}
	if len(v.Problems) == 0 {
		t.Errorf("badbase64 Problems empty")
	}
	v = parseFile(t, "latin1.eml")
	if v.Subject != "Grüße aus Köln" || len(v.From) != 1 || v.From[0].Name != "Jörg" {
		t.Errorf("latin1 Subject, From = %q %+v", v.Subject, v.From)
	}
	if got, want := v.BodyText(), "Grüße\n\nbare CR linenul"; got != want {
		t.Errorf("latin1 BodyText() = %q, want %q", got, want)
	}
	if !v.Date.IsZero() || v.DateRaw != "bogus" {
		t.Errorf("latin1 Date = %v %q", v.Date, v.DateRaw)
	}
}

// TestQuotedWord checks a message as some mailers write it (issue 13,
// item 14): an encoded From name with spaces and double quotes inside a
// quoted string, and glibc's name of US-ASCII on UTF-8 text.
func TestQuotedWord(t *testing.T) {
	v := parseFile(t, "quoted-word.eml")
	if len(v.From) != 1 || v.From[0] != (Address{Name: `Jürgen "the boss" M`, Addr: "j@x.example"}) {
		t.Errorf("Parse(quoted-word.eml).From = %+v, want Jürgen \"the boss\" M <j@x.example>", v.From)
	}
	if v.Subject != "glibc charset" {
		t.Errorf("Parse(quoted-word.eml).Subject = %q, want %q", v.Subject, "glibc charset")
	}
	if got, want := v.BodyText(), "Grüße, sent as UTF-8 under the C locale’s name."; got != want {
		t.Errorf("Parse(quoted-word.eml).BodyText() = %q, want %q", got, want)
	}
	if len(v.Problems) != 0 {
		t.Errorf("Parse(quoted-word.eml).Problems = %q, want none", v.Problems)
	}
}

func TestDecodeHeader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"=?utf-8?q?caf=C3=A9?=", "café"},
		{"=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?=", "éé"}, // space between words dropped
		{"=?utf-8?b?4oI=?= =?utf-8?b?rA==?=", "€"},  // a character split over two words
		{"a =?iso-8859-1?q?=E9?= b", "a é b"},
		{"=?x-bogus?q?abc?=", "abc"},             // unknown charset: text still shown
		{"=?utf-8?q?broken", "=?utf-8?q?broken"}, // not a word
		{"bell\x07 tab\there", "bell tab here"},  // control removed, tab made space
		{"=?utf-7?q?Fr+APY-sche?=", "Frösche"},
		{"=?utf-8*en?q?x?=", "x"},                               // RFC 2231 language suffix
		{"=?utf-8?q?two words?=", "two words"},                  // QUIRK: a literal space in Q
		{`=?utf-8?q?say "hi"?=`, `say "hi"`},                    // and a double quote
		{"=?ANSI_X3.4-1968?Q?plain?=", "plain"},                 // QUIRK: '.' in the charset
		{"=?ISO_646.irv:1991?Q?plain?=", "plain"},               // and ':'
		{"=?utf-8?q?a?= =?utf-8?q?b c?= d", "ab c d"},           // words still end at the first ?=
		{"=?utf-8?q?no end", "=?utf-8?q?no end"},                // not a word
		{"=?iso-8859-1?q?=93quoted=94?=", "\u201cquoted\u201d"}, // Latin-1 read as Windows-1252
	}
	for _, tt := range tests {
		if got := decodeHeader(tt.in, &problems{}); got != tt.want {
			t.Errorf("decodeHeader(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseAddressList(t *testing.T) {
	tests := []struct {
		in   string
		want []Address
	}{
		{"a@b.c", []Address{{Addr: "a@b.c"}}},
		{`"Doe, J" <j@d.e>, x@y.z`, []Address{{"Doe, J", "j@d.e"}, {"", "x@y.z"}}},
		{"a@b.c (Comment)", []Address{{Addr: "a@b.c"}}}, // comment is no name
		{"team: a@b.c, d@e.f;", []Address{{Addr: "a@b.c"}, {Addr: "d@e.f"}}},
		{"=?utf-8?q?J=C3=B6rg?= <j@x>", []Address{{"Jörg", "j@x"}}},
		{`"Someone" <valid@x>:<evil@y>`, []Address{{"Someone", "valid@x"}}}, // text after the address ignored
		{"undisclosed-recipients:;", nil},
		// Issue 13 item 14: encoded words as some mailers write them.
		{`"=?utf-8?Q?J=C3=BCrgen "the boss" M?=" <j@x.example>`, []Address{{`Jürgen "the boss" M`, "j@x.example"}}},
		{`=?utf-8?Q?J=C3=BCrgen "the boss" M?= <j@x.example>`, []Address{{`Jürgen "the boss" M`, "j@x.example"}}},
		{`"=?utf-8?Q?J=C3=BCrgen M?=" <j@x.example>`, []Address{{"Jürgen M", "j@x.example"}}},                              // a literal space in Q
		{`=?utf-8?Q?Doe, John?= <j@x.example>, b@y.example`, []Address{{"Doe, John", "j@x.example"}, {"", "b@y.example"}}}, // a comma inside a word
		{`"=?utf-8?Q?Doe, "J"?=" <j@x.example>, b@y.example`, []Address{{`Doe, "J"`, "j@x.example"}, {"", "b@y.example"}}},
		{`"=?utf-8?Q?J=C3=BCrgen?= M" <j@x.example>`, []Address{{"Jürgen M", "j@x.example"}}},
		{`=?ANSI_X3.4-1968?Q?Plain_Name?= <p@x.example>`, []Address{{"Plain Name", "p@x.example"}}}, // glibc's name of ASCII
		{`=?utf-8?B?SsO8cmdlbiA8akB4LmV4YW1wbGU+?=`, []Address{{"Jürgen", "j@x.example"}}},          // a whole mailbox encoded
		{`=?utf-8?Q?J=C3=BCrgen?=`, []Address{{Name: "Jürgen"}}},                                    // a name and no address
		{`=?utf-8?Q?j@x.example?=`, []Address{{Addr: "j@x.example"}}},
		// Never closed: a quote, comment or angle bracket is text.
		{`"Unterminated <j@x.example>`, []Address{{"Unterminated", "j@x.example"}}},
		{`John (Doe <j@x.example>`, []Address{{"John (Doe", "j@x.example"}}},
		{`John ((nested) <j@x.example>`, []Address{{"John nested", "j@x.example"}}}, // comment left open by nesting
		{`a@b.example (open, c@d.example`, []Address{{Addr: "a@b.example (open"}, {Addr: "c@d.example"}}},
	}
	for _, tt := range tests {
		if got := parseAddressList(tt.in, &problems{}); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseAddressList(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestLinkify(t *testing.T) {
	tests := []struct {
		in   string
		want []Span
	}{
		{"see www.x.org.", []Span{{Text: "see "}, {Text: "www.x.org", URL: "http://www.x.org"}, {Text: "."}}},
		{"(http://a.b/c_(d))", []Span{{Text: "("}, {Text: "http://a.b/c_(d)", URL: "http://a.b/c_(d)"}, {Text: ")"}}},
		{"<mailto:a@b.c>", []Span{{Text: "<"}, {Text: "mailto:a@b.c", URL: "mailto:a@b.c"}, {Text: ">"}}},
		{"xhttp://no", []Span{{Text: "xhttp://no"}}}, // inside a word
		{"ftp://no", []Span{{Text: "ftp://no"}}},
	}
	for _, tt := range tests {
		if got := linkify(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("linkify(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestValidPartPath(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"1", true}, {"2.3.1", true}, {"", false}, {"0", false}, {"01", false},
		{"1.", false}, {".1", false}, {"1..2", false}, {"a", false}, {"-1", false},
		{strings.Repeat("1.", 70) + "1", false}, // too long
	}
	for _, tt := range tests {
		if got := ValidPartPath(tt.in); got != tt.want {
			t.Errorf("ValidPartPath(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestLimits(t *testing.T) {
	msg := "Subject: big\n\n" + strings.Repeat("x", 100) + "\n"
	v := Parse(strings.NewReader(msg), Limits{MaxTextBytes: 10})
	if len(v.Text) != 1 || !v.Text[0].Truncated || v.BodyText() != "xxxxxxxxxx" {
		t.Errorf("Parse(100 bytes, MaxTextBytes 10) = %+v", v.Text)
	}
	deep := ""
	for i := 0; i < 30; i++ {
		deep += "Content-Type: multipart/mixed; boundary=b" + strconv.Itoa(i) + "\n\n--b" + strconv.Itoa(i) + "\n"
	}
	v = Parse(strings.NewReader(deep), Limits{})
	if !strings.Contains(strings.Join(v.Problems, ","), "nested too deeply") {
		t.Errorf("Parse(deep).Problems = %v, want nested too deeply", v.Problems)
	}
	v = Parse(strings.NewReader("Subject: "+strings.Repeat("y", 1000)+"\nX: 1\n\nbody"), Limits{MaxHeaderBytes: 100})
	if v.BodyText() != "body" || len(v.Problems) == 0 {
		t.Errorf("Parse(huge header) body %q problems %v", v.BodyText(), v.Problems)
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		file, from string
		att        bool
	}{
		{"rfc2231.eml", "a@example.org", true},
		{"cid.eml", "c@example.org", false}, // image referenced by Content-ID
		{"latin1.eml", "Jörg", false},
		// Issue 13 item 13: the real address beside a name that shows another.
		{"spoof.eml", "purchasing@example.com <do-not-reply@elsewhere.example>", false},
		// Item 14: an encoded word holding spaces and quotes, in quotes.
		{"quoted-word.eml", `Jürgen "the boss" M`, false},
	}
	for _, tt := range tests {
		f, err := os.Open(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		s := Summarize(f)
		f.Close()
		if s.From != tt.from || s.HasAttachment != tt.att {
			t.Errorf("Summarize(%s) = %q %v, want %q %v", tt.file, s.From, s.HasAttachment, tt.from, tt.att)
		}
	}
}
