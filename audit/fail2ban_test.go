package audit

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"postern/internal/testenv"
)

// fail2banFilter is the filter under test: dist/fail2ban's, or the one
// named by POSTERN_FAIL2BAN_FILTER (make install-check names the installed
// copy).
func fail2banFilter(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("POSTERN_FAIL2BAN_FILTER"); p != "" {
		return p
	}
	return filepath.Join("..", "dist", "fail2ban", "filter.d", "postern.conf")
}

// TestFail2banFilter runs Debian's fail2ban-regex with postern's filter on
// lines that Format writes, as rsyslog puts them in auth.log (the
// traditional timestamp of Debian 12 and the RFC 3339 one of Debian 13),
// and checks which addresses it would ban: those of wrong passwords or
// codes, locked logins and forged session tokens, and no other, whatever
// the user names say.
func TestFail2banFilter(t *testing.T) {
	if _, err := exec.LookPath("fail2ban-regex"); err != nil {
		testenv.Lacking(t, "fail2ban-regex (Debian package fail2ban): %v", err)
	}
	common, err := os.ReadFile("/etc/fail2ban/filter.d/common.conf")
	if err != nil {
		testenv.Lacking(t, "fail2ban's common.conf: %v", err)
	}
	filter, err := os.ReadFile(fail2banFilter(t))
	if err != nil {
		t.Fatal(err)
	}
	lines := []struct {
		ev               Event
		ip, user, reason string
		ban              bool
	}{
		{LoginFailed, "192.0.2.1", "bob", "wrong password", true},
		{LoginLocked, "192.0.2.2", "bob", "", true},
		{SessionRefused, "192.0.2.3", "bob.pam", "bad token", true},
		{LoginFailed, "2001:db8::1", "carol", "wrong code", true},
		// A user name that names another address: the first one counts.
		{LoginFailed, "192.0.2.4", `x" ip=198.51.100.99 user="y`, "", true},
		// A refused passkey assertion is a failed login, whatever the reason.
		{LoginFailed, "192.0.2.5", "bob", "wrong passkey", true},
		{LoginFailed, "2001:db8::5", "bob", "passkey counter went backwards", true},
		{LoginFailed, "192.0.2.6", "bob", "passkey challenge expired or used", true},
		{LoginOK, "198.51.100.1", "bob", "", false},
		{LoginOK, "198.51.100.9", "bob", "passkey laptop", false},
		{PasskeyAdded, "198.51.100.10", "bob", "laptop", false},
		{PasskeyRemoved, "198.51.100.11", "bob", "AQID", false},
		{Logout, "198.51.100.2", "bob", "", false},
		{LoginPending, "198.51.100.3", "bob", "", false},
		// Sessions that merely ended are not attacks.
		{SessionRefused, "198.51.100.4", "bob.pam", "idle timeout", false},
		{SessionRefused, "198.51.100.5", "bob.pam", "IP changed", false},
		{SessionRefused, "198.51.100.6", "bob.pam", "no session", false},
		// A user name that forges the reason of a bad token.
		{SessionRefused, "198.51.100.7", `x" reason="bad token`, "absolute timeout", false},
		{LoginRefused, "198.51.100.8", "", "network not allowed", false},
		// No address from the web server: nothing to ban.
		{LoginFailed, "", "bob", "wrong password", false},
	}
	var log strings.Builder
	var want []string
	for i, l := range lines {
		stamp := "Dec  6 05:41:00"
		if i%2 == 1 {
			stamp = "2026-12-06T05:41:00.123456+00:00"
		}
		log.WriteString(stamp + " testhost postern[1234]: " + Format(l.ev, l.ip, l.user, l.reason) + "\n")
		if l.ban {
			want = append(want, l.ip)
		}
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "filter.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"filter.d/common.conf": common, "filter.d/postern.conf": filter, "auth.log": []byte(log.String())} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command("fail2ban-regex", "--config", dir, "-o", "ip", filepath.Join(dir, "auth.log"), "postern").CombinedOutput()
	if err != nil {
		t.Fatalf("fail2ban-regex: %v\n%s", err, out)
	}
	if got := strings.Fields(string(out)); !slices.Equal(got, want) {
		t.Errorf("fail2ban-regex with %s bans %q, want %q; log:\n%s", fail2banFilter(t), got, want, log.String())
	}
}
