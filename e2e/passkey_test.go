package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPasskeyBrowser runs e2e/browser/passkey.mjs: Chromium's virtual
// authenticators register passkeys and use them as the second factor
// through the real CGI, with the site reached as http://localhost:PORT
// (the relying party id "localhost"; an IP address cannot be one). Then
// it checks what the program left: one "login failed" audit line per
// refused assertion (replay, a forged origin, a counter gone backwards),
// the reason of the forged one in the error log (the origin), and the
// credentials file mode 600.
func TestPasskeyBrowser(t *testing.T) {
	dir := filepath.Join(env.root, "e2e", "browser")
	needBrowser(t, dir)
	a := env.a
	logs := captureSyslog(t)
	port := strconv.Itoa(env.port)
	origin := "http://localhost:" + port
	withConfig(t, env.baseConf+"audit_socket = "+logs.path+"\nwebauthn = yes\nwebauthn_passwordless = yes\nwebauthn_rp_id = localhost\nwebauthn_origins = "+origin+"\n")
	resetGuard(t)
	t.Cleanup(func() { resetGuard(t) })
	keys := filepath.Join(a.maildir, "postern", "passkeys")
	os.Remove(keys)
	t.Cleanup(func() { os.Remove(keys) })

	base := strings.Replace(env.base, "http://127.0.0.1:"+port, origin, 1)
	cmd := exec.Command("node", "--test", "--test-reporter=spec", "passkey.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"BASE_URL="+base,
		"EVIL_URL="+strings.Replace(base, "localhost", "evil.localhost", 1),
		"USER_A="+a.name,
		"PASS_A="+a.pass,
		"CHROMIUM="+chromiumBin,
		"PASSWORDLESS=1",
	)
	out, err := runTimeout(cmd, 4*time.Minute)
	t.Logf("node --test passkey.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("node --test passkey.mjs: %v", err)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "TIMING") {
			t.Log(strings.TrimSpace(l))
		}
	}

	fi, err := os.Stat(keys)
	if err != nil {
		t.Fatalf("credentials file: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, want 0600", keys, fi.Mode().Perm())
	}
	if errLog, _ := os.ReadFile(env.errorLog); !strings.Contains(string(errLog), "Error validating origin") {
		t.Errorf("the error log does not say the forged assertion's origin was refused")
	}
	lines := logs.waitLines(1)
	want := map[string]int{
		`login failed ip=127.0.0.1 user="` + a.name + `" reason="wrong passkey"`:                  2, // the replay, the forged origin
		`login failed ip=127.0.0.1 user="` + a.name + `" reason="passkey counter went backwards"`: 1,
		`passkey added ip=127.0.0.1 user="` + a.name + `" reason="laptop"`:                        1,
		`passkey added ip=127.0.0.1 user="` + a.name + `" reason="blue key"`:                      1,
		`passkey removed ip=127.0.0.1 user="` + a.name + `"`:                                      1,
		`login ok ip=127.0.0.1 user="` + a.name + `" reason="passkey laptop"`:                     2 + 7, // and the timed ones
		`login ok ip=127.0.0.1 user="` + a.name + `" reason="passkey blue key"`:                   1,
		// Passwordless: one login, then its replay.
		`login ok ip=127.0.0.1 user="` + a.name + `" reason="passkey laptop (passwordless)"`:         1 + 7,
		`login failed ip=127.0.0.1 user="` + a.name + `" reason="passkey challenge expired or used"`: 1,
	}
	for w, n := range want {
		got := 0
		for _, l := range lines {
			if strings.Contains(l, w) {
				got++
			}
		}
		if got != n {
			t.Errorf("audit lines %q: %d, want %d; all lines:\n%s", w, got, n, strings.Join(lines, "\n"))
		}
	}
}
