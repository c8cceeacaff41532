package gate

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"postern/auth"
	"postern/config"
	"postern/internal/testenv"
	"postern/sandbox"
)

// TestRuns: only the POSTs to the paths of runs may run a program, and
// only their own kind.
func TestRuns(t *testing.T) {
	tests := []struct {
		method, path string
		want         Program
	}{
		{"POST", "/send", RunsSendmail | RunsGnuPG}, // sends; signs, encrypts, stores encrypted drafts
		{"POST", "/compose", RunsGnuPG},             // opens an encrypted draft
		{"GET", "/compose", RunsNothing},
		{"POST", "/filters", RunsCompiler},
		{"POST", "/vacation", RunsCompiler},
		{"POST", "/spam", RunsLearner},
		{"GET", "/filters", RunsNothing}, // the page, not the save
		{"GET", "/send", RunsNothing},
		{"POST", "/filters/", RunsNothing},
		{"POST", "/action", RunsNothing},
		{"post", "/spam", RunsNothing},
		{"GET", "/verify", RunsGnuPG},
		{"HEAD", "/verify", RunsGnuPG},
		{"POST", "/decrypt", RunsGnuPG},
		{"GET", "/msg", RunsNothing}, // parses every message: runs nothing
		{"POST", "/verify", RunsNothing},
		{"GET", "/decrypt", RunsNothing},
		{"GET", "/keys", RunsGnuPG},
		{"POST", "/keys/import", RunsGnuPG},
		{"POST", "/keys/import-part", RunsGnuPG},
		{"GET", "/keys/export", RunsGnuPG},
		{"POST", "/keys/attach", RunsGnuPG},
		{"POST", "/keys/delete", RunsGnuPG},
		{"POST", "/keys/generate", RunsGnuPG},
		{"POST", "/keys/autocrypt", RunsGnuPG},
		{"POST", "/keys", RunsNothing},
		{"GET", "/keys/delete", RunsNothing}, // the confirmation is a POST too
		{"GET", "/keys/", RunsNothing},
		{"POST", "/logout", RunsGnuPG}, // a passphrase remembered for the session
		{"GET", "/logout", RunsNothing},
		// postern-helper: the passkey ceremonies' answers, the lookups.
		{"POST", "/passkey", RunsHelper},
		{"POST", "/passkey-step", RunsHelper},
		{"POST", "/passkey-login", RunsHelper},
		{"GET", "/passkey-challenge", RunsNothing}, // the options only
		{"GET", "/security", RunsNothing},          // draws a registration's challenge
		{"GET", "/totp-login", RunsNothing},        // draws an assertion's challenge
		{"POST", "/totp-login", RunsNothing},
		{"GET", "/passkey", RunsNothing},
		{"GET", "/complete", RunsHelper},
		{"HEAD", "/complete", RunsHelper},
		{"GET", "/directory", RunsHelper},
		{"POST", "/directory", RunsNothing},
		{"GET", "/compose", RunsNothing}, // never waits for the directory
	}
	for _, tt := range tests {
		r := &Request{Method: tt.method, Path: tt.path}
		if got := r.Runs(); got != tt.want {
			t.Errorf("Request{%s %s}.Runs() = %s, want %s", tt.method, tt.path, got, tt.want)
		}
	}
}

