package filters

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStoreRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "postern")
	s, err := Load(dir)
	if err != nil || len(s.Rules) != 0 {
		t.Fatalf("Load(missing) = %v, %v; want an empty Set", s, err)
	}
	unlock, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := Save(dir, sample()); err != nil {
		t.Fatal(err)
	}
	unlock()
	fi, err := os.Stat(filepath.Join(dir, File))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("Stat(%s) = %v, %v; want mode 600", File, fi, err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := got.Marshal()
	b, _ := sample().Marshal()
	if string(a) != string(b) {
		t.Errorf("Load(Save(sample)) =\n%s\nwant\n%s", a, b)
	}
	// What Validate refuses is not saved, and not loaded.
	bad := sample()
	bad.Rules[0].Actions[0].Folder = "a/b"
	if err := Save(dir, bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("Save(bad) = %v, want ErrInvalid", err)
	}
	if _, err := Parse(strings.NewReader(`{"rules":[{"actions":[{"kind":"move","folder":"../x"}]}]}`)); !errors.Is(err, ErrInvalid) {
		t.Errorf("Parse(bad folder) = %v, want ErrInvalid", err)
	}
	if _, err := Parse(strings.NewReader(`{"rules":[],"extra":1}`)); err == nil {
		t.Error("Parse(unknown field) = nil error")
	}
}

func TestInstallSieve(t *testing.T) {
	sievec := lookPath(t, "sievec")
	home := t.TempDir()
	tg := Target{Language: Sieve, Script: filepath.Join(home, "sieve", "postern.sieve"), Active: filepath.Join(home, ".dovecot.sieve"),
		Compiler: sievec, Home: home, StateDir: filepath.Join(home, "Maildir", "postern")}
	res, err := Install(tg, sample())
	if err != nil || res.Inactive {
		t.Fatalf("Install = %+v, %v", res, err)
	}
	if to, err := os.Readlink(tg.Active); err != nil || to != "sieve/postern.sieve" {
		t.Errorf("Readlink(active) = %q, %v; want sieve/postern.sieve", to, err)
	}
	want, _ := sample().Sieve()
	if got, _ := os.ReadFile(tg.Script); string(got) != string(want) {
		t.Errorf("the installed script is not the generated one")
	}
	if fi, _ := os.Stat(tg.Script); fi.Mode().Perm() != 0o600 {
		t.Errorf("script mode %v, want 600", fi.Mode().Perm())
	}
	// Again: the script is ours, the link points to it.
	if res, err := Install(tg, &Set{}); err != nil || res.Inactive {
		t.Errorf("second Install = %+v, %v", res, err)
	}
	// A compiler that refuses: the old script stays, the error says why.
	fake := filepath.Join(home, "refuse")
	os.WriteFile(fake, []byte("#!/bin/sh\necho 'line 3: unknown command'\nexit 1\n"), 0o700)
	tg2 := tg
	tg2.Compiler = fake
	before, _ := os.ReadFile(tg.Script)
	_, err = Install(tg2, sample())
	var ce *CompileError
	if !errors.As(err, &ce) || !strings.Contains(ce.Output, "unknown command") {
		t.Errorf("Install with a refusing compiler = %v, want a CompileError with its output", err)
	}
	if after, _ := os.ReadFile(tg.Script); string(after) != string(before) {
		t.Error("a script that did not compile replaced the old one")
	}
	// No stray temporary files.
	if m, _ := filepath.Glob(filepath.Join(home, "sieve", ".*")); len(m) != 0 {
		t.Errorf("left behind: %q", m)
	}
}

