package message

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"postern/internal/testenv"
)

// digestOf builds the Digest that ReadDigest must return from Parse and
// Summarize, the readers it stands for.
func digestOf(data []byte, lim Limits) *Digest {
	v := Parse(bytes.NewReader(data), lim)
	d := &Digest{
		Summary:   Summarize(bytes.NewReader(data)),
		MessageID: v.MessageID,
		From:      v.From, To: v.To, Cc: v.Cc,
		Text: v.BodyText(),
	}
	for _, h := range v.Headers {
		switch strings.ToLower(h.Name) {
		case "references":
			d.References = append(d.References, h.Value)
		case "in-reply-to":
			d.InReplyTo = append(d.InReplyTo, h.Value)
		}
	}
	for _, a := range v.Attachments {
		if a.Filename != "" {
			d.Attachments = append(d.Attachments, a.Filename)
		}
	}
	return d
}

// checkDigest fails when ReadDigest, or g when not nil (a Digester
// that has read other messages before), and Parse with Summarize
// disagree.
func checkDigest(t *testing.T, name string, data []byte, lim Limits, g *Digester) {
	t.Helper()
	want := digestOf(data, lim)
	sameDigest(t, name, ReadDigest(bytes.NewReader(data), lim), want)
	if g != nil {
		sameDigest(t, name+" (Digester used before)", g.Read(bytes.NewReader(data), lim), want)
	}
}

func sameDigest(t *testing.T, name string, got, want *Digest) {
	t.Helper()
	if !got.Date.Equal(want.Date) {
		t.Errorf("%s: ReadDigest Date = %v, want %v", name, got.Date, want.Date)
	}
	got.Date = want.Date
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: ReadDigest =\n%+v\nwant (Parse, Summarize)\n%+v", name, got, want)
	}
}

func TestReadDigest(t *testing.T) {
	tests := []struct {
		name, msg string
		lim       Limits
	}{
		{"plain with quotes and a link", "From: A <a@example.org>\r\nTo: b@example.org, C <c@example.org>\r\nCc: d@example.org\r\n" +
			"Subject: =?utf-8?q?gr=C3=BC=C3=9Fe?=\r\nDate: Mon, 1 Jan 2024 10:00:00 +0100\r\nMessage-ID: <m1@example.org>\r\n" +
			"References: <r1@example.org>\r\n <r2@example.org>\r\nIn-Reply-To: <r2@example.org>\r\n\r\n" +
			"hello https://example.org/x\r\n> quoted\r\n>\r\n>> deeper www.example.org\r\n", Limits{}},
		// Soft line breaks are joined; with DelSp the space goes too.
		{"flowed delsp", "From: a@example.org\r\nContent-Type: text/plain; format=flowed; delsp=yes\r\n\r\nsplit wo \r\nrd\r\n> q \r\n> r\r\n", Limits{}},
		{"alternative prefers plain", "From: a@example.org\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nplain text\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>html <a href=\"http://x.example/\">text</a></p>\r\n--b--\r\n", Limits{}},
		// A blank text/plain loses to the HTML.
		{"alternative blank plain", "From: a@example.org\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\n \r\n--b\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
			"<html><head><style>p{}</style></head><body><p>Gr=FC=DFe</p><table><tr><td>a</td><td>b</td></tr></table><blockquote>q</blockquote></body></html>\r\n--b--\r\n", Limits{}},
		// Attachment bodies are not decoded: bad base64 is no problem
		// of Summarize, so Malformed stays false in both.
		{"attachments", "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n" +
			"--m\r\nContent-Type: text/plain\r\n\r\nbody\r\n" +
			"--m\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64\r\n" +
			"--m\r\nContent-Type: text/plain; name=notes.txt\r\nContent-Disposition: inline\r\n\r\ninline notes\r\n" +
			"--m\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@example.org\r\nSubject: inner\r\n\r\ninner body\r\n--m--\r\n", Limits{}},
		{"text cut at the limit", "From: a@example.org\r\n\r\n" + strings.Repeat("word ", 100) + "\r\n", Limits{MaxTextBytes: 64}},
		{"unterminated multipart", "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n\r\nno end\r\n", Limits{}},
		{"boundary never found", "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\npreamble only\r\n", Limits{}},
		{"empty", "", Limits{}},
		{"header only", "Subject: x\r\nFrom: =?bogus?q?x?= <a@example.org>", Limits{}},
	}
	var g Digester
	for _, tt := range tests {
		checkDigest(t, tt.name, []byte(tt.msg), tt.lim, &g)
	}
}

// TestReadDigestFiles compares on testdata and on the corpus, when present.
func TestReadDigestFiles(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if testenv.CI() || corpusPresent() {
		more, _ := filepath.Glob(filepath.Join(corpusDir(t), "mime", "*"))
		files = append(files, more...)
	}
	if len(files) == 0 {
		t.Fatal("no messages")
	}
	var g Digester
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		checkDigest(t, name, data, Limits{MaxTextBytes: 64 << 10}, &g)
	}
}

// corpusPresent reports whether ../shared/corpus is there, without
// skipping.
func corpusPresent() bool {
	_, err := os.Stat(filepath.Join("..", "..", "shared", "corpus", "mime-INDEX.tsv"))
	return err == nil
}

// FuzzReadDigest checks that ReadDigest, and a Digester that read the
// inputs before, agree with Parse and Summarize.
func FuzzReadDigest(f *testing.F) {
	addSeeds(f)
	var mu sync.Mutex
	var g Digester
	f.Fuzz(func(t *testing.T, data []byte) {
		mu.Lock()
		defer mu.Unlock()
		checkDigest(t, "fuzz", data, Limits{MaxTextBytes: 1 << 10}, &g)
	})
}

func BenchmarkReadDigest(b *testing.B) {
	msg := benchMessage()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if d := ReadDigest(bytes.NewReader(msg), Limits{}); len(d.Attachments) != 1 {
			b.Fatalf("ReadDigest found %d attachments, want 1", len(d.Attachments))
		}
	}
}
