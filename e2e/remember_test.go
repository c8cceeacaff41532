package e2e

import (
	"bytes"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"postern/internal/gpgtest"
)

// TestRememberPassphrase: "remember my passphrase for this session"
// leaves the passphrase in the user's gpg-agent (a decryption without it
// works next), logout makes the agent forget it, and an agent whose
// cache time is longer than the session's idle timeout is not asked to
// keep it (the page says so, and the next decryption needs it again).
func TestRememberPassphrase(t *testing.T) {
	a := env.a
	keys, fpr := cryptoHome(t, a, "mem pass")
	marker := "memorised" + randomHex(4)
	ct := gpgtest.GPG(t, keys, []byte("Content-Type: text/plain\r\n\r\n"+marker+"\r\n"), "--armor", "--recipient", fpr, "--encrypt")
	id := putRaw(t, a, "INBOX", "S", "From: Alice <alice@example.org>\nSubject: ...\nDate: Sun, 6 Dec 2026 07:00:00 +0000\nMIME-Version: 1.0\n"+
		"Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e\"\n\n--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--e\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\n\n"+string(ct)+"\n--e--\n")
	withConfig(t, env.baseConf+"crypto = yes\n")
	c := loggedIn(t, a)
	r := c.get("/msg?" + url.Values{"f": {"INBOX"}, "id": {id}}.Encode())
	wantStatus(t, r, http.StatusOK)
	if !bytes.Contains(r.body, []byte(`name="remember"`)) {
		t.Fatalf("the decryption form offers no 'remember my passphrase'")
	}
	decrypt := func(c *client, pass string, remember bool) (string, string) {
		t.Helper()
		v := url.Values{"csrf": {c.csrf()}, "f": {"INBOX"}, "id": {id}, "item": {"top"}, "passphrase": {pass}}
		if remember {
			v.Set("remember", "1")
		}
		r := c.post("/decrypt", v)
		wantStatus(t, r, http.StatusOK)
		n := byClass(r.doc, "crypto")
		if attr(n, "data-state") == "decrypted" && !bytes.Contains(r.body, []byte(marker)) {
			t.Errorf("decrypted, but the text is not shown")
		}
		return attr(n, "data-state"), text(n)
	}
	if st, txt := decrypt(c, "mem pass", true); st != "decrypted" || !strings.Contains(txt, "keeps the passphrase for this session") {
		t.Fatalf("decrypt with remember: %q %q", st, txt)
	}
	if st, _ := decrypt(c, "", false); st != "decrypted" {
		t.Errorf("decrypt without the passphrase after 'remember': %q, want decrypted (the agent keeps it)", st)
	}
	r = c.post("/logout", url.Values{"csrf": {c.csrf()}})
	wantStatus(t, r, http.StatusOK)
	c = loggedIn(t, a)
	if st, _ := decrypt(c, "", false); st != "need-passphrase" {
		t.Errorf("decrypt without the passphrase after logout: %q, want need-passphrase (logout makes the agent forget)", st)
	}

	// An agent that keeps a passphrase for two hours is not asked to.
	asUser(t, a, []byte("default-cache-ttl 7200\n"), "sh", "-c", "cat > "+filepath.Join(a.home, ".gnupg", "gpg-agent.conf"))
	if st, txt := decrypt(c, "mem pass", true); st != "decrypted" || !strings.Contains(txt, "was not remembered") || !strings.Contains(txt, "120 minutes") {
		t.Errorf("decrypt with remember, agent's cache 2 h: %q %q, want decrypted, not remembered", st, txt)
	}
	if st, _ := decrypt(c, "", false); st != "need-passphrase" {
		t.Errorf("decrypt without the passphrase after a refused 'remember': %q, want need-passphrase", st)
	}
}
