package pam

import (
	"errors"
	"os"
	"testing"

	"github.com/msteinert/pam/v2"

	"postern/auth/shadow"
	"postern/internal/testenv"
)

func TestChangeConversation(t *testing.T) {
	c := &changeConversation{user: "alice", old: "old-pw", new: "new-pw"}
	for _, s := range []struct {
		changing bool
		style    pam.Style
		msg      string
		want     string
	}{
		{false, pam.PromptEchoOff, "Password: ", "old-pw"}, // pam_authenticate
		{true, pam.PromptEchoOff, "Current password: ", "old-pw"},
		{true, pam.PromptEchoOff, "(current) UNIX password: ", "old-pw"}, // older pam_unix
		{true, pam.PromptEchoOff, "New password: ", "new-pw"},
		{true, pam.PromptEchoOff, "Retype new password: ", "new-pw"},
		{true, pam.PromptEchoOn, "login: ", "alice"},
		{true, pam.ErrorMsg, "BAD PASSWORD: too short", ""},
	} {
		c.changing = s.changing
		if got, err := c.RespondPAM(s.style, s.msg); got != s.want || err != nil {
			t.Errorf("RespondPAM(%q) = %q, %v, want %q", s.msg, got, err, s.want)
		}
	}
	for range maxChangePrompts {
		c.RespondPAM(pam.PromptEchoOff, "New password: ")
	}
	if _, err := c.RespondPAM(pam.PromptEchoOff, "New password: "); err == nil {
		t.Errorf("prompt #%d answered, want an error after %d", c.prompts, maxChangePrompts)
	}
}

// TestChangePassword changes a real user's password through the packaged
// PAM service (its password stack) and checks it in /etc/shadow.
func TestChangePassword(t *testing.T) {
	if os.Geteuid() != 0 {
		prerequisite(t, "test needs root")
	}
	const service = "postern-chauthtok-test"
	testenv.PAMService(t, service, "../../dist/pam.d/postern")
	const oldPW, newPW = "0ld Passw0rd here", "n3w Passphrase 42 x"
	name := newUser(t, oldPW)
	b := New(service)
	var pe pam.Error
	if err := b.Change(name, "wrong"+oldPW, newPW, "192.0.2.1"); !errors.As(err, &pe) {
		t.Fatalf("Change(wrong old) = %v, want PAM's refusal", err)
	}
	if err := b.Change(name, oldPW, newPW, "192.0.2.1"); err != nil {
		t.Fatalf("Change = %v, want nil", err)
	}
	sh := shadow.New("", "")
	if _, err := sh.Authenticate(name, newPW); err != nil {
		t.Errorf("shadow Authenticate(new password) = %v, want nil", err)
	}
	if _, err := sh.Authenticate(name, oldPW); err == nil {
		t.Error("shadow Authenticate(old password) succeeded after the change")
	}
}
