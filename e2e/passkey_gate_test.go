package e2e

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestPasskeyRootRoom: the root room's part of a passwordless login,
// without a browser. Off, its paths are not there. On, GET
// /passkey-challenge keeps the challenge as root (guard_dir/passkey/,
// mode 600) and sends the options with the id in a two-minute cookie;
// POST /passkey-login with a handle that names nobody, or without a
// challenge, is a failed login (401, counted, audited) and the challenge
// is used up either way.
func TestPasskeyRootRoom(t *testing.T) {
	logs := captureSyslog(t)
	conf := env.baseConf + "audit_socket = " + logs.path + "\nwebauthn = yes\nwebauthn_rp_id = localhost\nwebauthn_origins = http://localhost\n"
	withConfig(t, conf)
	resetGuard(t)
	t.Cleanup(func() { resetGuard(t) })

	c := newClient(t, "")
	if r := c.get("/passkey-challenge"); r.status != http.StatusNotFound {
		t.Errorf("%s without webauthn_passwordless: status %d, want 404", r, r.status)
	}
	withConfig(t, conf+"webauthn_passwordless = yes\n")

	r := c.get("/passkey-challenge")
	wantStatus(t, r, http.StatusOK)
	var opts struct {
		Challenge        string `json:"challenge"`
		RPID             string `json:"rpId"`
		UserVerification string `json:"userVerification"`
	}
	if err := json.Unmarshal(r.body, &opts); err != nil {
		t.Fatalf("%s: %v: %s", r, err, r.body)
	}
	if ch, _ := base64.RawURLEncoding.DecodeString(opts.Challenge); len(ch) != 32 || opts.RPID != "localhost" || opts.UserVerification != "required" {
		t.Errorf("%s: options %+v", r, opts)
	}
	ck := r.header.Get("Set-Cookie")
	if !strings.HasPrefix(ck, "postern-pk=") || !strings.Contains(ck, "Max-Age=120") || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Strict") {
		t.Errorf("%s: Set-Cookie %q", r, ck)
	}
	dir := filepath.Join(env.tmp, "guard", "passkey")
	files, _ := filepath.Glob(filepath.Join(dir, "c-*"))
	if len(files) != 1 {
		t.Fatalf("%s: %d challenge files in %s, want 1", r, len(files), dir)
	}
	fi, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: owner %d, mode %v, want root's, 0600", files[0], st.Uid, fi.Mode().Perm())
	}

	// A handle that names nobody: a failed login, and the challenge is gone.
	ghost := "ptghost" + randomHex(3)
	form := url.Values{"handle": {base64.RawURLEncoding.EncodeToString([]byte(ghost))}, "credential": {"{}"}}
	r = c.post("/passkey-login", form)
	wantStatus(t, r, http.StatusUnauthorized)
	if !strings.Contains(string(r.body), `id="passkey-failed"`) {
		t.Errorf("%s: no #passkey-failed", r)
	}
	if n := guardCount(t, ghost); n != 1 {
		t.Errorf("guard count of %s: %d, want 1", ghost, n)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "c-*")); len(files) != 0 {
		t.Errorf("challenge files left after the attempt: %v", files)
	}
	// The same again: no challenge now.
	r = c.post("/passkey-login", form)
	wantStatus(t, r, http.StatusUnauthorized)
	// A real user, a garbage assertion, no challenge.
	form.Set("handle", base64.RawURLEncoding.EncodeToString([]byte(env.a.name)))
	r = c.post("/passkey-login", form)
	wantStatus(t, r, http.StatusUnauthorized)
	// A handle that is no user name at all.
	form.Set("handle", "%%%")
	r = c.post("/passkey-login", form)
	wantStatus(t, r, http.StatusUnauthorized)

	lines := logs.waitLines(4)
	want := []string{
		`login failed ip=127.0.0.1 user="` + ghost + `" reason="wrong passkey"`,
		`login failed ip=127.0.0.1 user="` + ghost + `" reason="passkey challenge expired or used"`,
		`login failed ip=127.0.0.1 user="` + env.a.name + `" reason="passkey challenge expired or used"`,
		`login failed ip=127.0.0.1 user="" reason="wrong passkey"`,
	}
	for _, w := range want {
		found := false
		for _, l := range lines {
			found = found || strings.Contains(l, w)
		}
		if !found {
			t.Errorf("no audit line %q in:\n%s", w, strings.Join(lines, "\n"))
		}
	}
}
