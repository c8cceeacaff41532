// Package auth defines what postern's authentication backends share: the
// Authenticator interface, the Account it returns, the mailbox id that names
// an account in the session cookie, and the errors callers branch on.
//
// Backends live in sub-packages, one per package: auth/pam (the system's PAM
// stack), auth/shadow (/etc/shadow read directly) and auth/webpass (virtual
// users, one Maildir each with its own password file). auth/pwhash verifies
// and makes crypt(3) hashes for the backends that read hashes themselves.
//
// Backends run as root, before the privilege drop, so they do as little as
// possible: the user name is checked with ValidUser before anything else,
// empty and locked passwords are refused before crypt runs, and every failure
// the caller can see is ErrFailed (or ErrNoUser from Lookup). The wrapped text
// says why (no such user, bad password, locked, expired...) and is meant for
// the log only, never for the page: a failed login must look the same
// whatever went wrong.
//
// Backends do not refuse root or low uids; the caller does, with its
// configured minimum. They do refuse accounts whose home (system backends) or
// Maildir (webpass) does not exist.
//
// This package and its backends must not import session, maildir, message,
// templates or cgi: they are part of the root room.
package auth

import (
	"errors"
	"fmt"
	"strings"
)

// Backend method names, the part of a mailbox id after the last dot.
const (
	MethodPAM     = "pam"
	MethodShadow  = "shadow"
	MethodWebpass = "webpass"
)

// Limits on names.
const (
	MaxUserBytes   = 64 // longest accepted user name
	MaxMethodBytes = 16 // longest accepted method name
)

var (
	// ErrFailed is wrapped by every error of Authenticate.
	ErrFailed = errors.New("auth: authentication failed")
	// ErrNoUser is wrapped by the error of Lookup when the account does
	// not exist or cannot be used.
	ErrNoUser = errors.New("auth: no such user")
)

// Account is an authenticated user, as the caller needs it to drop
// privileges and open the mail.
type Account struct {
	User    string // login name
	Method  string // "pam", "shadow", "webpass"
	UID     int
	GID     int
	Groups  []int  // supplementary group ids (all groups of the user, incl. primary)
	Home    string // home directory (the Maildir for webpass)
	Maildir string // absolute path of the Maildir
	Address string // the user's e-mail address if the backend knows it ("" otherwise)
}

// MailboxID returns the id naming the account in the session cookie:
// User + "." + Method.
func (a *Account) MailboxID() string {
	return a.User + "." + a.Method
}

// Authenticator is a password backend.
type Authenticator interface {
	// Authenticate checks the password and returns the account; any
	// failure returns an error wrapping ErrFailed (the text of the wrapped
	// error is for the log only).
	Authenticate(user, password string) (*Account, error)
	// Lookup returns the account of an already authenticated user (no
	// password), or an error wrapping ErrNoUser.
	Lookup(user string) (*Account, error)
}

// Failf returns an error wrapping ErrFailed whose text, for the log, is the
// formatted detail. Backends use it so every failure reads the same way.
func Failf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFailed, fmt.Sprintf(format, args...))
}

// NoUserf returns an error wrapping ErrNoUser with the formatted detail.
func NoUserf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNoUser, fmt.Sprintf(format, args...))
}

// ValidUser reports whether name may be a user name: 1 to MaxUserBytes bytes
// of [A-Za-z0-9._@+-], not starting with a dot (so never "." or "..", and
// never a path: no slash, no NUL).
func ValidUser(name string) error {
	if name == "" {
		return errors.New("auth: empty user name")
	}
	if len(name) > MaxUserBytes {
		return fmt.Errorf("auth: user name longer than %d bytes", MaxUserBytes)
	}
	if name[0] == '.' {
		return fmt.Errorf("auth: user name %q starts with a dot", name)
	}
	for i := 0; i < len(name); i++ {
		if !userByte(name[i]) {
			return fmt.Errorf("auth: invalid byte %q in user name %q", name[i], name)
		}
	}
	return nil
}

func userByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("._@+-", c) >= 0
}

// ParseMailboxID splits a mailbox id at its last dot into the user name and
// the method. The user must pass ValidUser; the method must be 1 to
// MaxMethodBytes bytes of [a-z0-9] (any such method is accepted here: the
// caller compares it with its configured backend).
func ParseMailboxID(id string) (user, method string, err error) {
	i := strings.LastIndexByte(id, '.')
	if i < 0 {
		return "", "", fmt.Errorf("auth: mailbox id %q has no method", id)
	}
	user, method = id[:i], id[i+1:]
	if err := ValidUser(user); err != nil {
		return "", "", err
	}
	if err := validMethod(method); err != nil {
		return "", "", err
	}
	return user, method, nil
}

func validMethod(m string) error {
	if m == "" || len(m) > MaxMethodBytes {
		return fmt.Errorf("auth: method %q: want 1 to %d bytes", m, MaxMethodBytes)
	}
	for i := 0; i < len(m); i++ {
		c := m[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return fmt.Errorf("auth: invalid byte %q in method %q", c, m)
		}
	}
	return nil
}
