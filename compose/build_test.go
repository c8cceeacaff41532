package compose

import (
	"bytes"
	"crypto/rand"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"postern/message"
)

var testTime = time.Date(2026, 3, 1, 12, 30, 0, 0, time.UTC)

// writeFile writes data into a new file in dir and returns its path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBuild(t *testing.T) {
	dir := t.TempDir()
	bin := make([]byte, 300<<10)
	rand.Read(bin)
	text := []byte("line one\r\nline two\n")
	d := &Draft{
		From:       mail.Address{Name: "Änne Lee", Address: "ann@bücher.example"},
		To:         "Bob <bob@example.org>, \"Doe, Jane\" <jane@example.org>",
		Cc:         "carl@münchen.example",
		Bcc:        "secret@example.org",
		Subject:    "Grüße aus München – ☃ " + strings.Repeat("long subject ", 8) + "end",
		Body:       "Hallo Bob,\r\n\r\n" + long + "\r\n\r\n> quoted line\r\nFrom me\r\n-- \r\nÄnne",
		InReplyTo:  "parent@example.org",
		References: []string{"root@example.org", "parent@example.org"},
		Attachments: []Attachment{
			{Name: "Prüfbericht 2026.bin", ContentType: "application/octet-stream", Size: int64(len(bin)), Path: writeFile(t, dir, "a", bin)},
			{Name: "notes.txt", ContentType: "text/plain", Size: int64(len(text)), Path: writeFile(t, dir, "b", text)},
		},
	}
	var buf bytes.Buffer
	id, err := d.Build(&buf, testTime, "mail.example.org")
	if err != nil {
		t.Fatalf("Build = %v", err)
	}
	raw := buf.String()
	if strings.Contains(raw, "\r") {
		t.Errorf("Build wrote a CR; want LF line ends")
	}
	if !regexp.MustCompile(`^[0-9a-z]+\.[0-9a-z]+@mail\.example\.org$`).MatchString(id) {
		t.Errorf("Build message id = %q, want time.random@mail.example.org", id)
	}
	if hdr := "\n" + raw[:strings.Index(raw, "\n\n")]; strings.Contains(strings.ToLower(hdr), "\nbcc:") || strings.Contains(raw, "secret@") {
		t.Errorf("Build wrote the Bcc recipient:\n%s", raw[:strings.Index(raw, "\n\n")])
	}
	for _, l := range strings.Split(raw, "\n") {
		if len(l) > 998 {
			t.Errorf("Build wrote a line of %d bytes", len(l))
		}
	}

	mr, err := gomail.CreateReader(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("reading the built message: %v", err)
	}
	h := mr.Header
	checks := []struct{ name, got, want string }{
		{"Date", h.Get("Date"), "Sun, 01 Mar 2026 12:30:00 +0000"},
		{"Message-Id", h.Get("Message-Id"), "<" + id + ">"},
		{"MIME-Version", h.Get("Mime-Version"), "1.0"},
		{"In-Reply-To", h.Get("In-Reply-To"), "<parent@example.org>"},
		{"References", h.Get("References"), "<root@example.org> <parent@example.org>"},
	}
	subject, err := h.Subject()
	checks = append(checks, struct{ name, got, want string }{"Subject", subject, d.Subject})
	from, _ := h.AddressList("From")
	to, _ := h.AddressList("To")
	cc, _ := h.AddressList("Cc")
	checks = append(checks,
		struct{ name, got, want string }{"From", show(from), "Änne Lee|ann@xn--bcher-kva.example"},
		struct{ name, got, want string }{"To", show(to), "Bob|bob@example.org;Doe, Jane|jane@example.org"},
		struct{ name, got, want string }{"Cc", show(cc), "|carl@xn--mnchen-3ya.example"},
	)
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("Build: %s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if err != nil || !strings.Contains(h.Get("Subject"), "=?utf-8?") {
		t.Errorf("Build: Subject %q is not RFC 2047 encoded (%v)", h.Get("Subject"), err)
	}

	// The parts, in order: text, then the attachments byte for byte.
	var parts []*gomail.Part
	var bodies [][]byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("NextPart = %v", err)
		}
		b, _ := io.ReadAll(p.Body)
		parts, bodies = append(parts, p), append(bodies, b)
	}
	if len(parts) != 3 {
		t.Fatalf("Build wrote %d parts, want 3", len(parts))
	}
	ct := parts[0].Header.Get("Content-Type")
	if ct != "text/plain; charset=utf-8; format=flowed" {
		t.Errorf("text part Content-Type = %q", ct)
	}
	if got, want := unflow(string(bodies[0])), canonical(d.Body); got != want {
		t.Errorf("text part decoded per RFC 3676 = %q, want %q", got, want)
	}
	for i, want := range [][]byte{bin, text} {
		p := parts[i+1]
		ah, ok := p.Header.(*gomail.AttachmentHeader)
		if !ok {
			t.Errorf("part %d is not an attachment", i+2)
			continue
		}
		name, err := ah.Filename()
		if err != nil || name != d.Attachments[i].Name {
			t.Errorf("attachment %d file name = %q, %v, want %q", i, name, err, d.Attachments[i].Name)
		}
		if !bytes.Equal(bodies[i+1], want) {
			t.Errorf("attachment %d: %d bytes differ from the %d bytes of the file", i, len(bodies[i+1]), len(want))
		}
	}
	if !strings.Contains(raw, "filename*=utf-8''Pr%C3%BCfbericht%202026.bin") {
		t.Errorf("Build: non-ASCII file name not written per RFC 2231")
	}

	// postern's own reader sees the same.
	v := message.Parse(strings.NewReader(raw), message.Limits{})
	if v.Subject != d.Subject || len(v.Attachments) != 2 || v.Attachments[0].Filename != d.Attachments[0].Name || v.Attachments[0].Size != int64(len(bin)) {
		t.Errorf("message.Parse(Build) = subject %q, attachments %+v", v.Subject, v.Attachments)
	}
	if got, want := v.BodyText(), canonical(d.Body); got != want {
		t.Errorf("message.Parse(Build).BodyText() = %q, want %q", got, want)
	}
}

