package checkpass

import (
	"fmt"

	"postern/auth"
)

// DefaultService is the PAM service name used when none is configured (as
// auth/pam.DefaultService).
const DefaultService = "postern"

// PAM is the auth backend of the request binary for auth = pam: each PAM
// transaction (auth/pam: Check, CheckAccount, Change) is run by
// postern-login, and the account (uid, gid, groups, home) comes from
// auth.SystemAccount, in the request binary. A user name that is not one
// (auth.ValidUser), an empty password, one with a NUL or longer than
// pwhash.MaxPasswordBytes, or a client address that is not printable
// ASCII, is refused before the program runs (Encode). Errors wrap
// auth.ErrFailed (Authenticate, ChangePassword) or auth.ErrNoUser
// (Lookup); their text, with PAM's own message, is for the log only.
type PAM struct {
	client  *Client
	service string
	maildir string
	// Fallback resolves a user /etc/passwd does not name
	// (auth.SystemAccount), typically the client's Lookup; nil asks
	// nobody else.
	Fallback auth.UserLookup
}

var _ auth.Authenticator = (*PAM)(nil)

// NewPAM returns the backend running c for the PAM service ("" means
// DefaultService), whose accounts' Maildirs are named by maildirName (see
// auth.ExpandMaildir).
func NewPAM(c *Client, service, maildirName string) *PAM {
	if service == "" {
		service = DefaultService
	}
	return &PAM{client: c, service: service, maildir: maildirName}
}

// Authenticate checks user's password with PAM and returns the account.
func (b *PAM) Authenticate(user, password string) (*auth.Account, error) {
	return b.AuthenticateFrom(user, password, "")
}

// AuthenticateFrom is Authenticate with the client's address, given to PAM
// as PAM_RHOST ("" sets nothing).
func (b *PAM) AuthenticateFrom(user, password, rhost string) (*auth.Account, error) {
	if err := b.run(OpAuth, user, password, rhost); err != nil {
		return nil, auth.Failf("%v", err)
	}
	a, err := auth.SystemAccount(user, auth.MethodPAM, b.maildir, b.Fallback)
	if err != nil {
		return nil, auth.Failf("%v", err)
	}
	return a, nil
}

// Lookup returns user's account if pam_acct_mgmt still accepts it.
func (b *PAM) Lookup(user string) (*auth.Account, error) {
	if err := b.run(OpAccount, user); err != nil {
		return nil, auth.NoUserf("%v", err)
	}
	return auth.SystemAccount(user, auth.MethodPAM, b.maildir, b.Fallback)
}

// ChangePassword changes user's password from old to newPass with
// pam_chauthtok (see auth/pam.Backend.Change). Errors wrap auth.ErrFailed.
func (b *PAM) ChangePassword(user, old, newPass, rhost string) error {
	if err := b.run(OpChauthtok, user, old, newPass, rhost); err != nil {
		return auth.Failf("%v", err)
	}
	return nil
}

// run runs one operation; a refusal's error text is the program's line of
// detail, which is PAM's error as auth/pam words it.
func (b *PAM) run(op string, fields ...string) error {
	st, out, err := b.client.Run(b.service, op, fields...)
	switch {
	case err != nil:
		return err
	case st == StatusOK:
		return nil
	case st == StatusRefused, st == StatusUnusable, st == StatusMustChange:
		return refusal{detailText(out)}
	}
	return fmt.Errorf("checkpass: %s: status %d: %s", op, st, detailText(out))
}

// refusal is PAM's refusal as postern-login worded it.
type refusal struct{ text string }

func (r refusal) Error() string { return r.text }
