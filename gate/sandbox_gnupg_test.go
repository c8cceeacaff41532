package gate

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"postern/auth"
	"postern/config"
	"postern/gnupg"
	"postern/internal/childstart"
	"postern/internal/gpgtest"
	"postern/internal/testenv"
	"postern/privdrop/rtenv"
	"postern/sandbox"
)

// TestGnuPGRules: the RunsGnuPG requests may execute the configured
// programs and write the user's RunsGnuPG home and socket directory, and
// nothing they allow covers /etc/shadow or another user's files.
func TestGnuPGRules(t *testing.T) {
	cfg := config.Default()
	acct := &auth.Account{User: "alice", UID: 1234, Home: "/home/alice", Maildir: "/home/alice/Maildir"}
	r := runRules(cfg, "/etc/postern/postern.conf", acct, RunsGnuPG)
	for _, tt := range []struct {
		list []string
		name string
		want []string
	}{
		{r.Exec, "Exec", []string{"/usr/bin/gpg", "/usr/bin/gpgsm", "/usr/bin/gpg-agent"}},
		{r.RW, "RW", []string{"/home/alice/Maildir"}},
		{r.Sockets, "Sockets", []string{"/home/alice/.gnupg", "/run/user/1234"}},
		{r.RO, "RO", []string{"/usr/lib", "/etc/passwd"}},
	} {
		for _, w := range tt.want {
			if !slices.Contains(tt.list, w) {
				t.Errorf("runRules(..., RunsGnuPG).%s = %q, lacks %s", tt.name, tt.list, w)
			}
		}
	}
	for _, p := range slices.Concat(r.RO, r.RW, r.Exec, r.Sockets) {
		for _, secret := range []string{"/etc/shadow", "/root/x", "/home/bob/.gnupg/private-keys-v1.d/x", "/home/alice/.ssh/id_ed25519"} {
			if secret == p || strings.HasPrefix(secret, strings.TrimSuffix(p, "/")+"/") {
				t.Errorf("runRules(..., RunsGnuPG) allows %s, which covers %s", p, secret)
			}
		}
	}
	cfg.GnuPGHome = "/var/mail/%u/gnupg"
	if r := runRules(cfg, "", acct, RunsGnuPG); !slices.Contains(r.Sockets, "/var/mail/alice/gnupg") {
		t.Errorf("gnupg_home %s: Sockets = %q, lacks /var/mail/alice/gnupg", cfg.GnuPGHome, r.Sockets)
	}
}

// TestGnuPGSandbox runs gpg under the real Landlock rulesets, in a child
// process of this test: under runRules(RunsGnuPG) a signature verifies and a
// message decrypts (gpg starting the agent inside the sandbox); under
// userRules (every other request) gpg cannot even start.
func TestGnuPGSandbox(t *testing.T) {
	if os.Getenv("PT_SANDBOX_CHILD") != "" {
		sandboxChild(t)
		return
	}
	if sandbox.ABI() < 1 {
		testenv.Lacking(t, "Landlock not supported by this kernel")
	}
	home := gpgtest.NewHome(t)
	gpgtest.NewKey(t, home, "Alice <alice@example.org>", "")
	dir := t.TempDir()
	data := []byte("signed\n")
	sig := gpgtest.GPG(t, home, data, "--local-user", "alice@example.org", "--detach-sign")
	ct := gpgtest.GPG(t, home, data, "--recipient", "alice@example.org", "--encrypt")
	// The child's gpg starts its agent inside the sandbox.
	gpgtest.Run(t, gpgtest.Tool(t, "gpgconf"), nil, "--homedir", home, "--kill", "gpg-agent")
	for name, b := range map[string][]byte{"data": data, "sig": sig, "ct": ct} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, kind := range []string{"gnupg", "send+gnupg", "send", "user"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestGnuPGSandbox$", "-test.v")
		cmd.Env = append(os.Environ(), "PT_SANDBOX_CHILD="+kind, "PT_GNUPGHOME="+home, "PT_DIR="+dir,
			"PT_GPG="+gpgtest.Tool(t, "gpg"))
		// As a web server starts the request binary: with this process's
		// CPUs and timer slack, not the constructor's one CPU and 2 ms.
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := rtenv.Start(cmd)
		if err == nil {
			err = cmd.Wait()
		}
		if err != nil {
			t.Errorf("%s rules: child failed: %v\n%s", kind, err, out.Bytes())
		}
	}
}

// sandboxChild is the child of TestGnuPGSandbox.
func sandboxChild(t *testing.T) {
	kind, home, dir := os.Getenv("PT_SANDBOX_CHILD"), os.Getenv("PT_GNUPGHOME"), os.Getenv("PT_DIR")
	// gpg starts as a request starts it (gate.Prepare).
	childstart.Use(rtenv.Start)
	defer childstart.Use(nil)
	data, _ := os.ReadFile(filepath.Join(dir, "data"))
	sig, _ := os.ReadFile(filepath.Join(dir, "sig"))
	cfg := config.Default()
	cfg.GnuPGHome = home
	gpg := os.Getenv("PT_GPG")
	cfg.LandlockGnuPGExec = gpg + " /usr/bin/gpg-agent /usr/bin/gpgconf /usr/bin/gpg-connect-agent /usr/lib/gnupg"
	acct := &auth.Account{User: "pt", UID: os.Getuid(), Home: dir, Maildir: dir}
	rules := userRules(cfg, "", acct)
	switch kind {
	case "gnupg":
		rules = runRules(cfg, "", acct, RunsGnuPG)
	case "send+gnupg": // POST /send with crypto = yes
		rules = runRules(cfg, "", acct, RunsSendmail|RunsGnuPG)
	case "send": // POST /send with crypto = no
		rules = runRules(cfg, "", acct, RunsSendmail)
	}
	if err := sandbox.Restrict(rules); err != nil {
		t.Fatalf("Restrict: %v", err)
	}
	r := &gnupg.Runner{GPG: gpg, Home: home, Timeout: 30 * time.Second}
	sigs, err := r.VerifyDetached(t.Context(), data, sig)
	switch kind {
	case "gnupg", "send+gnupg":
		if err != nil || len(sigs) != 1 || sigs[0].Verdict != gnupg.Good {
			t.Fatalf("under runRules(RunsGnuPG): VerifyDetached = %+v, %v, want one good signature", sigs, err)
		}
		ct, _ := os.ReadFile(filepath.Join(dir, "ct"))
		d, pt, err := r.Decrypt(t.Context(), ct, nil)
		if err != nil || !d.OK || string(pt) != string(data) {
			t.Fatalf("under runRules(RunsGnuPG): Decrypt = %+v, %q, %v, want the plaintext", d, pt, err)
		}
	case "user", "send":
		if !errors.Is(err, gnupg.ErrMissing) {
			t.Fatalf("under the %s rules: VerifyDetached = %+v, %v, want gpg not executable", kind, sigs, err)
		}
	}
}