func TestBuildPlain(t *testing.T) {
	d := &Draft{From: mail.Address{Address: "ann@example.org"}, To: "bob@example.org", Subject: "plain", Body: "just ASCII"}
	var buf bytes.Buffer
	if _, err := d.Build(&buf, testTime, ""); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	for _, want := range []string{
		"Content-Type: text/plain; charset=utf-8; format=flowed\n",
		"Content-Transfer-Encoding: 7bit\n",
		"Subject: plain\n",
		"@example.org>\n", // Message-ID at the domain of From
		"\n\njust ASCII\n",
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("Build(plain) lacks %q:\n%s", want, raw)
		}
	}
	if strings.Contains(raw, "multipart") || strings.Contains(raw, "In-Reply-To") || strings.Contains(raw, "References") {
		t.Errorf("Build(plain) wrote a multipart or thread fields:\n%s", raw)
	}
	d.Body = "Grüße"
	buf.Reset()
	d.Build(&buf, testTime, "")
	if !strings.Contains(buf.String(), "Content-Transfer-Encoding: quoted-printable\n") || !strings.Contains(buf.String(), "Gr=C3=BC=C3=9Fe") {
		t.Errorf("Build(non-ASCII body) is not quoted-printable:\n%s", buf.String())
	}
}

func TestBuildDraftKeepsBcc(t *testing.T) {
	d := &Draft{From: mail.Address{Address: "ann@example.org"}, To: "bob@example.org", Bcc: "Sec Ret <secret@example.org>", Subject: "s", Body: "b\n> q"}
	var buf bytes.Buffer
	if _, err := d.BuildDraft(&buf, testTime, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Bcc: \"Sec Ret\" <secret@example.org>\n") {
		t.Errorf("BuildDraft lacks the Bcc field:\n%s", buf.String())
	}
	r := ResumeDraft(message.Parse(&buf, message.Limits{}))
	if r.Bcc != "Sec Ret <secret@example.org>" || r.To != "bob@example.org" || r.Subject != "s" || r.Body != "b\n> q" || r.From.Address != "ann@example.org" {
		t.Errorf("ResumeDraft(BuildDraft(d)) = %+v, want the fields of %+v", r, d)
	}
}

