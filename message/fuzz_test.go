package message

import (
	"bytes"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// addSeeds adds every testdata/*.eml file to the corpus of f.
func addSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	more, _ := filepath.Glob(filepath.Join("testdata", "body", "*.eml"))
	files = append(files, more...)
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzParse checks that Parse never panics, shows only valid UTF-8,
// shows in Body only HTML parts that ReadHTML serves and lists only
// attachments that OpenPart can open.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		v := Parse(bytes.NewReader(data), Limits{})
		if v == nil {
			t.Fatal("Parse returned nil")
		}
		if body := v.BodyText(); !utf8.ValidString(body) {
			t.Errorf("BodyText() = %q, not valid UTF-8", body)
		}
		for _, s := range []string{v.Subject, v.DateRaw, v.MessageID} {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\r\n") {
				t.Errorf("header text %q not valid one-line UTF-8", s)
			}
		}
		// Every HTML part of the body can be served in its own frame.
		for _, tp := range v.Body {
			if !ValidPartPath(tp.Part) {
				t.Errorf("Body part %q not valid", tp.Part)
				continue
			}
			if tp.FromHTML {
				if _, _, err := ReadHTML(bytes.NewReader(data), tp.Part, Limits{}); err != nil {
					t.Errorf("ReadHTML(%q) of a Body part: %v", tp.Part, err)
				}
			}
		}
		for _, a := range v.Attachments {
			if !ValidPartPath(a.Part) {
				t.Errorf("Attachment.Part %q not valid", a.Part)
				continue
			}
			if _, r, err := OpenPart(bytes.NewReader(data), a.Part, Limits{}); err != nil {
				t.Errorf("OpenPart(%q) error %v", a.Part, err)
			} else if _, err := io.Copy(io.Discard, r); err != nil {
				t.Errorf("OpenPart(%q) read error %v", a.Part, err)
			}
		}
	})
}

// FuzzSummarize checks that Summarize never panics and agrees with Parse
// on the subject.
func FuzzSummarize(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		s := Summarize(bytes.NewReader(data))
		if !utf8.ValidString(s.Subject) || !utf8.ValidString(s.From) {
			t.Errorf("Summarize = %q %q, not valid UTF-8", s.Subject, s.From)
		}
		v := Parse(bytes.NewReader(data), Limits{})
		if v.Subject != s.Subject {
			t.Errorf("Summarize subject %q, Parse subject %q", s.Subject, v.Subject)
		}
		if len(v.From) > 0 && s.From != v.From[0].ListName() {
			t.Errorf("Summarize From %q, Parse From[0].ListName() %q", s.From, v.From[0].ListName())
		}
	})
}

// benchMessage is a multipart message with text, HTML and a 256 KiB
// attachment.
func benchMessage() []byte {
	var b bytes.Buffer
	b.WriteString("From: Bench <bench@example.org>\r\nTo: x@example.org\r\nSubject: =?utf-8?q?bench_m=C3=A9ssage?=\r\n" +
		"Date: Mon, 2 Jan 2006 15:04:05 -0700\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n" +
		"--mix\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	for i := 0; i < 200; i++ {
		b.WriteString("> Some quoted text with a link https://example.org/page and more words.\r\n")
	}
	b.WriteString("--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body>")
	for i := 0; i < 200; i++ {
		b.WriteString("<p>Some <b>html</b> text with a <a href=\"https://example.org/\">link</a>.</p>\r\n")
	}
	b.WriteString("</body></html>\r\n--alt--\r\n--mix\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n" +
		"Content-Disposition: attachment; filename=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("attachment bytes "), 256<<10/17))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--mix--\r\n")
	return b.Bytes()
}

func BenchmarkParse(b *testing.B) {
	msg := benchMessage()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if v := Parse(bytes.NewReader(msg), Limits{}); len(v.Attachments) != 1 {
			b.Fatalf("Parse found %d attachments, want 1", len(v.Attachments))
		}
	}
}

func BenchmarkSummarize(b *testing.B) {
	msg := benchMessage()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if s := Summarize(bytes.NewReader(msg)); !s.HasAttachment {
			b.Fatal("Summarize: no attachment")
		}
	}
}

// FuzzAddressList checks that the lenient address reader never panics,
// gives clean one-line text, and never loses the address of a mailbox
// written "name <addr>", whatever the name holds (quotes, comments and
// encoded words left open or malformed) short of '<' and '>'.
func FuzzAddressList(f *testing.F) {
	for _, n := range []string{
		`"=?utf-8?Q?J=C3=BCrgen "the boss" M?="`, `=?utf-8?Q?Doe, John?=`, `"Unterminated`, `John ((nested)`,
		`"a\"`, `(a\)`, `team: x@y,`, `=?utf-8?q?a`, `"=?x?q?"?="`, `Jörg`,
	} {
		f.Add(n, "j", "x.example")
	}
	f.Fuzz(func(t *testing.T, name, local, domain string) {
		x := simpleAddr(local) + "@" + simpleAddr(domain)
		list := parseAddressList(name+" <"+x+">", &problems{})
		found := false
		for _, a := range list {
			for _, s := range []string{a.Name, a.Addr} {
				if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\r\n") {
					t.Errorf("parseAddressList(%q): %q is not clean one-line text", name+" <"+x+">", s)
				}
			}
			found = found || a.Addr == x
		}
		if !found && !strings.ContainsAny(name, "<>") {
			t.Errorf("parseAddressList(%q) = %+v, lost the address %q", name+" <"+x+">", list, x)
		}
	})
}

// simpleAddr keeps the letters, digits and dots of s, "a" if none.
func simpleAddr(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' {
			return r
		}
		return -1
	}, s)
	if s == "" {
		return "a"
	}
	return s
}

// FuzzDecodeHeader checks that header decoding, as lenient as it is,
// gives clean one-line text and leaves text without encoded words as it
// is (raw 8-bit bytes aside).
func FuzzDecodeHeader(f *testing.F) {
	for _, s := range []string{"=?utf-8?q?two words?=", `=?ANSI_X3.4-1968?Q?x?=`, "=?utf-8?b?4oI=?= =?utf-8?b?rA==?=", "plain", "=?x?q?=?="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := decodeHeader(s, &problems{})
		if !utf8.ValidString(got) || strings.ContainsAny(got, "\x00\r\n\t") {
			t.Errorf("decodeHeader(%q) = %q, not clean one-line text", s, got)
		}
		if !strings.Contains(s, "=?") && utf8.ValidString(s) {
			if want := strings.TrimSpace(cleanLine(s)); got != want {
				t.Errorf("decodeHeader(%q) = %q, want %q", s, got, want)
			}
		}
	})
}
