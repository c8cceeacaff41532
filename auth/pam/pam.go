// Package pam runs the system's PAM stack for postern-login (login/), the
// login helper that holds libpam, so postern accepts whatever the system's
// logins accept (pam_unix with /etc/shadow, LDAP, Kerberos...), and refuses
// what pam_acct_mgmt refuses (expired or locked accounts, expired
// passwords). The request binary does not link it: its PAM backend is
// auth/checkpass.PAM, which checks the user name and the passwords, runs
// postern-login and makes the account (auth.SystemAccount, the Maildir
// template); this package does the transactions.
//
// The PAM service name comes from the config (DefaultService, "postern",
// unless set); dist/pam.d/postern is the Debian service file to install as
// /etc/pam.d/postern. One transaction per call: pam_start with the user,
// PAM_RHOST when the caller gives the client's address, pam_authenticate and
// pam_acct_mgmt (both with PAM_SILENT and PAM_DISALLOW_NULL_AUTHTOK), then
// pam_end (Check); pam_acct_mgmt alone (CheckAccount), so that an account
// that expires after its login loses its sessions at their next account
// check; the password change (Change). No session is opened and no
// credentials are set: postern drops to the user's uid itself. A password
// locked after the login (usermod -L) does not end the sessions with
// pam_unix, whose account module does not look at the lock (as with ssh
// keys); the shadow backend does.
//
// The conversation answers one PAM_PROMPT_ECHO_OFF prompt with the password
// and PAM_PROMPT_ECHO_ON prompts with the user name; informational and error
// messages are ignored. A second password prompt (a one-time code, a new
// password) fails the conversation: a web form cannot answer it. A stack
// that changes PAM_USER is refused.
//
// The errors carry PAM's own message (its pam.Error is in the chain); their
// text is for the log only.
package pam

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/msteinert/pam/v2"
)

// DefaultService is the PAM service name used when none is configured.
const DefaultService = "postern"

// Backend runs the PAM transactions of one service.
type Backend struct {
	service string
}

// New returns a backend using the PAM service ("" means DefaultService).
func New(service string) *Backend {
	if service == "" {
		service = DefaultService
	}
	return &Backend{service: service}
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
