package filters

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"postern/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// token is one lexical token of a Sieve script (RFC 5228 section 2):
// kind is "string" (text unescaped), "tag", "ident", "number" or the
// punctuation itself.
type token struct{ kind, text string }

// sieveTokens reads script as RFC 5228's lexer does, comments dropped.
// It is this test's own reader, independent of the generator.
func sieveTokens(t testing.TB, script string) []token {
	t.Helper()
	var out []token
	s := script
	for len(s) > 0 {
		c := s[0]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			s = s[1:]
		case c == '#':
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				i = len(s) - 1
			}
			s = s[i+1:]
		case strings.HasPrefix(s, "/*"):
			i := strings.Index(s, "*/")
			if i < 0 {
				t.Fatalf("unterminated comment in %q", script)
			}
			s = s[i+2:]
		case c == '"':
			var b strings.Builder
			i := 1
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
					if i == len(s) {
						break
					}
				}
				b.WriteByte(s[i])
			}
			if i >= len(s) {
				t.Fatalf("unterminated string in %q", script)
			}
			out = append(out, token{"string", b.String()})
			s = s[i+1:]
		case strings.ContainsRune(";,()[]{}", rune(c)):
			out = append(out, token{string(c), string(c)})
			s = s[1:]
		case c == ':' || c == '_' || isAlpha(c) || isDigit(c):
			i := 1
			for i < len(s) && (s[i] == '_' || isAlpha(s[i]) || isDigit(s[i])) {
				i++
			}
			kind := "ident"
			if c == ':' {
				kind = "tag"
			} else if isDigit(c) {
				kind = "number"
			}
			out = append(out, token{kind, s[:i]})
			s = s[i:]
		default:
			t.Fatalf("unexpected %q in %q", c, script)
		}
	}
	return out
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// shape is the tokens with every string's text blanked: what a hostile
// string must not change.
func shape(toks []token) string {
	var b strings.Builder
	for _, tk := range toks {
		if tk.kind == "string" {
			b.WriteString(`"" `)
		} else {
			b.WriteString(tk.text + " ")
		}
	}
	return b.String()
}

func strs(toks []token) []string {
	var out []string
	for _, tk := range toks {
		if tk.kind == "string" {
			out = append(out, tk.text)
		}
	}
	return out
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the generated text (run go test -update and read the diff):\n%s", path, got)
	}
}

func TestSieveGolden(t *testing.T) {
	got, err := sample().Sieve()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.sieve", got)
	if _, err := (&Set{}).Sieve(); err != nil {
		t.Errorf("empty Set: Sieve() = %v", err)
	}
}

// hostile are strings that a careless writer would turn into code.
var hostile = []string{
	`"`, `\`, `\"`, `"; discard; "`, `\\"; discard; #`, "${HOME}", "${1}",
	"`id`", "$(id)", "/*", "*/", "#", "text:", "a\\", `*?\*\?`, "ü €",
	"]; stop; [", `"]`, "'", "' || '", "/x/", "(a|b)[c]{2}+.^$",
}

// TestSieveHostile writes each hostile string in every place a user
// string goes and reads the script back: the tokens are those of a benign
// script, and the string comes back as it was.
func TestSieveHostile(t *testing.T) {
	for _, h := range hostile {
		checkSieveLiteral(t, h)
	}
}

func FuzzSieveLiteral(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if place(h).Validate() != nil {
			t.Skip() // control characters, empty text: see TestValidate
		}
		checkSieveLiteral(t, h)
	})
}

// place puts v in a condition of each operator and in the vacation.
func place(v string) *Set {
	return &Set{
		Rules: []Rule{{
			Conditions: []Condition{
				{Field: FieldSubject, Op: OpContains, Value: v},
				{Field: FieldHeader, Header: "X-Test", Op: OpIs, Value: v},
				{Field: FieldFrom, Op: OpMatches, Not: true, Value: v},
			},
			Actions: []Action{{Kind: ActMove, Folder: "A"}},
		}},
		Vacation: Vacation{Enabled: true, Subject: v, Text: v + "\n" + v},
	}
}

