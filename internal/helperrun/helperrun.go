// Package helperrun runs postern's own helper programs: postern-helper
// (package main in helper/) for a request, after the privilege drop, as
// the user, and postern-login (login/, through auth/checkpass) for the
// root room. Both are run the same way (Exec): a fixed argv, an empty
// environment, the input on stdin, within a time limit and an output
// limit, the pipes given up a second after the program is killed.
//
// Run is postern-helper's protocol: the argv [path, kind], one JSON
// request on stdin, one JSON answer read from stdout. Its errors wrap
// ErrHelper: the helper could not be started (missing, not executable,
// refused by the sandbox), did not finish in time, wrote more than
// allowed, or exited with a status other than 0. The error text names
// which, with the first line the helper wrote to stderr, for the log. An
// answer that says no (a refused assertion, a directory that did not
// answer) is not an error here: it is the caller's to read.
package helperrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"postern/internal/childstart"
)

// ErrHelper is every failure to get an answer from postern-helper.
var ErrHelper = errors.New("helperrun: the helper failed")

// Exec's own errors; any other is exec's (an *exec.ExitError for a
// program that ran and exited other than 0, whose status the caller may
// read).
var (
	ErrTimeout = errors.New("helperrun: no answer in time")
	ErrTooLong = errors.New("helperrun: answer too long")
)

// MaxStderrBytes is what Run keeps of the helper's stderr, for the log.
const MaxStderrBytes = 4096

// Program is one run of a helper program.
type Program struct {
	Path    string
	Args    []string      // after the program's name
	Dir     string        // working directory ("": the caller's)
	Stdin   []byte        // the input
	Stderr  io.Writer     // the program's standard error (nil: discarded)
	Timeout time.Duration // the time limit (ctx's deadline too)
	MaxOut  int           // the most of stdout accepted
}

// Exec runs p in an empty environment and returns what it wrote to
// stdout. Beyond p.MaxOut bytes the output is cut and the error is
// ErrTooLong; past the time limit the program is killed and the error is
// ErrTimeout.
func Exec(ctx context.Context, p Program) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.Path, p.Args...)
	cmd.Env = []string{}
	cmd.Dir = p.Dir
	cmd.Stdin = bytes.NewReader(p.Stdin)
	out := &limited{max: p.MaxOut}
	cmd.Stdout, cmd.Stderr = out, p.Stderr
	// The pipes' copying ends soon after the program is killed, even if
	// it left a child (a PAM module's, say) holding them.
	cmd.WaitDelay = time.Second
	err := childstart.Run(cmd)
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("%w: %s: %v", ErrTimeout, p.Path, p.Timeout)
	case out.over:
		return nil, fmt.Errorf("%w: %s: more than %d bytes", ErrTooLong, p.Path, p.MaxOut)
	case err != nil:
		return out.buf.Bytes(), err
	}
	return out.buf.Bytes(), nil
}

// Run runs path with the argv [path, kind] and in on its stdin, and
// returns what it wrote to stdout: at most maxOut bytes, within timeout
// (and ctx's deadline).
func Run(ctx context.Context, path, kind string, in []byte, timeout time.Duration, maxOut int) ([]byte, error) {
	errOut := &limited{max: MaxStderrBytes}
	out, err := Exec(ctx, Program{Path: path, Args: []string{kind}, Stdin: in, Stderr: errOut, Timeout: timeout, MaxOut: maxOut})
	switch {
	case errors.Is(err, ErrTimeout):
		return nil, fmt.Errorf("%w: %s %s: no answer within %v", ErrHelper, path, kind, timeout)
	case errors.Is(err, ErrTooLong):
		return nil, fmt.Errorf("%w: %s %s: an answer longer than %d bytes", ErrHelper, path, kind, maxOut)
	case err != nil:
		msg, _, _ := strings.Cut(strings.TrimSpace(errOut.buf.String()), "\n")
		if msg != "" {
			return nil, fmt.Errorf("%w: %s %s: %v: %s", ErrHelper, path, kind, err, msg)
		}
		return nil, fmt.Errorf("%w: %s %s: %v", ErrHelper, path, kind, err)
	}
	return out, nil
}

// limited keeps the first max bytes written to it and notes the rest.
type limited struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (l *limited) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); len(p) > room {
		l.over = true
		if room > 0 {
			l.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return l.buf.Write(p)
}
