package compose

import (
	"os"
	"strings"
	"testing"
	"time"

	"postern/message"
)

func addrs(s ...string) []message.Address {
	var l []message.Address
	for _, a := range s {
		name, addr, ok := strings.Cut(a, "|")
		if !ok {
			name, addr = "", a
		}
		l = append(l, message.Address{Name: name, Addr: addr})
	}
	return l
}

func origView() *message.View {
	return &message.View{
		Subject:   "Lunch",
		From:      addrs("Bob|bob@example.org"),
		To:        addrs("Ann|ann@example.org", "carl@example.org"),
		Cc:        addrs("Dora, Dr.|dora@example.org", "ANN@example.org", "bob@example.org"),
		Date:      time.Date(2026, 2, 27, 9, 5, 0, 0, time.FixedZone("", 3600)),
		MessageID: "m3@example.org",
		Headers: []message.HeaderField{
			{Name: "References", Value: "<m1@example.org> <m2@example.org>"},
			{Name: "In-Reply-To", Value: "<m2@example.org>"},
		},
		Text: []message.TextPart{{Lines: []message.Line{
			{Spans: []message.Span{{Text: "Shall we "}, {Text: "eat?", URL: ""}}},
			{},
			{Quote: 1, Spans: []message.Span{{Text: "earlier"}}},
		}}},
	}
}

func TestReplyDraft(t *testing.T) {
	self := []string{"ann@example.org"}
	tests := []struct {
		name    string
		edit    func(v *message.View)
		self    []string
		all     bool
		to, cc  string
		subject string
	}{
		{"reply", nil, self, false, "Bob <bob@example.org>", "", "Re: Lunch"},
		// self (any case) dropped, From not repeated in Cc, quoted name kept
		{"reply all", nil, self, true, "Bob <bob@example.org>", `carl@example.org, "Dora, Dr." <dora@example.org>`, "Re: Lunch"},
		{"reply-to", func(v *message.View) { v.ReplyTo = addrs("list@example.org") }, self, false, "list@example.org", "", "Re: Lunch"},
		// no "Re: Re:"
		{"re re", func(v *message.View) { v.Subject = "Re: RE: re[2]: Lunch" }, self, false, "Bob <bob@example.org>", "", "Re: Lunch"},
		{"aw", func(v *message.View) { v.Subject = "AW: Lunch" }, self, false, "Bob <bob@example.org>", "", "Re: Lunch"},
		// a word that starts like a prefix stays
		{"really", func(v *message.View) { v.Subject = "Really?" }, self, false, "Bob <bob@example.org>", "", "Re: Really?"},
		{"fwd", func(v *message.View) { v.Subject = "Fwd: Lunch" }, self, false, "Bob <bob@example.org>", "", "Re: Fwd: Lunch"},
		{"empty subject", func(v *message.View) { v.Subject = "" }, self, false, "Bob <bob@example.org>", "", "Re: "},
		// replying to one's own message goes to its recipients
		{"own message", func(v *message.View) { v.From = addrs("ann@example.org") }, self, false,
			"carl@example.org", "", "Re: Lunch"},
		{"own message all", func(v *message.View) { v.From = addrs("ann@example.org") }, []string{"ann@example.org", "x@example.org"}, true,
			"carl@example.org", `"Dora, Dr." <dora@example.org>, bob@example.org`, "Re: Lunch"},
		// self given with an IDN domain in Unicode
		{"idn self", func(v *message.View) { v.To = addrs("ann@xn--bcher-kva.example") }, []string{"ann@bücher.example"}, true,
			"Bob <bob@example.org>", `"Dora, Dr." <dora@example.org>, ANN@example.org`, "Re: Lunch"},
		// a note to oneself is answered to oneself
		{"note to self", func(v *message.View) { v.From, v.To, v.Cc = addrs("ann@example.org"), addrs("ann@example.org"), nil }, self, true,
			"ann@example.org", "", "Re: Lunch"},
		// broken addresses are skipped
		{"broken", func(v *message.View) { v.Cc = addrs("undisclosed-recipients", "Name|") }, self, true, "Bob <bob@example.org>", "carl@example.org", "Re: Lunch"},
	}
	for _, tt := range tests {
		v := origView()
		if tt.edit != nil {
			tt.edit(v)
		}
		d := ReplyDraft(v, tt.self, tt.all)
		if d.To != tt.to || d.Cc != tt.cc || d.Subject != tt.subject {
			t.Errorf("ReplyDraft(%s) = To %q Cc %q Subject %q, want %q %q %q", tt.name, d.To, d.Cc, d.Subject, tt.to, tt.cc, tt.subject)
		}
		if _, err := ParseAddressList(d.To + "," + d.Cc); err != nil {
			t.Errorf("ReplyDraft(%s): the addresses do not parse back: %v", tt.name, err)
		}
	}
}

