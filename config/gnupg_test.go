package config

import (
	"strings"
	"testing"
)

func TestGnuPGHome(t *testing.T) {
	tests := []struct {
		value, want string // want "" for a refused value
	}{
		{".gnupg", "/home/alice/.gnupg"},
		{"/var/mail/%u/gnupg", "/var/mail/alice/gnupg"},
		{"Maildir/postern/gnupg", "/home/alice/Maildir/postern/gnupg"},
		{"../bob/.gnupg", ""}, // out of the home directory
		{"/srv/%h/gnupg", ""}, // only %u
		{"/srv/a b", ""},      // a space
		{"", ""},              // empty
	}
	for _, tt := range tests {
		c, err := Parse(strings.NewReader("gnupg_home = " + tt.value + "\n"))
		if tt.want == "" {
			if err == nil {
				t.Errorf("Parse(gnupg_home = %q) accepted it, want an error", tt.value)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(gnupg_home = %q) = %v", tt.value, err)
			continue
		}
		if got := c.GnuPGHomeFor("alice", "/home/alice"); got != tt.want {
			t.Errorf("GnuPGHomeFor(alice, /home/alice) with %q = %q, want %q", tt.value, got, tt.want)
		}
	}
}