func checkSieveLiteral(t testing.TB, h string) {
	t.Helper()
	benign, err := place("x").Sieve()
	if err != nil {
		t.Fatal(err)
	}
	got, err := place(h).Sieve()
	if err != nil {
		t.Fatalf("Sieve() with %q = %v", h, err)
	}
	toks := sieveTokens(t, string(got))
	if s, want := shape(toks), shape(sieveTokens(t, string(benign))); s != want {
		t.Fatalf("Sieve() with %q has the tokens\n%s\nwant\n%s", h, s, want)
	}
	// :contains and :is take the text, :matches it with '\' escaped
	// (RFC 5228 2.7.1), the vacation's text has two lines.
	matchEsc := strings.ReplaceAll(h, `\`, `\\`)
	for _, want := range []string{h, matchEsc, h + "\n" + h} {
		ok := false
		for _, s := range strs(toks) {
			ok = ok || s == want
		}
		if !ok {
			t.Fatalf("Sieve() with %q: no string literal %q in %q", h, want, strs(toks))
		}
	}
}

// TestSievec compiles the golden script and the hostile ones with the
// real sievec (Debian dovecot-sieve).
func TestSievec(t *testing.T) {
	sievec := lookPath(t, "sievec")
	dir := t.TempDir()
	sets := []*Set{sample()}
	for _, h := range hostile {
		sets = append(sets, place(h))
	}
	for i, s := range sets {
		if err := checkSieve(sievec, dir, dir, mustSieve(t, s)); err != nil {
			t.Errorf("set %d: %v", i, err)
		}
	}
	// And one it must refuse: the check can fail.
	if err := checkSieve(sievec, dir, dir, []byte("if true { fileinto \"x\"; }\n")); err == nil {
		t.Error("sievec accepted fileinto without require")
	}
}

func mustSieve(t testing.TB, s *Set) []byte {
	t.Helper()
	b, err := s.Sieve()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func lookPath(t testing.TB, name string) string {
	t.Helper()
	for _, d := range []string{"/usr/bin", "/usr/sbin", "/usr/local/bin"} {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	testenv.Lacking(t, "%s (Debian dovecot-sieve / maildrop / spamassassin)", name)
	return ""
}

// runSieveTest runs Pigeonhole's sieve-test on script and message, as
// nobody when root (sieve-test refuses uid 0), and returns its report of
// the actions.
func runSieveTest(t *testing.T, script []byte, message string) string {
	t.Helper()
	bin := lookPath(t, "sieve-test")
	dir, err := os.MkdirTemp("", "postern-sieve-test-*") // t.TempDir's parent is 700
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	sp, mp := filepath.Join(dir, "s.sieve"), filepath.Join(dir, "m.eml")
	if err := os.WriteFile(sp, script, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mp, []byte(strings.ReplaceAll(message, "\n", "\r\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	// -f: the envelope sender; -a: the original recipient.
	cmd := exec.Command(bin, "-f", "sender@example.net", "-a", "me@example.org", sp, mp)
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sieve-test: %v\n%s", err, out)
	}
	return string(out)
}

// TestSieveRun runs the generated rules on messages with Pigeonhole's own
// interpreter: each hostile subject is matched as the literal it is, and
// only that.
func TestSieveRun(t *testing.T) {
	for _, h := range []string{`"; discard; "`, `a \ b`, "${HOME}", "`id`", "50% (a|b) [c]", `*?`} {
		for _, op := range []string{OpContains, OpIs, OpMatches} {
			s := &Set{Rules: []Rule{{Conditions: []Condition{{Field: FieldSubject, Op: op, Value: h}},
				Actions: []Action{{Kind: ActMove, Folder: "Hit"}}}}}
			script := mustSieve(t, s)
			hit := runSieveTest(t, script, fmt.Sprintf("From: a@example.net\nTo: me@example.org\nSubject: %s\n\nbody\n", h))
			if !strings.Contains(hit, "store message in folder: Hit") {
				t.Errorf("%s %q: the message with that subject is not filed:\n%s", op, h, hit)
			}
			if op == OpMatches && strings.ContainsAny(h, "*?") {
				continue // wildcards: they match the other subject too
			}
			miss := runSieveTest(t, script, "From: a@example.net\nTo: me@example.org\nSubject: something else\n\nbody\n")
			if strings.Contains(miss, "folder: Hit") {
				t.Errorf("%s %q: another subject is filed:\n%s", op, h, miss)
			}
		}
	}
}

// TestSieveVacationRun: the vacation answers a personal message once the
// guards pass, and never a list, bulk or auto-submitted one.
func TestSieveVacationRun(t *testing.T) {
	s := &Set{Vacation: Vacation{Enabled: true, Subject: "Away", Text: "I am away.", Addresses: []string{"me@example.org"}}}
	script := mustSieve(t, s)
	base := "From: a@example.net\nTo: me@example.org\nSubject: hi\n"
	if out := runSieveTest(t, script, base+"\nbody\n"); !strings.Contains(out, "send vacation message") {
		t.Errorf("no vacation reply for a personal message:\n%s", out)
	}
	for _, h := range []string{"List-Id: <l.example.net>", "Precedence: bulk", "Precedence: list", "Auto-Submitted: auto-generated", "X-Spam-Flag: YES"} {
		if out := runSieveTest(t, script, base+h+"\n\nbody\n"); strings.Contains(out, "vacation") {
			t.Errorf("vacation reply to a message with %q:\n%s", h, out)
		}
	}
}

// TestSieveActionsRun runs the golden script in Pigeonhole on three
// messages: each gets the actions its rules say, in words of sieve-test.
func TestSieveActionsRun(t *testing.T) {
	script := mustSieve(t, sample())
	tests := []struct {
		name, msg string
		want, not []string
	}{
		{"list", "From: x@example.net\nTo: me@example.org\nList-Id: <debian-devel.lists.debian.org>\nSubject: a\n\nb\n",
			[]string{"store message in folder: Lists.Debian"}, []string{"INBOX", "redirect"}},
		{"boss", "From: boss@example.org\nTo: me@example.org\nSubject: a\n\nb\n",
			[]string{"store message in folder: Boss", `\flagged`, "redirect message to: <me@example.net>", "store message in folder: INBOX"}, nil},
		{"spam", "From: x@example.net\nTo: me@example.org\nX-Spam-Flag: YES\nSubject: a\n\nb\n",
			[]string{"discard"}, []string{"store message"}},
	}
	for _, tt := range tests {
		out := runSieveTest(t, script, tt.msg)
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: sieve-test says no %q:\n%s", tt.name, w, out)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(out, n) {
				t.Errorf("%s: sieve-test says %q:\n%s", tt.name, n, out)
			}
		}
	}
}