func TestReplyThread(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(v *message.View)
		inReplyTo string
		refs      string
	}{
		{"references", nil, "m3@example.org", "m1@example.org m2@example.org m3@example.org"},
		// RFC 5322 section 3.6.4: In-Reply-To when there is no References
		{"in-reply-to only", func(v *message.View) { v.Headers = v.Headers[1:] }, "m3@example.org", "m2@example.org m3@example.org"},
		{"first message", func(v *message.View) { v.Headers = nil }, "m3@example.org", "m3@example.org"},
		{"no message id", func(v *message.View) { v.Headers, v.MessageID = nil, "" }, "", ""},
		// an id that cannot be written again is dropped
		{"bad id", func(v *message.View) { v.MessageID = "a b" }, "", "m1@example.org m2@example.org"},
	}
	for _, tt := range tests {
		v := origView()
		if tt.edit != nil {
			tt.edit(v)
		}
		d := ReplyDraft(v, nil, false)
		if d.InReplyTo != tt.inReplyTo || strings.Join(d.References, " ") != tt.refs {
			t.Errorf("ReplyDraft(%s) = In-Reply-To %q References %q, want %q %q", tt.name, d.InReplyTo, d.References, tt.inReplyTo, tt.refs)
		}
	}
}

func TestReplyQuote(t *testing.T) {
	d := ReplyDraft(origView(), nil, false)
	want := "\n\nOn Fri, 27 Feb 2026 09:05 +0100, Bob <bob@example.org> wrote:\n> Shall we eat?\n>\n>> earlier\n"
	if d.Body != want {
		t.Errorf("ReplyDraft body = %q, want %q", d.Body, want)
	}
	v := origView()
	v.Date, v.From = time.Time{}, nil
	if d := ReplyDraft(v, nil, false); !strings.HasPrefix(d.Body, "\n\nsomeone wrote:\n") {
		t.Errorf("ReplyDraft(no date, no from) body = %q", d.Body)
	}
}

func TestForward(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Lunch", "Fwd: Lunch"},
		{"Fwd: Lunch", "Fwd: Lunch"},
		{"FW: Lunch", "FW: Lunch"},
		{"Re: Lunch", "Fwd: Re: Lunch"},
	}
	for _, tt := range tests {
		v := origView()
		v.Subject = tt.in
		if d := ForwardInline(v); d.Subject != tt.want {
			t.Errorf("ForwardInline(%q).Subject = %q, want %q", tt.in, d.Subject, tt.want)
		}
		if d := ForwardAttachment(v, "/x", 1); d.Subject != tt.want {
			t.Errorf("ForwardAttachment(%q).Subject = %q, want %q", tt.in, d.Subject, tt.want)
		}
	}
	v := origView()
	v.DateRaw = "Fri, 27 Feb 2026 09:05:00 +0100"
	d := ForwardInline(v)
	for _, want := range []string{"Subject: Lunch\n", "From: Bob <bob@example.org>\n", "Date: Fri, 27 Feb 2026", "To: Ann <ann@example.org>, carl@example.org\n", "\nShall we eat?\n\n> earlier\n"} {
		if !strings.Contains(d.Body, want) {
			t.Errorf("ForwardInline body = %q, want it to contain %q", d.Body, want)
		}
	}
	if d.To != "" || d.InReplyTo != "" {
		t.Errorf("ForwardInline set To %q In-Reply-To %q, want none", d.To, d.InReplyTo)
	}
	a := ForwardAttachment(v, "/tmp/copy", 42).Attachments
	if len(a) != 1 || a[0].Name != "Lunch.eml" || a[0].ContentType != "message/rfc822" || a[0].Path != "/tmp/copy" || a[0].Size != 42 {
		t.Errorf("ForwardAttachment attachments = %+v", a)
	}
}

