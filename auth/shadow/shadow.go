// Package shadow is the auth backend that reads /etc/shadow itself, for
// systems where PAM is not wanted. It must run as root (the file is mode 640
// root:shadow at most).
//
// Authenticate takes the user's entry (FindEntry: the parser works on an
// io.Reader, the file is opened in one thin wrapper), refuses it when
// Entry.Usable says so (empty or locked password, expired account, expired
// password; see there for exactly what is enforced), and only then checks
// the password with auth/pwhash.Verify. The account itself (uid, gid,
// groups, home) comes from the passwd and group databases through
// auth.SystemAccount; the Maildir from the configured template (see
// auth.ExpandMaildir).
//
// Every failure is an error wrapping auth.ErrFailed whose text says why, for
// the log only.
package shadow

import (
	"errors"
	"fmt"
	"os"
	"time"

	"postern/auth"
	"postern/auth/pwhash"
)

// DefaultPath is the usual shadow file.
const DefaultPath = "/etc/shadow"

// Backend authenticates system users against a shadow file.
type Backend struct {
	path    string
	maildir string
	now     func() time.Time
	// Fallback resolves a user /etc/passwd does not name
	// (auth.SystemAccount); nil asks nobody else.
	Fallback auth.UserLookup
}

var _ auth.Authenticator = (*Backend)(nil)

// New returns a backend reading shadowPath ("" means DefaultPath) whose
// accounts' Maildirs are named by maildirName (see auth.ExpandMaildir; ""
// means "Maildir" in the home directory).
func New(shadowPath, maildirName string) *Backend {
	if shadowPath == "" {
		shadowPath = DefaultPath
	}
	return &Backend{path: shadowPath, maildir: maildirName, now: time.Now}
}

// Authenticate checks password against user's shadow entry and returns the
// account.
func (b *Backend) Authenticate(user, password string) (*auth.Account, error) {
	if err := auth.ValidUser(user); err != nil {
		return nil, auth.Failf("%v", err)
	}
	e, err := b.entry(user)
	if err != nil {
		pwhash.Waste(password)
		return nil, auth.Failf("%v", err)
	}
	if err := e.Usable(b.now()); err != nil {
		pwhash.Waste(password)
		return nil, auth.Failf("user %q: %v", user, err)
	}
	if err := pwhash.Verify(e.Hash, password); err != nil {
		if errors.Is(err, pwhash.ErrEmpty) || errors.Is(err, pwhash.ErrLocked) {
			pwhash.Waste(password)
		}
		return nil, auth.Failf("user %q: %v", user, err)
	}
	a, err := auth.SystemAccount(user, auth.MethodShadow, b.maildir, b.Fallback)
	if err != nil {
		return nil, auth.Failf("%v", err)
	}
	return a, nil
}

// Lookup returns the account of user without checking a password. It still
// reads the shadow entry and applies Entry.Usable, so an account locked or
// expired after the login loses its sessions at their next request.
func (b *Backend) Lookup(user string) (*auth.Account, error) {
	if err := auth.ValidUser(user); err != nil {
		return nil, auth.NoUserf("%v", err)
	}
	e, err := b.entry(user)
	if err != nil {
		return nil, auth.NoUserf("%v", err)
	}
	if err := e.Usable(b.now()); err != nil {
		return nil, auth.NoUserf("user %q: %v", user, err)
	}
	return auth.SystemAccount(user, auth.MethodShadow, b.maildir, b.Fallback)
}

func (b *Backend) entry(user string) (*Entry, error) {
	f, err := os.Open(b.path)
	if err != nil {
		return nil, fmt.Errorf("shadow: %v", err)
	}
	defer f.Close()
	return FindEntry(f, user)
}
