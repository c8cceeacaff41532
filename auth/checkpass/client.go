package checkpass

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"postern/internal/helperrun"
)

// DefaultTimeout is how long postern-login may take when Client.Timeout is
// not set: PAM's failure delay (pam_faildelay, 2 s on Debian) and a slow
// directory behind it fit well within it.
const DefaultTimeout = 20 * time.Second

// Client runs postern-login.
type Client struct {
	Path    string        // absolute path of postern-login
	Timeout time.Duration // 0 means DefaultTimeout
	Stderr  io.Writer     // the program's standard error (nil: /dev/null)
}

// errOutput is wrapped by the error of a run whose output breaks the
// contract.
var errOutput = errors.New("checkpass: postern-login broke the protocol")

// Run runs the program with the arguments of op and the encoded fields on
// its standard input, in an empty environment, and returns its exit status
// and standard output. The error is set (and the status StatusInternal)
// when the program could not be run, timed out, died of a signal, exited
// with a status outside the contract or wrote more than MaxOutputBytes.
func (c *Client) Run(service, op string, fields ...string) (int, []byte, error) {
	in, err := Encode(op, fields...)
	if err != nil {
		return StatusInternal, nil, err
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	out, err := helperrun.Exec(context.Background(), helperrun.Program{Path: c.Path, Args: Args(service, op),
		Dir: "/", Stdin: in, Stderr: c.Stderr, Timeout: timeout, MaxOut: MaxOutputBytes})
	switch {
	case errors.Is(err, helperrun.ErrTimeout):
		return StatusInternal, nil, fmt.Errorf("checkpass: %s %s: no answer within %v", c.Path, op, timeout)
	case errors.Is(err, helperrun.ErrTooLong):
		return StatusInternal, nil, fmt.Errorf("%w: %s %s: more than %d bytes of output", errOutput, c.Path, op, MaxOutputBytes)
	case err == nil:
		return StatusOK, out, nil
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !ee.Exited() {
		return StatusInternal, nil, fmt.Errorf("checkpass: %s %s: %v", c.Path, op, err)
	}
	switch st := ee.ExitCode(); st {
	case StatusRefused, StatusUnusable, StatusMustChange, StatusNoUser, StatusUsage, StatusBadInput, StatusInternal:
		return st, out, nil
	default:
		return StatusInternal, nil, fmt.Errorf("%w: %s %s: exit status %d", errOutput, c.Path, op, st)
	}
}

// Lookup resolves a user through postern-login's name service; it suits
// auth.UserLookup.
func (c *Client) Lookup(name string) (*Entry, error) {
	st, out, err := c.Run("", OpLookup, name)
	switch {
	case err != nil:
		return nil, err
	case st == StatusNoUser:
		return nil, fmt.Errorf("checkpass: no user %q in the name service", name)
	case st != StatusOK:
		return nil, fmt.Errorf("checkpass: lookup %q: status %d: %s", name, st, detailText(out))
	}
	return DecodeEntry(out)
}

// detailText returns the line of detail of a refusal's output, for the
// log: its first line, without control bytes (the program writes none).
func detailText(out []byte) string {
	s, _, _ := strings.Cut(string(out), "\n")
	d := Detail(errors.New(s))
	return string(d[:len(d)-1])
}
