package gate

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"postern/auth"
	"postern/config"
	"postern/sandbox"
)

// TestSendRules: a send may run the wrapper, its interpreter and loader
// and the configured MTA programs, and reach the configured paths with
// %u replaced; nothing it allows covers /etc/shadow or another user's
// files, and a user request may execute nothing.
func TestSendRules(t *testing.T) {
	dir := t.TempDir()
	wrapper := filepath.Join(dir, "wrapper")
	if err := os.WriteFile(wrapper, []byte("#!/bin/sh\nexec /usr/sbin/sendmail \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	shell, err := sandbox.Interpreters("/bin/sh")
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.SendmailWrapper = wrapper
	cfg.LandlockSendExec = "/usr/bin/msmtp"
	cfg.LandlockSendRead = "/etc/msmtprc, /home/%u/.msmtprc"
	cfg.LandlockSendWrite = "/var/log/msmtp/%u.log"
	acct := &auth.Account{User: "alice", Maildir: "/home/alice/Maildir"}

	user := userRules(cfg, "/etc/postern/postern.conf", acct)
	if len(user.Exec) != 0 {
		t.Errorf("userRules(...).Exec = %q, want nothing executable", user.Exec)
	}
	r := runRules(cfg, "/etc/postern/postern.conf", acct, RunsSendmail)
	for _, tt := range []struct {
		list []string
		name string
		want []string
	}{
		{r.Exec, "Exec", append([]string{wrapper, "/bin/sh", "/usr/bin/msmtp"}, shell...)},
		{r.RO, "RO", []string{"/etc/postern/postern.conf", "/etc/msmtprc", "/home/alice/.msmtprc", "/usr/lib", "/etc/passwd"}},
		{r.RW, "RW", []string{"/home/alice/Maildir", "/var/log/msmtp/alice.log", "/dev/null"}},
	} {
		for _, w := range tt.want {
			if !slices.Contains(tt.list, w) {
				t.Errorf("runRules(RunsSendmail).%s = %q, lacks %s", tt.name, tt.list, w)
			}
		}
	}
	for _, p := range slices.Concat(r.RO, r.RW, r.Exec) {
		for _, secret := range []string{"/etc/shadow", "/etc/gshadow", "/root/x", "/home/bob/Maildir/cur/x"} {
			if secret == p || strings.HasPrefix(secret, strings.TrimSuffix(p, "/")+"/") {
				t.Errorf("runRules(RunsSendmail) allows %s, which covers %s", p, secret)
			}
		}
	}
}
