package compose

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"postern/internal/childstart"
)

// MaxStderr bounds the wrapper's error output kept for the user.
const MaxStderr = 8 << 10

// maxRecipients bounds the envelope recipients of one message.
const maxRecipients = 1000

// Sender runs the sendmail wrapper.
type Sender struct {
	Wrapper string        // absolute path of the wrapper (the caller's configuration chooses it)
	Timeout time.Duration // for one send; 0 means 2 minutes
	// Env is the wrapper's environment; nil means the process's own,
	// which privdrop.Sanitize has reduced to the CGI variables.
	Env []string
}

// SendError is a send that failed: the wrapper exited with a non-zero
// status (sendmail's, or 64 for a refused argument, 69 for a missing
// sendmail) or could not run.
type SendError struct {
	Status int    // exit status; -1 when the wrapper did not run or was killed
	Stderr string // the start of the wrapper's output, at most MaxStderr bytes, valid UTF-8
	Err    error  // the underlying error
}

func (e *SendError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = e.Err.Error()
	}
	if e.Status >= 0 {
		return fmt.Sprintf("compose: sendmail failed (exit status %d): %s", e.Status, msg)
	}
	return "compose: sendmail failed: " + msg
}

func (e *SendError) Unwrap() error { return e.Err }

// ErrNoWrapper is matched (errors.Is) by the SendError of a missing
// wrapper.
var ErrNoWrapper = errors.New("the mail wrapper is missing")

// Send runs the wrapper with the fixed argv "FROM RCPT..." (no shell)
// and msg on its standard input, and waits for it. from and each
// recipient must be non-empty, not start with '-' and hold no white
// space or control characters. A failure is a *SendError.
func (s *Sender) Send(msg io.Reader, envelopeFrom string, rcpts []string) error {
	if err := checkArg("envelope sender", envelopeFrom); err != nil {
		return err
	}
	if len(rcpts) == 0 {
		return errors.New("compose: no recipient")
	}
	if len(rcpts) > maxRecipients {
		return fmt.Errorf("compose: too many recipients (at most %d)", maxRecipients)
	}
	for _, r := range rcpts {
		if err := checkArg("recipient", r); err != nil {
			return err
		}
	}
	wrapper := s.Wrapper
	if !filepath.IsAbs(wrapper) {
		return fmt.Errorf("compose: wrapper path %q is not absolute", wrapper)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, wrapper, append([]string{envelopeFrom}, rcpts...)...)
	cmd.Env = s.Env
	cmd.Stdin = msg
	out := &capWriter{max: MaxStderr}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	err := childstart.Run(cmd)
	if err == nil {
		return nil
	}
	se := &SendError{Status: -1, Stderr: strings.ToValidUTF8(out.buf.String(), "\uFFFD"), Err: err}
	var ee *exec.ExitError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		se.Err = fmt.Errorf("%w: %s", ErrNoWrapper, wrapper)
	case errors.Is(err, fs.ErrPermission):
		se.Err = fmt.Errorf("the mail wrapper %s cannot be run: %w", wrapper, err)
	case ctx.Err() != nil:
		se.Err = fmt.Errorf("the mail wrapper took longer than %v", timeout)
	case errors.As(err, &ee):
		se.Status = ee.ExitCode()
	}
	return se
}

// checkArg checks one argument for the wrapper.
func checkArg(what, s string) error {
	if s == "" || s[0] == '-' {
		return fmt.Errorf("compose: bad %s %q", what, s)
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r >= 0x80 {
			return fmt.Errorf("compose: bad %s %q", what, s)
		}
	}
	return nil
}

// capWriter keeps the first max bytes written and discards the rest.
type capWriter struct {
	buf bytes.Buffer
	max int
}

func (c *capWriter) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room > 0 {
		if len(p) > room {
			c.buf.Write(p[:room])
		} else {
			c.buf.Write(p)
		}
	}
	return len(p), nil
}
