package e2e

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"postern/internal/slapdtest"
)

// TestHelperFailure: postern-helper missing, or not executable, is a
// clear page and never a crash. A passkey's second step answers 503
// ("cannot be checked"), and the attempt is not counted as a failed
// login; the directory page and completion say that the directory did
// not answer. With the helper back, the same garbage assertion is a
// failed login (401, counted) and the directory finds people: the
// helper, not something else, made the difference.
func TestHelperFailure(t *testing.T) {
	s := slapdtest.Start(t, directoryPeople)
	conf := directoryConf(t, s, s.LDAPS, "") + "webauthn = yes\nwebauthn_rp_id = localhost\nwebauthn_origins = http://localhost\n"
	withConfig(t, conf)
	resetGuard(t)
	t.Cleanup(func() { resetGuard(t) })

	// env.b has a passkey: a credentials file written by go-webauthn
	// v0.18.2 (passkey/testdata), so a password login waits for it.
	a := env.b
	data, err := os.ReadFile(filepath.Join(env.root, "passkey", "testdata", "passkeys"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(a.maildir, "postern")
	keys := filepath.Join(dir, "passkeys")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keys, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, keys} {
		if err := os.Chown(p, a.uid, a.gid); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { os.Remove(keys); os.Remove(keys + ".lock") })
	assertion := `{"id":"Z29sZGVuLWNyZWRlbnRpYWwtaWQ","rawId":"Z29sZGVuLWNyZWRlbnRpYWwtaWQ","type":"public-key",` +
		`"response":{"clientDataJSON":"e30","authenticatorData":"AAAA","signature":"AAAA"}}`
	step := func() *response {
		p, csrf := pendingLogin(t, a)
		return p.post("/passkey-step", url.Values{"csrf": {csrf}, "credential": {assertion}})
	}
	c := loggedIn(t, env.a)

	away := env.helper + ".away"
	for _, broken := range []struct {
		name        string
		break_, fix func() error
	}{
		{"missing", func() error { return os.Rename(env.helper, away) }, func() error { return os.Rename(away, env.helper) }},
		{"not executable", func() error { return os.Chmod(env.helper, 0o644) }, func() error { return os.Chmod(env.helper, 0o755) }},
	} {
		if err := broken.break_(); err != nil {
			t.Fatal(err)
		}
		r := step()
		if r.status != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "Passkeys cannot be checked at the moment") {
			t.Errorf("helper %s: %s = %d, want 503 saying passkeys cannot be checked; body %.600s", broken.name, r, r.status, r.body)
		}
		if n := guardCount(t, a.name); n != 0 {
			t.Errorf("helper %s: guard count of %s = %d, want 0 (nothing was checked)", broken.name, a.name, n)
		}
		r = c.get("/directory?q=ann")
		wantStatus(t, r, http.StatusOK)
		if byID(r.doc, "directory-unavailable") == nil {
			t.Errorf("helper %s: %s has no #directory-unavailable; body %.600s", broken.name, r, r.body)
		}
		if err := broken.fix(); err != nil {
			t.Fatal(err)
		}
	}

	r := step()
	wantStatus(t, r, http.StatusUnauthorized)
	if n := guardCount(t, a.name); n != 1 {
		t.Errorf("with the helper: guard count of %s = %d, want 1", a.name, n)
	}
	r = c.get("/directory?q=ann")
	wantStatus(t, r, http.StatusOK)
	if len(directoryRows(r)) == 0 {
		t.Errorf("with the helper: %s found nobody; body %.600s", r, r.body)
	}
}
