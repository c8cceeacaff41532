package checkpass

import (
	"errors"
	"io"
)

// Ops are what postern-login does for each operation: the program
// implements them with libpam (auth/pam) and libc's name service (os/user
// with cgo). An error may be a *StatusError naming its exit status; any
// other error of a PAM operation is StatusRefused, of a lookup
// StatusInternal.
type Ops interface {
	Authenticate(service, user, password, rhost string) error
	Account(service, user string) error
	ChangePassword(service, user, old, new, rhost string) error
	Lookup(user string) (*Entry, error)
}

// StatusError is an error of Ops with the exit status it stands for.
type StatusError struct {
	Status int
	Err    error
}

func (e *StatusError) Error() string { return e.Err.Error() }
func (e *StatusError) Unwrap() error { return e.Err }

// Serve is postern-login's main: it checks args (without the program name),
// reads and checks the standard input, runs the operation, writes the answer
// to stdout and returns the exit status. On a failure stdout gets one line
// of detail (Detail).
func Serve(args []string, stdin io.Reader, stdout io.Writer, ops Ops) int {
	service, op, err := ParseArgs(args)
	if err != nil {
		stdout.Write(Detail(err))
		return StatusUsage
	}
	in, err := io.ReadAll(io.LimitReader(stdin, MaxInputBytes+1))
	if err != nil {
		stdout.Write(Detail(err))
		return StatusBadInput
	}
	f, err := Decode(op, in)
	if err != nil {
		stdout.Write(Detail(err))
		return StatusBadInput
	}
	fail := StatusRefused
	switch op {
	case OpAuth:
		err = ops.Authenticate(service, f[0], f[1], f[2])
	case OpAccount:
		err = ops.Account(service, f[0])
	case OpChauthtok:
		err = ops.ChangePassword(service, f[0], f[1], f[2], f[3])
	case OpLookup:
		fail = StatusInternal
		var e *Entry
		if e, err = ops.Lookup(f[0]); err == nil {
			stdout.Write(EncodeEntry(e))
			return StatusOK
		}
	}
	if err == nil {
		return StatusOK
	}
	var se *StatusError
	if errors.As(err, &se) {
		fail = se.Status
	}
	stdout.Write(Detail(err))
	return fail
}
