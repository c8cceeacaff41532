package pam

import (
	"fmt"
	"strings"

	"github.com/msteinert/pam/v2"
)

// Change changes user's password from old to newPass in one PAM
// transaction: pam_authenticate with old, pam_acct_mgmt (an expired
// password, PAM_NEW_AUTHTOK_REQD, is what a change is for and passes),
// then pam_chauthtok. It must run as root (pam_unix writes /etc/shadow);
// since the real uid is the web server's, pam_unix asks for the current
// password again, and the rules of the service's password stack (e.g.
// pam_unix obscure, pam_pwquality) apply to the new one. The caller
// (postern-login's chauthtok, behind auth/checkpass.PAM, which checks the
// user and the passwords) gets PAM's refusal unwrapped.
//
// The conversation answers echo-off prompts with old during
// pam_authenticate; during pam_chauthtok, with old when the prompt names
// the current or old password and with newPass otherwise ("New password:",
// "Retype new password:"), at most maxChangePrompts times. PAM's messages
// are kept for the log.
func (b *Backend) Change(user, old, newPass, rhost string) error {
	c := &changeConversation{user: user, old: old, new: newPass}
	return b.withTx(user, rhost, c, func(tx *pam.Transaction) error {
		const flags = pam.Silent | pam.DisallowNullAuthtok
		if err := tx.Authenticate(flags); err != nil {
			return fmt.Errorf("pam: user %q: authenticate: %w%s", user, err, c.detail())
		}
		if err := tx.AcctMgmt(flags); err != nil && err != pam.ErrNewAuthtokReqd {
			return fmt.Errorf("pam: user %q: account: %w%s", user, err, c.detail())
		}
		if err := checkUser(tx, user); err != nil {
			return err
		}
		c.changing = true
		if err := tx.ChangeAuthTok(pam.Silent); err != nil {
			return fmt.Errorf("pam: user %q: chauthtok: %w%s", user, err, c.detail())
		}
		return nil
	})
}

// maxChangePrompts bounds the password prompts of one change.
const maxChangePrompts = 6

// changeConversation answers the prompts of ChangePassword.
type changeConversation struct {
	conversation
	user, old, new string
	changing       bool
	prompts        int
}

func (c *changeConversation) RespondPAM(s pam.Style, msg string) (string, error) {
	switch s {
	case pam.PromptEchoOff:
		c.prompts++
		if c.prompts > maxChangePrompts {
			c.note("too many prompts: " + msg)
			return "", errPrompt
		}
		m := strings.ToLower(msg)
		if !c.changing || strings.Contains(m, "current") || strings.Contains(m, "old") {
			return c.old, nil
		}
		return c.new, nil
	case pam.PromptEchoOn:
		return c.user, nil
	case pam.ErrorMsg, pam.TextInfo:
		c.note(msg)
		return "", nil
	}
	c.note(fmt.Sprintf("unknown message style %d", s))
	return "", errPrompt
}