// TestRunRulesKinds: each kind may execute its own configured programs
// and nothing else; the compiler of a language not chosen is not there.
func TestRunRulesKinds(t *testing.T) {
	cfg := config.Default()
	cfg.FilterLanguage = "sieve"
	cfg.LearnSpam = "/usr/bin/sa-learn --spam"
	cfg.LearnHam = "/usr/bin/rspamc learn_ham"
	acct := &auth.Account{User: "alice", Home: "/home/alice", Maildir: "/home/alice/Maildir"}
	comp := runRules(cfg, "/etc/postern/postern.conf", acct, RunsCompiler)
	learn := runRules(cfg, "/etc/postern/postern.conf", acct, RunsLearner)
	helper := runRules(cfg, "/etc/postern/postern.conf", acct, RunsHelper)
	for _, tt := range []struct {
		name      string
		list      []string
		want, not []string
	}{
		{"compiler Exec", comp.Exec, []string{"/usr/bin/sievec", "/usr/bin/doveconf"}, []string{"/usr/bin/maildrop", "/usr/bin/sa-learn", cfg.Wrapper()}},
		{"compiler RW", comp.RW, []string{"/home/alice", "/home/alice/Maildir"}, nil},
		{"compiler RO", comp.RO, []string{"/etc/dovecot", "/usr/lib"}, nil},
		{"compiler Symlink", comp.Symlink, []string{"/home/alice"}, nil},
		{"learner Symlink", learn.Symlink, nil, []string{"/home/alice"}},
		{"learner Exec", learn.Exec, []string{"/usr/bin/sa-learn", "/usr/bin/rspamc"}, []string{"/usr/bin/sievec", cfg.Wrapper()}},
		{"learner RW", learn.RW, []string{"/home/alice"}, nil},
		{"learner RO", learn.RO, []string{"/usr/share/perl5", "/etc/spamassassin"}, nil},
		{"learner Exec", learn.Exec, nil, []string{config.DefaultHelper}},
		// postern-helper alone: no loader, no library, no program's runtime.
		{"helper Exec", helper.Exec, []string{config.DefaultHelper}, []string{"/usr/bin/sievec", "/usr/bin/sa-learn", cfg.Wrapper()}},
		{"helper RO", helper.RO, nil, []string{"/usr/lib", "/lib", "/etc/ld.so.cache", "/etc/passwd"}},
	} {
		for _, w := range tt.want {
			if !slices.Contains(tt.list, w) {
				t.Errorf("%s = %q, lacks %s", tt.name, tt.list, w)
			}
		}
		for _, n := range tt.not {
			if slices.Contains(tt.list, n) {
				t.Errorf("%s = %q, has %s", tt.name, tt.list, n)
			}
		}
	}
	if len(helper.Exec) != 1 || !helper.RestrictTCP {
		t.Errorf("runRules(helper) = Exec %q, RestrictTCP %v; want the helper alone, no TCP", helper.Exec, helper.RestrictTCP)
	}
	// Nothing configured: nothing to execute.
	cfg.FilterLanguage, cfg.LearnSpam, cfg.LearnHam = "none", "", ""
	for _, k := range []Program{RunsCompiler, RunsLearner, RunsNothing} {
		if r := runRules(cfg, "/etc/postern/postern.conf", acct, k); len(r.Exec) != 0 {
			t.Errorf("runRules(%s) with nothing configured: Exec = %q", k, r.Exec)
		}
	}
}

// helperEnv names the kind and the command of TestRunRulesHelper, the
// child of TestRunRulesReal.
const helperEnv = "POSTERN_GATE_RUNRULES_HELPER"

type helperJob struct {
	Kind Program
	Cfg  *config.Config
	Acct *auth.Account
	Argv []string
	Env  []string
}

