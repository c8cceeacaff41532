package wrapper

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"postern/internal/testenv"
)

// fakeSendmail writes a sendmail that records its argv (one per line)
// and stdin in dir, writes "fake error" to stderr and exits with
// $FAKE_STATUS.
func fakeSendmail(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "sendmail")
	script := "#!/bin/sh\n" +
		"for a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + filepath.Join(dir, "argv") + "\n" +
		"cat > " + filepath.Join(dir, "stdin") + "\n" +
		"echo 'fake error' >&2\n" +
		"exit ${FAKE_STATUS:-0}\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// run runs script with args and stdin msg; it returns the exit status
// and the error output.
func run(t *testing.T, script string, env []string, msg string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(script, args...)
	cmd.Env = append([]string{"PATH=/usr/bin:/bin"}, env...)
	cmd.Stdin = strings.NewReader(msg)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatalf("running %s: %v", script, err)
	}
	return 0, stderr.String()
}

const message = "From: a@example.org\nTo: b@example.org\nSubject: hi\n\nbody\n"

func TestWrapper(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		status     string // FAKE_STATUS
		wantStatus int
		wantArgv   string // "" means sendmail must not run
		wantErr    string // in the error output
	}{
		{"send", []string{"a@example.org", "b@example.org", "c@example.net"}, "", 0,
			"-oi\n-f\na@example.org\n--\nb@example.org\nc@example.net\n", "fake error"},
		// sendmail's status and message pass through
		{"sendmail fails", []string{"a@example.org", "b@example.org"}, "75", 75,
			"-oi\n-f\na@example.org\n--\nb@example.org\n", "fake error"},
		// an option smuggled in as a recipient
		{"dash rcpt", []string{"a@example.org", "-oQ/tmp", "b@example.org"}, "", 64, "", "refused"},
		{"dash from", []string{"-bh", "b@example.org"}, "", 64, "", "refused"},
		{"space from", []string{"a@example.org x", "b@example.org"}, "", 64, "", "white space"},
		{"newline rcpt", []string{"a@example.org", "b@example.org\nc@example.org"}, "", 64, "", "white space"},
		{"tab rcpt", []string{"a@example.org", "b@example.org\tc"}, "", 64, "", "white space"},
		{"empty rcpt", []string{"a@example.org", ""}, "", 64, "", "refused"},
		{"no rcpt", []string{"a@example.org"}, "", 64, "", "usage"},
		{"no args", nil, "", 64, "", "usage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			sm := fakeSendmail(t, dir)
			env := []string{"POSTERN_SENDMAIL=" + sm}
			if tt.status != "" {
				env = append(env, "FAKE_STATUS="+tt.status)
			}
			status, stderr := run(t, "./postern-sendmail", env, message, tt.args...)
			if status != tt.wantStatus {
				t.Errorf("postern-sendmail %q: status = %d, want %d (stderr %q)", tt.args, status, tt.wantStatus, stderr)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("postern-sendmail %q: stderr = %q, want it to contain %q", tt.args, stderr, tt.wantErr)
			}
			argv, err := os.ReadFile(filepath.Join(dir, "argv"))
			if tt.wantArgv == "" {
				if err == nil {
					t.Errorf("postern-sendmail %q: sendmail ran with %q, want it not run", tt.args, argv)
				}
				return
			}
			if string(argv) != tt.wantArgv {
				t.Errorf("postern-sendmail %q: sendmail argv = %q, want %q", tt.args, argv, tt.wantArgv)
			}
			stdin, err := os.ReadFile(filepath.Join(dir, "stdin"))
			if err != nil || string(stdin) != message {
				t.Errorf("postern-sendmail %q: sendmail stdin = %q, %v, want %q", tt.args, stdin, err, message)
			}
		})
	}
}

func TestWrapperMissingSendmail(t *testing.T) {
	env := []string{"POSTERN_SENDMAIL=" + filepath.Join(t.TempDir(), "nothing")}
	status, stderr := run(t, "./postern-sendmail", env, message, "a@example.org", "b@example.org")
	if status != 69 || !strings.Contains(stderr, "missing") {
		t.Errorf("postern-sendmail without sendmail = %d, %q, want 69 and \"missing\"", status, stderr)
	}
}

// TestOriginatingIP enables the documented optional block in a copy of
// the script and checks the header it adds.
func TestOriginatingIP(t *testing.T) {
	src, err := os.ReadFile("postern-sendmail")
	if err != nil {
		t.Fatal(err)
	}
	const start = "#case ${REMOTE_ADDR:-} in\n"
	i := bytes.Index(src, []byte(start))
	j := bytes.Index(src, []byte("#esac\n"))
	if i < 0 || j < i {
		t.Fatal("the optional X-Originating-IP block is not in the script")
	}
	block := string(src[i : j+len("#esac\n")])
	var enabled strings.Builder
	for _, l := range strings.SplitAfter(block, "\n") {
		enabled.WriteString(strings.TrimPrefix(l, "#"))
	}
	copyPath := filepath.Join(t.TempDir(), "postern-sendmail")
	out := string(src[:i]) + enabled.String() + string(src[j+len("#esac\n"):])
	if err := os.WriteFile(copyPath, []byte(out), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		addr string
		want string // the message sendmail gets
	}{
		{"192.0.2.7", "X-Originating-IP: [192.0.2.7]\n" + message},
		{"2001:db8::1", "X-Originating-IP: [2001:db8::1]\n" + message},
		// not an address: no header
		{"1.2.3.4\nBcc: x@example.org", message},
		{"", message},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		env := []string{"POSTERN_SENDMAIL=" + fakeSendmail(t, dir), "REMOTE_ADDR=" + tt.addr, "FAKE_STATUS=3"}
		status, _ := run(t, copyPath, env, message, "a@example.org", "b@example.org")
		if status != 3 {
			t.Errorf("REMOTE_ADDR=%q: status = %d, want sendmail's 3", tt.addr, status)
		}
		got, _ := os.ReadFile(filepath.Join(dir, "stdin"))
		if string(got) != tt.want {
			t.Errorf("REMOTE_ADDR=%q: sendmail stdin = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestManPage(t *testing.T) {
	mandoc, err := exec.LookPath("mandoc")
	if err != nil {
		testenv.Lacking(t, "mandoc is missing (Debian package mandoc)")
	}
	out, err := exec.Command(mandoc, "-T", "lint", "-W", "warning", "postern-sendmail.8").CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("mandoc -T lint postern-sendmail.8: %v\n%s", err, out)
	}
}
