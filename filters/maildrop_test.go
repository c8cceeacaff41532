package filters

import (
	"fmt"
	"mime"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func testMaildrop(root string) Maildrop {
	return Maildrop{Maildir: root, Mailbot: "/usr/bin/mailbot", Sendmail: "/usr/sbin/sendmail", Location: time.UTC}
}

func TestMaildropGolden(t *testing.T) {
	got, err := sample().Maildrop(testMaildrop("/home/me/Maildir"))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.mailfilter", got)
	files := sample().Vacation.VacationFiles()
	golden(t, "sample.vacation.txt", files[VacationTextFile])
	golden(t, "sample.vacation.subject", files[VacationSubjectFile])
}

func TestMaildropPaths(t *testing.T) {
	for _, p := range []string{"/home/a b/Maildir", "/home/a'b", "/home/$x", "/home/`id`", "relative", "/home/../etc", `/home/a\b`} {
		o := testMaildrop(p)
		if _, err := sample().Maildrop(o); err == nil {
			t.Errorf("Maildrop(Maildir %q) = nil error, want a refusal", p)
		}
	}
}

// FuzzMaildropEscape: an escaped string, read as a regular expression
// (RE2 reads a backslash before punctuation as PCRE does), matches
// exactly the string itself, and holds no '/', '$' or '`' that maildrop
// would read before the regular expression engine does.
func FuzzMaildropEscape(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip() // Validate refuses it
		}
		e := maildropEscape(s)
		re, err := regexp.Compile("^" + e + "$")
		if err != nil {
			t.Fatalf("maildropEscape(%q) = %q, not a regular expression: %v", s, e, err)
		}
		if !re.MatchString(s) {
			t.Fatalf("maildropEscape(%q) = %q does not match the string", s, e)
		}
		for i := 0; i < len(e); i++ {
			if strings.IndexByte("/$`'\"", e[i]) >= 0 && (i == 0 || e[i-1] != '\\') {
				t.Fatalf("maildropEscape(%q) = %q: unescaped %q", s, e, e[i])
			}
			if e[i] == '\\' {
				i++
			}
		}
	})
}

func FuzzMaildropString(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := maildropString(s)
		// Read it back as maildropfilter(7) says: '\' before '\' or
		// the quote is removed, any other stays.
		if q[0] != '\'' || q[len(q)-1] != '\'' {
			t.Fatalf("maildropString(%q) = %q", s, q)
		}
		var b strings.Builder
		in := q[1 : len(q)-1]
		for i := 0; i < len(in); i++ {
			if in[i] == '\'' {
				t.Fatalf("maildropString(%q) = %q: unescaped quote", s, q)
			}
			if in[i] == '\\' && i+1 < len(in) && (in[i+1] == '\\' || in[i+1] == '\'') {
				i++
			}
			b.WriteByte(in[i])
		}
		if b.String() != s {
			t.Fatalf("maildropString(%q) = %q, reads back as %q", s, q, b.String())
		}
	})
}

// newMaildir makes a Maildir with the given folders (maildirmake).
func newMaildir(t *testing.T, folders ...string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "Maildir")
	for _, d := range append([]string{""}, folders...) {
		for _, sub := range []string{"cur", "new", "tmp"} {
			if err := os.MkdirAll(filepath.Join(root, d, sub), 0o700); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

// deliver runs maildrop in manual mode with script (DEFAULT set to the
// Maildir first) on message, as the delivery agent would.
func deliver(t *testing.T, root string, script []byte, message string, env ...string) {
	t.Helper()
	bin := lookPath(t, "maildrop")
	f := filepath.Join(filepath.Dir(root), "mailfilter")
	full := append([]byte(fmt.Sprintf("DEFAULT='%s/'\n", root)), script...)
	if err := os.WriteFile(f, full, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, f)
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + filepath.Dir(root)}, env...)
	cmd.Stdin = strings.NewReader(message)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("maildrop: %v\n%s\nscript:\n%s", err, out, full)
	}
}

// count is the number of messages in a folder (dir "" for INBOX): new/
// and cur/, where maildrop puts a message with FLAGS.
func count(t *testing.T, root, dir string) int {
	t.Helper()
	n := 0
	for _, sub := range []string{"new", "cur"} {
		e, err := os.ReadDir(filepath.Join(root, dir, sub))
		if err != nil {
			t.Fatal(err)
		}
		n += len(e)
	}
	return n
}

// TestMaildropRun: real maildrop files a message whose subject is a
// hostile string by a rule on that string, and only that message.
func TestMaildropRun(t *testing.T) {
	lookPath(t, "maildrop")
	for _, h := range []string{`"; exit; "`, `a \ b`, "${HOME}", "$HOME", "`id`", "50% (a|b) [c] {2} +.^$", `/x/`, "' || '", "ü"} {
		for _, op := range []string{OpContains, OpIs, OpMatches} {
			root := newMaildir(t, ".Hit")
			s := &Set{Rules: []Rule{{Conditions: []Condition{{Field: FieldSubject, Op: op, Value: h}},
				Actions: []Action{{Kind: ActMove, Folder: "Hit"}}}}}
			script, err := s.Maildrop(testMaildrop(root))
			if err != nil {
				t.Fatal(err)
			}
			deliver(t, root, script, fmt.Sprintf("From: a@example.net\nSubject: %s\n\nbody\n", h))
			deliver(t, root, script, "From: a@example.net\nSubject: something else\n\nbody\n")
			if hit, in := count(t, root, ".Hit"), count(t, root, ""); hit != 1 || in != 1 {
				t.Errorf("%s %q: Hit has %d, INBOX %d, want 1 and 1\n%s", op, h, hit, in, script)
			}
		}
	}
}