// TestRunRulesHelper is the sandboxed child: it restricts itself to the
// rules of its kind, runs the command and exits with its status.
func TestRunRulesHelper(t *testing.T) {
	spec := os.Getenv(helperEnv)
	if spec == "" {
		t.Skip("run by TestRunRulesReal")
	}
	var job helperJob
	if err := json.Unmarshal([]byte(spec), &job); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	rules := runRules(job.Cfg, job.Acct.Home+"/postern.conf", job.Acct, job.Kind)
	if err := sandbox.Restrict(rules); err != nil {
		fmt.Fprintln(os.Stderr, "restrict:", err)
		os.Exit(3)
	}
	cmd := exec.Command(job.Argv[0], job.Argv[1:]...)
	cmd.Env = job.Env
	cmd.Stdin = strings.NewReader("From: a@example.net\nTo: b@example.org\nSubject: cheap pills\nMessage-Id: <1@example.net>\n\nbuy cheap pills now\n")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "run:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// TestRunRulesReal runs sievec, maildrop and sa-learn in a child
// restricted by Landlock to the rules of their request, with the default
// keys: they work; and a program of another kind does not start.
func TestRunRulesReal(t *testing.T) {
	if sandbox.ABI() < 2 {
		testenv.Lacking(t, "Landlock ABI 2 (kernel %d)", sandbox.ABI())
	}
	for _, p := range []string{"/usr/bin/sievec", "/usr/bin/maildrop", "/usr/bin/sa-learn"} {
		if _, err := os.Stat(p); err != nil {
			testenv.Lacking(t, "%s (Debian dovecot-sieve, maildrop, spamassassin)", p)
		}
	}
	home := t.TempDir()
	maildir := filepath.Join(home, "Maildir")
	tmp := filepath.Join(maildir, "postern", "tmp")
	for _, d := range []string{filepath.Join(maildir, "cur"), filepath.Join(maildir, "new"), tmp, filepath.Join(home, "sieve")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(home, "postern.conf"), nil, 0o600)
	os.WriteFile(filepath.Join(home, "sieve", "x.sieve"), []byte("require \"fileinto\";\nfileinto \"A\";\n"), 0o600)
	os.WriteFile(filepath.Join(home, ".chk"), []byte("EXITCODE=0\nexit\nto \""+maildir+"/\"\n"), 0o600)
	acct := &auth.Account{User: "ptrunrules", Home: home, Maildir: maildir}
	env := []string{"PATH=/usr/bin:/bin", "HOME=" + home, "TMPDIR=" + tmp, "LANG=C"}
	run := func(lang string, kind Program, argv ...string) error {
		cfg := config.Default()
		cfg.FilterLanguage = lang
		cfg.LearnSpam = "/usr/bin/sa-learn --spam"
		job, _ := json.Marshal(helperJob{Kind: kind, Cfg: cfg, Acct: acct, Argv: argv, Env: env})
		cmd := exec.Command(os.Args[0], "-test.run=^TestRunRulesHelper$")
		cmd.Env = append(os.Environ(), helperEnv+"="+string(job))
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	}
	sievec := []string{"/usr/bin/sievec", filepath.Join(home, "sieve", "x.sieve"), filepath.Join(home, "sieve", "x.svbin")}
	maildrop := []string{"/usr/bin/maildrop", filepath.Join(home, ".chk")}
	learn := []string{"/usr/bin/sa-learn", "--spam"}
	if err := run("sieve", RunsCompiler, sievec...); err != nil {
		t.Errorf("sievec in the compiler's sandbox: %v", err)
	}
	// Dovecot's active script is a link, which the sandbox lets it make.
	if err := run("sieve", RunsCompiler, "/bin/ln", "-s", "sieve/x.sieve", filepath.Join(home, ".dovecot.sieve")); err == nil {
		t.Error("ln ran in the compiler's sandbox (only the compiler may)")
	}
	if err := run("maildrop", RunsCompiler, maildrop...); err != nil {
		t.Errorf("maildrop in the compiler's sandbox: %v", err)
	}
	if err := run("none", RunsLearner, learn...); err != nil {
		t.Errorf("sa-learn in the learner's sandbox: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, ".spamassassin")); err != nil {
		t.Errorf("sa-learn made no Bayes database in the home: %v", err)
	}
	// The other kinds' programs, and any program in a user request.
	for _, tt := range []struct {
		lang string
		kind Program
		argv []string
	}{
		{"sieve", RunsLearner, sievec},
		{"sieve", RunsCompiler, maildrop}, // the language not chosen
		{"sieve", RunsCompiler, learn},
		{"sieve", RunsNothing, []string{"/bin/true"}},
	} {
		if err := run(tt.lang, tt.kind, tt.argv...); err == nil {
			t.Errorf("%s ran in the sandbox of kind %s", tt.argv[0], tt.kind)
		}
	}
}

// TestSiteProgram: a kind the site has not set up runs nothing.
func TestSiteProgram(t *testing.T) {
	on := config.Default()
	on.Crypto, on.FilterLanguage, on.LearnSpam, on.WebAuthn = true, "sieve", "/usr/bin/sa-learn --spam", true
	off := config.Default()
	off.Crypto, off.FilterLanguage, off.LearnSpam, off.LearnHam = false, "none", "", ""
	for _, tt := range []struct {
		path    string
		on, off Program
	}{
		{"/send", RunsSendmail | RunsGnuPG, RunsSendmail}, // sending is always set up
		{"/compose", RunsGnuPG, RunsNothing},
		{"/filters", RunsCompiler, RunsNothing},
		{"/spam", RunsLearner, RunsNothing},
		{"/decrypt", RunsGnuPG, RunsNothing},
		{"/logout", RunsGnuPG, RunsNothing}, // crypto off: logout runs nothing
		{"/keys/generate", RunsGnuPG, RunsNothing},
		{"/passkey-step", RunsHelper, RunsNothing}, // webauthn = no
		{"/passkey", RunsHelper, RunsNothing},
		{"/action", RunsNothing, RunsNothing},
	} {
		req := &Request{Method: "POST", Path: tt.path}
		if got := siteProgram(on, req); got != tt.on {
			t.Errorf("siteProgram(set up, POST %s) = %s, want %s", tt.path, got, tt.on)
		}
		if got := siteProgram(off, req); got != tt.off {
			t.Errorf("siteProgram(not set up, POST %s) = %s, want %s", tt.path, got, tt.off)
		}
	}
}

// TestRunRulesUnion: a request of two kinds (POST /send with crypto on)
// gets exactly the union of the two rule sets: every path of either, and
// no path that neither has.
func TestRunRulesUnion(t *testing.T) {
	cfg := config.Default()
	acct := &auth.Account{User: "alice", UID: 1234, Home: "/home/alice", Maildir: "/home/alice/Maildir"}
	const conf = "/etc/postern/postern.conf"
	send := runRules(cfg, conf, acct, RunsSendmail)
	gpg := runRules(cfg, conf, acct, RunsGnuPG)
	both := runRules(cfg, conf, acct, RunsSendmail|RunsGnuPG)
	for _, tt := range []struct {
		name        string
		a, b, union []string
	}{
		{"Exec", send.Exec, gpg.Exec, both.Exec},
		{"RO", send.RO, gpg.RO, both.RO},
		{"RW", send.RW, gpg.RW, both.RW},
		{"Sockets", send.Sockets, gpg.Sockets, both.Sockets},
		{"Symlink", send.Symlink, gpg.Symlink, both.Symlink},
	} {
		for _, p := range slices.Concat(tt.a, tt.b) {
			if !slices.Contains(tt.union, p) {
				t.Errorf("runRules(sendmail+gnupg).%s lacks %s", tt.name, p)
			}
		}
		for _, p := range tt.union {
			if !slices.Contains(tt.a, p) && !slices.Contains(tt.b, p) {
				t.Errorf("runRules(sendmail+gnupg).%s has %s, which neither kind has", tt.name, p)
			}
		}
	}
	if !slices.Contains(both.Exec, cfg.Wrapper()) || !slices.Contains(both.Exec, "/usr/bin/gpg") {
		t.Errorf("runRules(sendmail+gnupg).Exec = %q, want the wrapper and gpg", both.Exec)
	}
	if slices.Contains(send.Exec, "/usr/bin/gpg") || len(send.Sockets) != 0 {
		t.Errorf("runRules(sendmail) = %+v, allows GnuPG", send)
	}
}
