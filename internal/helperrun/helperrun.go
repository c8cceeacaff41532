// Package helperrun runs postern-helper (package main in helper/) for a
// request, after the privilege drop, as the user: the fixed argv
// [path, kind], one JSON request on stdin, one JSON answer read from
// stdout, within a time limit and an output limit, with an empty
// environment. It is the request side's only way into the code the
// request binary leaves out (the WebAuthn ceremonies, the LDAP client);
// the helper's package doc is the protocol.
//
// Run's errors wrap ErrHelper: the helper could not be started (missing,
// not executable, refused by the sandbox), did not finish in time, wrote
// more than allowed, or exited with a status other than 0. The error text
// names which, with the first line the helper wrote to stderr, for the
// log. An answer that says no (a refused assertion, a directory that did
// not answer) is not an error here: it is the caller's to read.
package helperrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// ErrHelper is every failure to get an answer from the helper.
var ErrHelper = errors.New("helperrun: the helper failed")

// MaxStderrBytes is what is kept of the helper's stderr, for the log.
const MaxStderrBytes = 4096

// Run runs path with the argv [path, kind] and in on its stdin, and
// returns what it wrote to stdout: at most maxOut bytes, within timeout
// (and ctx's deadline).
func Run(ctx context.Context, path, kind string, in []byte, timeout time.Duration, maxOut int) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, kind)
	cmd.Env = []string{}
	cmd.Stdin = bytes.NewReader(in)
	out := &limited{max: maxOut}
	errOut := &limited{max: MaxStderrBytes}
	cmd.Stdout, cmd.Stderr = out, errOut
	// The pipes' copying ends soon after the helper is killed, even if
	// it left a child holding them.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("%w: %s %s: no answer within %v", ErrHelper, path, kind, timeout)
	case out.over:
		return nil, fmt.Errorf("%w: %s %s: an answer longer than %d bytes", ErrHelper, path, kind, maxOut)
	case err != nil:
		msg, _, _ := strings.Cut(strings.TrimSpace(errOut.buf.String()), "\n")
		if msg != "" {
			return nil, fmt.Errorf("%w: %s %s: %v: %s", ErrHelper, path, kind, err, msg)
		}
		return nil, fmt.Errorf("%w: %s %s: %v", ErrHelper, path, kind, err)
	}
	return out.buf.Bytes(), nil
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
