package compose

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// wrapperPath is the real wrapper script of this tree.
func wrapperPath(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("../wrapper/postern-sendmail")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the wrapper script is missing: %v", err)
	}
	return p
}

// fakeSender returns a Sender that runs the real wrapper with a fake
// sendmail (the shell script body), recording argv and stdin in dir.
func fakeSender(t *testing.T, body string) (*Sender, string) {
	t.Helper()
	dir := t.TempDir()
	sm := filepath.Join(dir, "sendmail")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + filepath.Join(dir, "argv") + "\n" + body + "\n"
	if err := os.WriteFile(sm, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return &Sender{
		Wrapper: wrapperPath(t),
		Timeout: 10 * time.Second,
		Env:     []string{"PATH=/usr/bin:/bin", "POSTERN_SENDMAIL=" + sm},
	}, dir
}

const testMessage = "From: ann@example.org\nTo: bob@example.org\nSubject: hi\n\nbody\n"

func TestSend(t *testing.T) {
	s, dir := fakeSender(t, "cat > "+"\"$(dirname \"$0\")/stdin\"")
	err := s.Send(strings.NewReader(testMessage), "ann@example.org", []string{"bob@example.org", "secret@example.org"})
	if err != nil {
		t.Fatalf("Send = %v", err)
	}
	argv, _ := os.ReadFile(filepath.Join(dir, "argv"))
	if want := "-oi\n-f\nann@example.org\n--\nbob@example.org\nsecret@example.org\n"; string(argv) != want {
		t.Errorf("sendmail argv = %q, want %q", argv, want)
	}
	if stdin, _ := os.ReadFile(filepath.Join(dir, "stdin")); string(stdin) != testMessage {
		t.Errorf("sendmail stdin = %q, want %q", stdin, testMessage)
	}
}

func TestSendFailure(t *testing.T) {
	s, _ := fakeSender(t, "cat >/dev/null; echo 'sendmail: fatal: no such user' >&2; exit 75")
	err := s.Send(strings.NewReader(testMessage), "ann@example.org", []string{"bob@example.org"})
	var se *SendError
	if !errors.As(err, &se) || se.Status != 75 || !strings.Contains(se.Stderr, "no such user") || !strings.Contains(err.Error(), "no such user") {
		t.Errorf("Send(failing sendmail) = %#v, want SendError 75 with sendmail's message", err)
	}
}

func TestSendBoundedStderr(t *testing.T) {
	// 1 MB on stderr, message not read
	s, _ := fakeSender(t, "head -c 1000000 /dev/zero | tr '\\0' e >&2; exit 1")
	err := s.Send(strings.NewReader(strings.Repeat(testMessage, 20000)), "ann@example.org", []string{"bob@example.org"})
	var se *SendError
	if !errors.As(err, &se) || se.Status != 1 || len(se.Stderr) != MaxStderr {
		t.Fatalf("Send(noisy sendmail) = %v, want SendError 1 with %d bytes of output", err, MaxStderr)
	}
}

func TestSendTimeout(t *testing.T) {
	s, _ := fakeSender(t, "exec sleep 30")
	s.Timeout = 300 * time.Millisecond
	start := time.Now()
	err := s.Send(strings.NewReader(testMessage), "ann@example.org", []string{"bob@example.org"})
	if err == nil || !strings.Contains(err.Error(), "longer than") || time.Since(start) > 10*time.Second {
		t.Errorf("Send(slow sendmail) = %v after %v, want a timeout", err, time.Since(start))
	}
}

func TestSendMissingWrapper(t *testing.T) {
	s := &Sender{Wrapper: filepath.Join(t.TempDir(), "postern-sendmail")}
	err := s.Send(strings.NewReader(testMessage), "ann@example.org", []string{"bob@example.org"})
	if !errors.Is(err, ErrNoWrapper) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("Send(no wrapper) = %v, want ErrNoWrapper", err)
	}
	s, _ = fakeSender(t, "true")
	s.Env = []string{"POSTERN_SENDMAIL=/nonexistent/sendmail"}
	err = s.Send(strings.NewReader(testMessage), "ann@example.org", []string{"bob@example.org"})
	var se *SendError
	if !errors.As(err, &se) || se.Status != 69 || !strings.Contains(se.Stderr, "missing") {
		t.Errorf("Send(no sendmail) = %v, want exit status 69", err)
	}
}

func TestSendRefusesArguments(t *testing.T) {
	tests := []struct {
		from  string
		rcpts []string
	}{
		{"-bh", []string{"bob@example.org"}},
		{"", []string{"bob@example.org"}},
		{"ann@example.org", []string{"-oQ/tmp/x"}},
		{"ann@example.org", []string{"bob@example.org", "x y@example.org"}},
		{"ann@example.org", []string{"bob@example.org\n-t"}},
		{"ann@example.org", []string{"bob@bücher.example"}}, // not ASCII: Recipients converts first
		{"ann@example.org", nil},
		{"ann@example.org", []string{""}},
	}
	for _, tt := range tests {
		s, dir := fakeSender(t, "cat >/dev/null")
		if err := s.Send(strings.NewReader(testMessage), tt.from, tt.rcpts); err == nil {
			t.Errorf("Send(%q, %q) = nil error, want refusal", tt.from, tt.rcpts)
		}
		if _, err := os.Stat(filepath.Join(dir, "argv")); err == nil {
			t.Errorf("Send(%q, %q) ran sendmail", tt.from, tt.rcpts)
		}
	}
	if err := (&Sender{Wrapper: "postern-sendmail"}).Send(strings.NewReader(""), "a@example.org", []string{"b@example.org"}); err == nil {
		t.Errorf("Send with a relative wrapper path = nil error, want refusal")
	}
}