func TestSavePart(t *testing.T) {
	d := validDraft()
	d.Attachments = []Attachment{{Name: "Grüße.bin", ContentType: "application/x-test", Path: writeFile(t, t.TempDir(), "a", []byte("attached\x00bytes\r\n"))}}
	var buf strings.Builder
	if _, err := d.Build(&buf, testTime, ""); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	v := message.Parse(strings.NewReader(raw), message.Limits{})
	if len(v.Attachments) != 1 {
		t.Fatalf("attachments = %+v", v.Attachments)
	}
	dir := t.TempDir()
	a, err := SavePart(strings.NewReader(raw), v.Attachments[0], dir, Limits{})
	if err != nil {
		t.Fatalf("SavePart = %v", err)
	}
	data, _ := os.ReadFile(a.Path)
	if a.Name != "Grüße.bin" || a.ContentType != "application/x-test" || a.Size != 16 || string(data) != "attached\x00bytes\r\n" {
		t.Errorf("SavePart = %+v holding %q", a, data)
	}
	if _, err := SavePart(strings.NewReader(raw), v.Attachments[0], dir, Limits{MaxFileBytes: 5}); !isTooLarge(err, "file") {
		t.Errorf("SavePart(MaxFileBytes 5) = %v, want too large", err)
	}
	if e, _ := os.ReadDir(dir); len(e) != 1 {
		t.Errorf("SavePart left %d files, want 1", len(e))
	}
}

// TestBuildAndSend sends a built message through the real wrapper to a
// fake sendmail: what sendmail reads is what Build wrote, and the Bcc
// recipient is only in the envelope.
func TestBuildAndSend(t *testing.T) {
	d := validDraft()
	d.Bcc = "secret@example.org"
	d.Attachments = nil
	var buf strings.Builder
	if _, err := d.Build(&buf, testTime, ""); err != nil {
		t.Fatal(err)
	}
	s, dir := fakeSender(t, `cat > "$(dirname "$0")/stdin"`)
	from, _ := d.EnvelopeFrom()
	rcpts, _ := d.Recipients()
	if err := s.Send(strings.NewReader(buf.String()), from, rcpts); err != nil {
		t.Fatal(err)
	}
	argv, _ := os.ReadFile(dir + "/argv")
	stdin, _ := os.ReadFile(dir + "/stdin")
	if string(argv) != "-oi\n-f\nann@example.org\n--\nbob@example.org\nsecret@example.org\n" || string(stdin) != buf.String() || strings.Contains(string(stdin), "secret") {
		t.Errorf("sendmail got argv %q and stdin %q", argv, stdin)
	}
}

// TestReplyQuoting: the given text is quoted one level deeper, under the
// attribution; the original's own (empty) text is not used.
func TestReplyQuoting(t *testing.T) {
	v := message.Parse(strings.NewReader("From: Bob <bob@example.net>\nTo: alice@example.org\nSubject: ...\nMessage-ID: <1@example.net>\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=b\n\n--b\n\n--b--\n"), message.DefaultLimits)
	d := ReplyQuoting(v, []string{"alice@example.org"}, false, "secret line\r\n> earlier\n\nlast\n")
	want := "\n\nBob <bob@example.net> wrote:\n> secret line\n>> earlier\n>\n> last\n"
	if d.Body != want {
		t.Errorf("ReplyQuoting body = %q, want %q", d.Body, want)
	}
	if d.To != "Bob <bob@example.net>" || d.InReplyTo != "1@example.net" {
		t.Errorf("ReplyQuoting = To %q, In-Reply-To %q", d.To, d.InReplyTo)
	}
}