// TestMaildropActions: flags, copies, stop and discard as the doc says.
func TestMaildropActions(t *testing.T) {
	lookPath(t, "maildrop")
	root := newMaildir(t, ".A", ".B")
	s := &Set{Rules: []Rule{
		{Conditions: []Condition{{Field: FieldSubject, Op: OpContains, Value: "one"}},
			Actions: []Action{{Kind: ActRead}, {Kind: ActFlag}, {Kind: ActCopy, Folder: "A"}}},
		{Conditions: []Condition{{Field: FieldSubject, Op: OpContains, Value: "one"}, {Field: FieldSize, Op: OpUnder, Size: 10000}},
			Actions: []Action{{Kind: ActMove, Folder: "B"}}},
		{Conditions: []Condition{{Field: FieldSubject, Op: OpIs, Value: "drop"}}, Actions: []Action{{Kind: ActDiscard}}},
		{Conditions: []Condition{{Field: FieldSubject, Op: OpIs, Value: "stop"}}, Actions: []Action{{Kind: ActStop}}},
		{Actions: []Action{{Kind: ActMove, Folder: "A"}}},
	}}
	script, err := s.Maildrop(testMaildrop(root))
	if err != nil {
		t.Fatal(err)
	}
	deliver(t, root, script, "Subject: one\n\nx\n")  // A (copy, S and F), B
	deliver(t, root, script, "Subject: drop\n\nx\n") // nowhere
	deliver(t, root, script, "Subject: stop\n\nx\n") // INBOX
	deliver(t, root, script, "Subject: other\n\nx\n")
	for dir, want := range map[string]int{"": 1, ".A": 2, ".B": 1} {
		if got := count(t, root, dir); got != want {
			t.Errorf("folder %q has %d messages, want %d", dir, got, want)
		}
	}
	// The copy to A and the move to B carry the flags.
	for _, dir := range []string{".A", ".B"} {
		seen, _ := filepath.Glob(filepath.Join(root, dir, "cur", "*:2,*S*"))
		flagged, _ := filepath.Glob(filepath.Join(root, dir, "cur", "*:2,*F*"))
		if len(seen) != 1 || len(flagged) != 1 {
			all, _ := filepath.Glob(filepath.Join(root, dir, "*", "*"))
			t.Errorf("want one message with flags F and S in %s, have %q", dir, all)
		}
	}
}

// TestMaildropVacation runs the vacation through real maildrop and
// mailbot, with a sendmail that keeps what it is given.
func TestMaildropVacation(t *testing.T) {
	lookPath(t, "maildrop")
	lookPath(t, "mailbot")
	root := newMaildir(t)
	state := filepath.Join(root, "postern")
	os.MkdirAll(state, 0o700)
	out := filepath.Join(filepath.Dir(root), "sent")
	sm := filepath.Join(filepath.Dir(root), "sendmail")
	os.WriteFile(sm, []byte("#!/bin/sh\n{ echo \"ARGS: $*\"; cat; echo; echo .; } >> "+out+"\n"), 0o700)
	s := &Set{Vacation: Vacation{Enabled: true, Subject: `Away "now" $HOME ` + "`id` ü", Text: "I am away.\nBack soon.",
		From: "me@example.org", Addresses: []string{"me@example.org"}}}
	o := testMaildrop(root)
	o.Sendmail = sm
	script, err := s.Maildrop(o)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range s.Vacation.VacationFiles() {
		os.WriteFile(filepath.Join(state, name), data, 0o600)
	}
	personal := "From: A <a@example.net>\nTo: me@example.org\nSubject: hi\n\nbody\n"
	// maildrop's FROM is the envelope sender: -f, else Return-Path:.
	rp := func(s string) string { return "Return-Path: <" + s + ">\n" }
	deliver(t, root, script, rp("a@example.net")+personal)
	deliver(t, root, script, rp("a@example.net")+personal) // once per sender
	deliver(t, root, script, rp("b@example.net")+"From: b@example.net\nTo: other@example.org\nSubject: hi\n\nx\n")
	for _, h := range []string{"List-Id: <l.example.net>", "Precedence: bulk", "Auto-Submitted: auto-replied", "X-Spam-Flag: YES"} {
		deliver(t, root, script, rp("c@example.net")+"From: c@example.net\nTo: me@example.org\n"+h+"\nSubject: hi\n\nx\n")
	}
	deliver(t, root, script, rp("")+"From: d@example.net\nTo: me@example.org\nSubject: bounce\n\nx\n") // a bounce
	deliver(t, root, script, "From: e@example.net\nTo: me@example.org\nSubject: no sender\n\nx\n")     // FROM is MAILER-DAEMON
	sent, _ := os.ReadFile(out)
	if n := strings.Count(string(sent), "ARGS: "); n != 1 {
		t.Fatalf("%d replies sent, want 1:\n%s", n, sent)
	}
	for _, want := range []string{"ARGS: -t -f \n", "Auto-Submitted: auto-replied", "From: <me@example.org>", "To: A <a@example.net>",
		"Subject: " + mime.QEncoding.Encode("utf-8", s.Vacation.Subject) + "\n", "I am away.\nBack soon."} {
		if !strings.Contains(string(sent), want) {
			t.Errorf("the reply has no %q:\n%s", want, sent)
		}
	}
	if got := count(t, root, ""); got != 9 {
		t.Errorf("INBOX has %d messages, want all 9", got)
	}
}