func TestInstallNotOurs(t *testing.T) {
	sievec := lookPath(t, "sievec")
	home := t.TempDir()
	script := filepath.Join(home, "sieve", "postern.sieve")
	active := filepath.Join(home, ".dovecot.sieve")
	tg := Target{Language: Sieve, Script: script, Active: active, Compiler: sievec, Home: home}
	// A hand-written active script: postern's is written, not activated.
	mine := "require \"fileinto\";\nfileinto \"Mine\";\n"
	os.WriteFile(active, []byte(mine), 0o600)
	res, err := Install(tg, sample())
	if err != nil || !res.Inactive {
		t.Errorf("Install beside a hand-written active script = %+v, %v; want Inactive", res, err)
	}
	if got, _ := os.ReadFile(active); string(got) != mine {
		t.Errorf("the hand-written active script changed: %q", got)
	}
	// A hand-written file where postern's script goes: refused, kept.
	os.WriteFile(script, []byte(mine), 0o600)
	if _, err := Install(tg, sample()); !errors.Is(err, ErrNotOurs) {
		t.Errorf("Install over a hand-written script = %v, want ErrNotOurs", err)
	}
	if got, _ := os.ReadFile(script); string(got) != mine {
		t.Errorf("the hand-written script changed: %q", got)
	}
	// A symbolic link there is not followed.
	os.Remove(script)
	os.Symlink(active, script)
	if _, err := Install(tg, sample()); !errors.Is(err, ErrNotOurs) {
		t.Errorf("Install over a symbolic link = %v, want ErrNotOurs", err)
	}
}

func TestInstallMaildrop(t *testing.T) {
	maildrop := lookPath(t, "maildrop")
	root := newMaildir(t, ".Lists.Debian", ".Boss", ".Junk")
	home := filepath.Dir(root)
	state := filepath.Join(root, "postern")
	os.MkdirAll(state, 0o700)
	o := testMaildrop(root)
	tg := Target{Language: MaildropLang, Script: filepath.Join(home, ".mailfilter"), Compiler: maildrop, Home: home, StateDir: state, Maildrop: o}
	if _, err := Install(tg, sample()); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{VacationTextFile, VacationSubjectFile} {
		if _, err := os.Stat(filepath.Join(state, f)); err != nil {
			t.Errorf("vacation file: %v", err)
		}
	}
	// The check delivered nothing.
	for _, d := range []string{"", ".Lists.Debian", ".Boss", ".Junk"} {
		if n := count(t, root, d); n != 0 {
			t.Errorf("the check delivered %d messages to %q", n, d)
		}
	}
	// The real compiler refuses a broken script: use the check itself.
	if err := checkMaildrop(maildrop, home, home, []byte("if (/x/\n{\n}\n")); err == nil {
		t.Error("maildrop accepted a missing )")
	} else if !strings.Contains(err.Error(), "Missing )") {
		t.Errorf("checkMaildrop(broken) = %v, want maildrop's message", err)
	}
	// A hand-written ~/.mailfilter is not replaced.
	mine := "to \"$HOME/Maildir/\"\n"
	os.WriteFile(tg.Script, []byte(mine), 0o600)
	if _, err := Install(tg, sample()); !errors.Is(err, ErrNotOurs) {
		t.Errorf("Install over a hand-written .mailfilter = %v, want ErrNotOurs", err)
	}
	if got, _ := os.ReadFile(tg.Script); string(got) != mine {
		t.Errorf(".mailfilter changed: %q", got)
	}
}

// FuzzParse: whatever Parse accepts is valid, marshals and parses back to
// the same Set, and both generators write it (a valid Set is always
// writable).
func FuzzParse(f *testing.F) {
	b, _ := sample().Marshal()
	f.Add(b)
	f.Add([]byte(`{"rules":[{"conditions":[{"field":"header","header":"X-A","op":"is","value":"\"\\"}],"actions":[{"kind":"forward","address":"a@b.org"}]}]}`))
	f.Add([]byte(`{"rules":[],"vacation":{"enabled":true,"text":"x","start":"2026-01-01"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("Parse accepted an invalid Set: %v", err)
		}
		m, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		again, err := Parse(strings.NewReader(string(m)))
		if err != nil {
			t.Fatalf("Parse(Marshal(s)) = %v", err)
		}
		if m2, _ := again.Marshal(); string(m2) != string(m) {
			t.Fatalf("round trip changed the Set:\n%s\n%s", m, m2)
		}
		sv, err := s.Sieve()
		if err != nil {
			t.Fatalf("Sieve() of a valid Set = %v", err)
		}
		sieveTokens(t, string(sv)) // lexes, every string closed
		if _, err := s.Maildrop(testMaildrop("/home/me/Maildir")); err != nil {
			t.Fatalf("Maildrop() of a valid Set = %v", err)
		}
	})
}
