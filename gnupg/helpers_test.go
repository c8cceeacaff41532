package gnupg

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postern/internal/testenv"
)

// tool returns the path of a program the tests need, or stops the test.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		testenv.Lacking(t, "%s not installed (Debian: gnupg, gpgsm, openssl)", name)
	}
	return p
}

// newHome makes an empty GnuPG home and stops its agent at the end.
func newHome(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ptgpg")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Stop the agent GnuPG started for this home, and only that one.
		_ = exec.Command("gpgconf", "--homedir", dir, "--kill", "all").Run()
		_ = os.RemoveAll(dir)
	})
	return dir
}

// gpgCmd runs the command-line gpg (the maker of the test data, not
// the Runner under test) in home and returns its standard output.
func gpgCmd(t *testing.T, home string, stdin []byte, args ...string) []byte {
	t.Helper()
	return runTool(t, tool(t, "gpg"), stdin, append([]string{"--homedir", home, "--batch", "--no-tty",
		"--pinentry-mode", "loopback", "--no-auto-key-locate", "--trust-model", "always"}, args...)...)
}

func runTool(t *testing.T, prog string, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(prog), strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes()
}

// newKey makes an ed25519/cv25519 key for uid in home (passphrase "" for
// none) and returns its fingerprint.
func newKey(t *testing.T, home, uid, passphrase string, extra ...string) string {
	t.Helper()
	args := append([]string{"--passphrase", passphrase}, extra...)
	args = append(args, "--quick-gen-key", uid, "future-default", "default", "0")
	gpgCmd(t, home, nil, args...)
	return fingerprint(t, home, uid)
}

// fingerprint returns the primary key fingerprint of uid in home.
func fingerprint(t *testing.T, home, uid string) string {
	t.Helper()
	out := gpgCmd(t, home, nil, "--with-colons", "--list-keys", "--", uid)
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "fpr:") {
			return strings.Split(line, ":")[9]
		}
	}
	t.Fatalf("no fingerprint for %s", uid)
	return ""
}

// runner returns a Runner for home with the installed programs.
func runner(t *testing.T, home string) *Runner {
	t.Helper()
	return &Runner{GPG: tool(t, "gpg"), GPGSM: tool(t, "gpgsm"), Home: home, Timeout: 30 * time.Second}
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	return t.Context()
}

// forget makes the agent of home forget the passphrases it cached.
func forget(t *testing.T, home string) {
	t.Helper()
	runTool(t, tool(t, "gpgconf"), nil, "--homedir", home, "--reload", "gpg-agent")
}
