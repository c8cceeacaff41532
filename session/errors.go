package session

import (
	"errors"
	"fmt"
)

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
	ErrIdle = fmt.Errorf("session: idle timeout: %w", ErrExpired)
	// ErrMax: older than Store.Max.
	ErrMax = fmt.Errorf("session: absolute timeout: %w", ErrExpired)
	// ErrBadCookie: ParseCookie was given a malformed value.
	ErrBadCookie = fmt.Errorf("session: malformed cookie: %w", ErrNoSession)

	// errCorrupt: a session file that is not a session; GC removes it.
	errCorrupt = fmt.Errorf("corrupt file: %w", ErrNoSession)
)
