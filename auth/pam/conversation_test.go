package pam

import (
	"testing"

	"github.com/msteinert/pam/v2"
)

func TestConversation(t *testing.T) {
	c := &conversation{user: "alice", password: "pw", allowPassword: true}
	steps := []struct {
		style   pam.Style
		msg     string
		want    string
		wantErr bool
	}{
		{pam.PromptEchoOn, "login: ", "alice", false},
		{pam.TextInfo, "hello", "", false},
		{pam.PromptEchoOff, "Password: ", "pw", false},
		{pam.ErrorMsg, "oops", "", false},
		{pam.PromptEchoOff, "One-time code: ", "", true}, // a second secret is never given
		{pam.Style(99), "?", "", true},                   // unknown style
	}
	for _, s := range steps {
		got, err := c.RespondPAM(s.style, s.msg)
		if got != s.want || (err != nil) != s.wantErr {
			t.Errorf("RespondPAM(%d, %q) = %q, %v, want %q, error %v", s.style, s.msg, got, err, s.want, s.wantErr)
		}
	}
	if d := c.detail(); d == "" {
		t.Errorf("detail() = %q, want the PAM messages", d)
	}
	// Lookup's conversation never gives a password.
	c = &conversation{user: "alice", password: "pw"}
	if got, err := c.RespondPAM(pam.PromptEchoOff, "Password: "); got != "" || err == nil {
		t.Errorf("Lookup RespondPAM(PromptEchoOff) = %q, %v, want an error", got, err)
	}
}