func TestBuildForwardedMessage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		orig     string
		wantType string
		wantEnc  string
	}{
		{"From: x@example.org\nSubject: s\n\nbody\n", "message/rfc822", "7bit"},
		{"From: x@example.org\nSubject: s\n\nGrüße\n", "message/rfc822", "8bit"},
		// lines too long for 8bit: sent as a file
		{"From: x@example.org\n\n" + strings.Repeat("x", 1200) + "\n", "application/octet-stream", "base64"},
	}
	for _, tt := range tests {
		p := writeFile(t, dir, "orig", []byte(tt.orig))
		d := ForwardAttachment(&message.View{Subject: "s/x"}, p, int64(len(tt.orig)))
		d.From = mail.Address{Address: "ann@example.org"}
		d.To = "bob@example.org"
		var buf bytes.Buffer
		if _, err := d.Build(&buf, testTime, ""); err != nil {
			t.Fatal(err)
		}
		raw := buf.String()
		if !strings.Contains(raw, "Content-Type: "+tt.wantType+"; name=s_x.eml") || !strings.Contains(raw, "Content-Transfer-Encoding: "+tt.wantEnc) {
			t.Errorf("Build(forward %q) = \n%s\nwant %s in %s", tt.orig, raw, tt.wantType, tt.wantEnc)
		}
		v := message.Parse(strings.NewReader(raw), message.Limits{})
		if len(v.Attachments) != 1 || v.Attachments[0].Size != int64(len(tt.orig)) {
			t.Errorf("Build(forward %q): attachments %+v, want one of %d bytes", tt.orig, v.Attachments, len(tt.orig))
		}
	}
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(d *Draft)
		want string
	}{
		{"no from", func(d *Draft) { d.From = mail.Address{} }, "bad address"},
		{"bad to", func(d *Draft) { d.To = "bob" }, `"bob"`},
		{"missing file", func(d *Draft) { d.Attachments[0].Path = "/nonexistent/x" }, "a.txt"},
		{"bad id", func(d *Draft) { d.InReplyTo = "a b" }, "message id"},
		{"bad type", func(d *Draft) { d.Attachments[0].ContentType = "nonsense" }, "content type"},
		{"NUL body", func(d *Draft) { d.Body = "a\x00" }, "NUL"},
	}
	for _, tt := range tests {
		d := validDraft()
		tt.edit(d)
		if _, err := d.Build(io.Discard, testTime, ""); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Build(%s) = %v, want an error with %q", tt.name, err, tt.want)
		}
	}
	if _, err := validDraft().Build(io.Discard, testTime, "bad host"); err == nil {
		t.Errorf("Build(host %q) = nil error, want refusal", "bad host")
	}
}

func TestRecipients(t *testing.T) {
	d := &Draft{To: "A <a@example.org>, b@bücher.example", Cc: "A@EXAMPLE.ORG, c@example.org", Bcc: "d@example.org, b@xn--bcher-kva.example"}
	got, err := d.Recipients()
	want := "a@example.org b@xn--bcher-kva.example c@example.org d@example.org"
	if err != nil || strings.Join(got, " ") != want {
		t.Errorf("Recipients() = %q, %v, want %q", got, err, want)
	}
	if _, err := (&Draft{}).Recipients(); err == nil {
		t.Errorf("Recipients() of no address = nil error, want one")
	}
	if _, err := (&Draft{Bcc: "x"}).Recipients(); err == nil {
		t.Errorf("Recipients() of a bad Bcc = nil error, want one")
	}
}

func TestValidateLimits(t *testing.T) {
	d := validDraft()
	d.Attachments = append(d.Attachments, d.Attachments[0], d.Attachments[0])
	if err := d.Validate(Limits{MaxFiles: 2}); !isTooLarge(err, "files") {
		t.Errorf("Validate(3 files, MaxFiles 2) = %v, want too many files", err)
	}
	if err := d.Validate(Limits{MaxTotalBytes: 2}); !isTooLarge(err, "total") {
		t.Errorf("Validate(3 bytes, MaxTotalBytes 2) = %v, want total too large", err)
	}
}

func TestReferencesTrimmed(t *testing.T) {
	d := validDraft()
	d.Attachments = nil
	d.References = nil
	for i := 0; i < 50; i++ {
		d.References = append(d.References, "r"+string(rune('A'+i%26))+strings.Repeat("x", i)+"@example.org")
	}
	var buf bytes.Buffer
	if _, err := d.Build(&buf, testTime, ""); err != nil {
		t.Fatal(err)
	}
	h, _ := gomail.CreateReader(&buf)
	refs, err := h.Header.MsgIDList("References")
	if err != nil || len(refs) != maxReferences || refs[0] != d.References[0] || refs[len(refs)-1] != d.References[49] {
		t.Errorf("References of 50 = %d ids (%v), want %d: the first and the last", len(refs), err, maxReferences)
	}
}
