// Package pam is the auth backend that asks the system's PAM stack, so
// postern accepts whatever the system's logins accept (pam_unix with
// /etc/shadow, LDAP, Kerberos...), and refuses what pam_acct_mgmt refuses
// (expired or locked accounts, expired passwords).
//
// The PAM service name comes from the config (DefaultService, "postern",
// unless set); dist/pam.d/postern is the Debian service file to install as
// /etc/pam.d/postern. One transaction per call: pam_start with the user,
// PAM_RHOST when the caller gives the client's address, pam_authenticate and
// pam_acct_mgmt (both with PAM_SILENT and PAM_DISALLOW_NULL_AUTHTOK), then
// pam_end. No session is opened and no credentials are set: postern drops to
// the user's uid itself.
//
// The conversation answers one PAM_PROMPT_ECHO_OFF prompt with the password
// and PAM_PROMPT_ECHO_ON prompts with the user name; informational and error
// messages are ignored. A second password prompt (a one-time code, a new
// password) fails the conversation: a web form cannot answer it. A stack
// that changes PAM_USER is refused.
//
// The account (uid, gid, groups, home) comes from the passwd and group
// databases through auth.SystemAccount, the Maildir from the configured
// template (auth.ExpandMaildir). Lookup runs pam_acct_mgmt without
// pam_authenticate, so an account that expires after its login loses its
// sessions at their next request. A password locked after the login
// (usermod -L) does not end them with pam_unix, whose account module does
// not look at the lock (as with ssh keys); the shadow backend does.
//
// Errors wrap auth.ErrFailed (Authenticate) or auth.ErrNoUser (Lookup); their
// text, with PAM's own message, is for the log only.
package pam

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/msteinert/pam/v2"

	"postern/auth"
	"postern/auth/pwhash"
)

// DefaultService is the PAM service name used when none is configured.
const DefaultService = "postern"

// Backend authenticates system users through PAM.
type Backend struct {
	service string
	maildir string
}

var _ auth.Authenticator = (*Backend)(nil)

// New returns a backend using the PAM service ("" means DefaultService)
// whose accounts' Maildirs are named by maildirName: a path relative to the
// home directory ("Maildir", the default when ""), or an absolute template
// where %u is the user name, %h the home directory and %% a percent sign
// (see auth.ExpandMaildir).
func New(service, maildirName string) *Backend {
	if service == "" {
		service = DefaultService
	}
	return &Backend{service: service, maildir: maildirName}
}

// Authenticate checks user's password with PAM and returns the account.
func (b *Backend) Authenticate(user, password string) (*auth.Account, error) {
	return b.AuthenticateFrom(user, password, "")
}

// AuthenticateFrom is Authenticate with the client's address, given to PAM
// as PAM_RHOST ("" sets nothing) for its logs and rules.
func (b *Backend) AuthenticateFrom(user, password, rhost string) (*auth.Account, error) {
	if err := auth.ValidUser(user); err != nil {
		return nil, auth.Failf("pam: %v", err)
	}
	// PAM cannot take longer passwords or a NUL; refuse them before it runs.
	if len(password) > pwhash.MaxPasswordBytes {
		return nil, auth.Failf("pam: user %q: password longer than %d bytes", user, pwhash.MaxPasswordBytes)
	}
	for i := 0; i < len(password); i++ {
		if password[i] == 0 {
			return nil, auth.Failf("pam: user %q: NUL byte in password", user)
		}
	}
	if err := b.transaction(user, password, rhost, true); err != nil {
		return nil, auth.Failf("%v", err)
	}
	a, err := auth.SystemAccount(user, auth.MethodPAM, b.maildir)
	if err != nil {
		return nil, auth.Failf("%v", err)
	}
	return a, nil
}

// Lookup returns user's account if pam_acct_mgmt still accepts it.
func (b *Backend) Lookup(user string) (*auth.Account, error) {
	if err := auth.ValidUser(user); err != nil {
		return nil, auth.NoUserf("pam: %v", err)
	}
	if err := b.transaction(user, "", "", false); err != nil {
		return nil, auth.NoUserf("%v", err)
	}
	return auth.SystemAccount(user, auth.MethodPAM, b.maildir)
}

