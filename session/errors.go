package session

import "errors"

// Errors returned by Check (possibly wrapped; use errors.Is).
var (
	// ErrNoSession: the id is malformed or names no session.
	ErrNoSession = errors.New("session: no such session")
	// ErrBadToken: the secret is malformed or does not match.
	ErrBadToken = errors.New("session: wrong session secret")
	// ErrIPChanged: the session is bound to another IP address.
	ErrIPChanged = errors.New("session: request from another IP address")
	// ErrExpired: the session timed out and was removed. ErrIdle and
	// ErrMax say which timeout.
	ErrExpired = errors.New("session: expired")
	// ErrIdle: unused for longer than Store.Idle.
	ErrIdle = &wrapped{"session: idle timeout", ErrExpired}
	// ErrMax: older than Store.Max.
	ErrMax = &wrapped{"session: absolute timeout", ErrExpired}
	// ErrBadCookie: ParseCookie was given a malformed value.
	ErrBadCookie = &wrapped{"session: malformed cookie", ErrNoSession}

	// errCorrupt: a session file that is not a session; GC removes it.
	errCorrupt = &wrapped{"corrupt file", ErrNoSession}
)

// wrapped is an error whose text is its own followed by the one it wraps,
// as fmt.Errorf("%s: %w") would make it. The package's variables use it
// rather than fmt.Errorf, which would format them at every start of the
// program (a CGI request).
type wrapped struct {
	msg string
	err error
}

func (e *wrapped) Error() string { return e.msg + ": " + e.err.Error() }

func (e *wrapped) Unwrap() error { return e.err }