// Check runs pam_authenticate and pam_acct_mgmt for user with password,
// with rhost as PAM_RHOST ("" sets nothing), and returns PAM's refusal
// unwrapped (its pam.Error is in the chain): postern-login's auth. The
// caller has checked user and password.
func (b *Backend) Check(user, password, rhost string) error {
	return b.transaction(user, password, rhost, true)
}

// CheckAccount runs pam_acct_mgmt alone for user: postern-login's account.
func (b *Backend) CheckAccount(user string) error {
	return b.transaction(user, "", "", false)
}

// transaction runs one PAM transaction for user: pam_authenticate when
// authenticate is set, then pam_acct_mgmt.
func (b *Backend) transaction(user, password, rhost string, authenticate bool) error {
	c := &conversation{user: user, password: password, allowPassword: authenticate}
	return b.withTx(user, rhost, c, func(tx *pam.Transaction) error {
		const flags = pam.Silent | pam.DisallowNullAuthtok
		if authenticate {
			if err := tx.Authenticate(flags); err != nil {
				return fmt.Errorf("pam: user %q: authenticate: %w%s", user, err, c.detail())
			}
		}
		if err := tx.AcctMgmt(flags); err != nil {
			return fmt.Errorf("pam: user %q: account: %w%s", user, err, c.detail())
		}
		return checkUser(tx, user)
	})
}

// withTx starts a PAM transaction of the service for user with conv, sets
// PAM_RHOST when rhost is given, runs fn and ends the transaction. PAM
// modules may keep per-thread state, so the whole transaction stays on
// one OS thread.
func (b *Backend) withTx(user, rhost string, conv pam.ConversationHandler, fn func(*pam.Transaction) error) (err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	tx, err := pam.Start(b.service, user, conv)
	if err != nil {
		return fmt.Errorf("pam: start %q: %w", b.service, startError{err})
	}
	defer func() {
		if endErr := tx.End(); endErr != nil && err == nil {
			err = fmt.Errorf("pam: end: %v", endErr)
		}
	}()
	if rhost != "" {
		if err := tx.SetItem(pam.Rhost, rhost); err != nil {
			return fmt.Errorf("pam: set rhost: %v", err)
		}
	}
	return fn(tx)
}

// checkUser refuses a transaction whose modules changed PAM_USER.
func checkUser(tx *pam.Transaction, user string) error {
	if got, err := tx.GetItem(pam.User); err != nil || got != user {
		return fmt.Errorf("pam: user %q: PAM_USER is now %q (%v)", user, got, err)
	}
	return nil
}

// conversation answers PAM's prompts.
type conversation struct {
	user, password string
	allowPassword  bool // whether a password prompt may be answered
	answered       bool // the password was given once
	msgs           []string
}

var errPrompt = errors.New("pam: unexpected prompt")

// ErrStart is wrapped by the error of a transaction that PAM could not
// start (no such service, a broken stack).
var ErrStart = errors.New("pam: cannot start")

// startError is PAM's error from pam_start; it is ErrStart.
type startError struct{ error }

func (startError) Is(target error) bool { return target == ErrStart }
func (e startError) Unwrap() error      { return e.error }

// maxMsgs bounds the PAM messages kept for the log.
const maxMsgs = 4

func (c *conversation) RespondPAM(s pam.Style, msg string) (string, error) {
	switch s {
	case pam.PromptEchoOff:
		if !c.allowPassword || c.answered {
			c.note("unanswered prompt: " + msg)
			return "", errPrompt
		}
		c.answered = true
		return c.password, nil
	case pam.PromptEchoOn:
		return c.user, nil
	case pam.ErrorMsg, pam.TextInfo:
		c.note(msg)
		return "", nil
	}
	c.note(fmt.Sprintf("unknown message style %d", s))
	return "", errPrompt
}

func (c *conversation) note(msg string) {
	if len(c.msgs) < maxMsgs {
		if len(msg) > 200 {
			msg = msg[:200]
		}
		c.msgs = append(c.msgs, msg)
	}
}

// detail returns PAM's messages for the log, if any.
func (c *conversation) detail() string {
	if len(c.msgs) == 0 {
		return ""
	}
	return fmt.Sprintf(" (%q)", c.msgs)
}
