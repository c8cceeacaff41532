package e2e

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"postern/internal/gpgtest"
)

// TestKeysPage: the Keys page through Apache and the setuid binary, with
// the user's real GnuPG home: a key pair is made (passphrases that
// differ or are missing refused), listed as the user's own, exported and
// attached to a new message, never deleted; a pasted public key and one
// attached to a message are imported and listed, a secret key refused;
// a public key is deleted after a confirmation step only.
func TestKeysPage(t *testing.T) {
	a := env.a
	home := filepath.Join(a.home, ".gnupg")
	os.RemoveAll(home)
	stopAgent := func() {
		exec.Command("runuser", "-u", a.name, "--", "gpgconf", "--homedir", home, "--kill", "all").Run()
	}
	t.Cleanup(func() { stopAgent(); os.RemoveAll(home) })
	withConfig(t, env.baseConf+"crypto = yes\n")
	c := loggedIn(t, a)

	r := c.get("/keys")
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "no-own-keys") == nil || byID(r.doc, "keys-shell") == nil {
		t.Fatalf("GET /keys of a new user: no 'no key yet' or no word on the shell; body %.600s", r.body)
	}

	gen := func(set map[string]string) *response {
		t.Helper()
		v := formValues(t, c.get("/keys"), "keys-generate")
		for k, s := range set {
			v.Set(k, s)
		}
		return c.post("/keys/generate", v)
	}
	for _, tt := range []struct {
		set  map[string]string
		word string
	}{
		{map[string]string{"name": "Kim", "passphrase": "one", "passphrase2": "two"}, "differ"},
		{map[string]string{"name": "Kim"}, "Type a passphrase twice"},
		{map[string]string{"name": "Kim <evil@example.org>", "passphrase": "p", "passphrase2": "p"}, "may not hold"},
	} {
		r := gen(tt.set)
		if r.status != http.StatusBadRequest || !strings.Contains(text(byID(r.doc, "keys-error")), tt.word) {
			t.Errorf("generate %v: status %d, error %q, want 400 with %q", tt.set, r.status, text(byID(r.doc, "keys-error")), tt.word)
		}
	}
	r = gen(map[string]string{"name": "Kim Test", "passphrase": "kim pass", "passphrase2": "kim pass"})
	wantStatus(t, r, http.StatusOK)
	own := byID(r.doc, "own-keys")
	if own == nil || !strings.Contains(text(own), "Kim Test <"+a.name+"@") || !strings.Contains(text(own), "ed25519") {
		t.Fatalf("after generating: own keys %q, want Kim Test's ed25519 key; body %.800s", text(own), r.body)
	}
	ownFpr := attr(findFirst(own, func(n *html.Node) bool { return hasClass(n, "key") }), "data-fpr")
	colons := string(asUser(t, a, nil, "gpg", "--homedir", home, "--batch", "--with-colons", "--list-secret-keys"))
	if !strings.Contains(colons, ownFpr) || !strings.Contains(colons, ":cv25519:") {
		t.Errorf("the user's ring after generating: %s, want %s with a cv25519 subkey", colons, ownFpr)
	}
	if bytes.Contains(r.body, []byte("kim pass")) {
		t.Errorf("the passphrase is in the page")
	}
	// The passphrase protects it: gpg as the user, with a wrong one, cannot sign.
	stopAgent()
	sign := exec.Command("runuser", "-u", a.name, "--", "gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback",
		"--passphrase", "wrong", "--local-user", ownFpr, "--output", "-", "--detach-sign", "/etc/hostname")
	if sign.Run() == nil {
		t.Errorf("the new key signed with a wrong passphrase")
	}

	// Export: a download, and a new message with the key attached.
	r = c.get("/keys/export?" + url.Values{"fpr": {ownFpr}}.Encode())
	wantStatus(t, r, http.StatusOK)
	if !bytes.HasPrefix(r.body, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----")) || r.header.Get("Content-Type") != "application/pgp-keys" ||
		!strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("GET /keys/export: %s %s %.60q, want an armored key as an attachment", r.header.Get("Content-Type"), r.header.Get("Content-Disposition"), r.body)
	}
	r = c.post("/keys/attach", url.Values{"csrf": {c.csrf()}, "fpr": {ownFpr}})
	wantStatus(t, r, http.StatusOK)
	if !bytes.Contains(r.body, []byte(ownFpr+".asc")) || byID(r.doc, "compose") == nil {
		t.Errorf("POST /keys/attach: no compose form with %s.asc attached; body %.800s", ownFpr, r.body)
	}
	// Never the own key.
	r = c.post("/keys/delete", url.Values{"csrf": {c.csrf()}, "fpr": {ownFpr}, "confirm": {"yes"}})
	if r.status != http.StatusConflict {
		t.Errorf("POST /keys/delete of the own key: status %d, want 409", r.status)
	}

	// Import a pasted public key, refuse a secret one.
	other := gpgtest.NewHome(t)
	lee := gpgtest.NewKey(t, other, "Lee <lee@example.net>", "")
	pub := gpgtest.GPG(t, other, nil, "--armor", "--export", lee)
	r = c.postFile("/keys/import", url.Values{"csrf": {c.csrf()}, "armor": {string(pub)}}, "", nil)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(text(byID(r.doc, "keys-imported")), lee) || !strings.Contains(text(byID(r.doc, "other-keys")), "Lee <lee@example.net>") {
		t.Errorf("import of a pasted key: imported %q, others %q, want Lee's key", text(byID(r.doc, "keys-imported")), text(byID(r.doc, "other-keys")))
	}
	sec := gpgtest.GPG(t, other, nil, "--armor", "--export-secret-keys", lee)
	r = c.postFile("/keys/import", url.Values{"csrf": {c.csrf()}}, "lee.asc", sec)
	if r.status != http.StatusBadRequest || !strings.Contains(text(byID(r.doc, "keys-error")), "secret key") {
		t.Errorf("import of a secret key: status %d, error %q, want 400 saying secret key", r.status, text(byID(r.doc, "keys-error")))
	}
	if r := c.postFile("/keys/import", url.Values{"csrf": {c.csrf()}}, "big.asc", bytes.Repeat([]byte("A"), 1<<20+1)); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("import of a file over the limit: status %d, want 413", r.status)
	}
	if out := string(asUser(t, a, nil, "gpg", "--homedir", home, "--batch", "--with-colons", "--list-secret-keys")); strings.Contains(out, lee) {
		t.Errorf("the secret key was imported after all")
	}

	// Delete: first a question, then the key is gone.
	r = c.post("/keys/delete", url.Values{"csrf": {c.csrf()}, "fpr": {lee}})
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "keys-confirm") == nil || !strings.Contains(text(byID(r.doc, "other-keys")), "Lee") {
		t.Fatalf("POST /keys/delete without confirm: no confirmation, or the key already gone")
	}
	r = c.post("/keys/delete", formValues(t, r, "keys-confirm"))
	wantStatus(t, r, http.StatusOK)
	if strings.Contains(text(byID(r.doc, "other-keys")), "Lee") || !strings.Contains(text(byID(r.doc, "keys-notice")), "deleted") {
		t.Errorf("after the confirmed delete: others %q, notice %q", text(byID(r.doc, "other-keys")), text(byID(r.doc, "keys-notice")))
	}

	// One click next to a key attached to a message.
	id := putRaw(t, a, "INBOX", "S", "From: Lee <lee@example.net>\nSubject: my key\nDate: Sun, 6 Dec 2026 07:00:00 +0000\nMIME-Version: 1.0\n"+
		"Content-Type: multipart/mixed; boundary=\"m\"\n\n--m\nContent-Type: text/plain\n\nhere is my key\n--m\n"+
		"Content-Type: application/pgp-keys; name=\"lee.asc\"\nContent-Disposition: attachment; filename=\"lee.asc\"\n\n"+string(pub)+"\n--m--\n")
	r = c.get("/msg?" + url.Values{"f": {"INBOX"}, "id": {id}}.Encode())
	wantStatus(t, r, http.StatusOK)
	btn := findFirst(r.doc, func(n *html.Node) bool { return hasClass(n, "import-key") })
	if btn == nil {
		t.Fatalf("GET /msg of a message with a key attached: no import button")
	}
	r = c.post("/keys/import-part", url.Values{"csrf": {c.csrf()}, "f": {"INBOX"}, "id": {id}, "part": {"2"}})
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(text(byID(r.doc, "keys-imported")), lee) {
		t.Errorf("import of an attached key: imported %q, want %s", text(byID(r.doc, "keys-imported")), lee)
	}
	r = c.post("/keys/import-part", url.Values{"csrf": {c.csrf()}, "f": {"INBOX"}, "id": {id}, "part": {"1"}})
	if r.status != http.StatusBadRequest {
		t.Errorf("import of a text part: status %d, want 400", r.status)
	}

	// An S/MIME certificate, pasted: gpgsm imports it; a PKCS#12 file
	// (a secret key) is refused before gpgsm sees it.
	pki := gpgtest.NewPKI(t, "Nia", "nia@example.net")
	certPEM, err := os.ReadFile(pki.Cert)
	if err != nil {
		t.Fatal(err)
	}
	r = c.postFile("/keys/import", url.Values{"csrf": {c.csrf()}, "armor": {string(certPEM)}}, "", nil)
	wantStatus(t, r, http.StatusOK)
	if others := text(byID(r.doc, "other-keys")); !strings.Contains(others, "S/MIME") || !strings.Contains(others, "nia@example.net") {
		t.Errorf("import of a pasted certificate: others %q, want Nia's S/MIME certificate", others)
	}
	p12, err := os.ReadFile(pki.P12)
	if err != nil {
		t.Fatal(err)
	}
	if r := c.postFile("/keys/import", url.Values{"csrf": {c.csrf()}}, "nia.p12", p12); r.status != http.StatusBadRequest {
		t.Errorf("import of a PKCS#12 file: status %d, want 400", r.status)
	}

	// What the requests left running: the user's own gpg-agent at most,
	// which gpg started for a request. It runs on every CPU and with the
	// timer slack the web server gave the request, not on the one CPU
	// and with the 2 ms the request binary's runtime threads have
	// (privdrop/rtenv, internal/childstart; a request usually forks from
	// its main thread, which has them back anyway: rtenv's TestStart
	// forks from a narrowed thread).
	// (The key generation above needs the agent: one runs.)
	out, err := exec.Command("ps", "-u", a.name, "-o", "pid=,comm=").Output()
	if err != nil && len(out) > 0 {
		t.Fatalf("ps -u %s: %v", a.name, err)
	}
	agents := 0
	f := strings.Fields(string(out))
	for i := 0; i+1 < len(f); i += 2 {
		pid, p := f[i], f[i+1]
		if p != "gpg-agent" {
			t.Errorf("after the Keys page's requests, %s runs as the user; only gpg-agent may", p)
			continue
		}
		agents++
		if got, want := schedOf(t, pid), schedOf(t, "self"); got != want {
			t.Errorf("the user's gpg-agent (pid %s) runs with %s, want %s as the web server", pid, got, want)
		}
	}
	if agents == 0 {
		t.Errorf("no gpg-agent runs as %s after the Keys page generated a key: the check of its CPUs and timer slack had nothing to check", a.name)
	}

	withConfig(t, env.baseConf)
	if r := c.get("/keys"); r.status != http.StatusNotFound {
		t.Errorf("GET /keys with crypto off: status %d, want 404", r.status)
	}
}

// TestAutocryptImport: the message page offers the key of a valid
// Autocrypt header (its addr the From address) without running GnuPG,
// and one click imports it; a header for another address is not
// offered, and a forged request for such a message is refused.
func TestAutocryptImport(t *testing.T) {
	a := env.a
	home := filepath.Join(a.home, ".gnupg")
	os.RemoveAll(home)
	t.Cleanup(func() {
		exec.Command("runuser", "-u", a.name, "--", "gpgconf", "--homedir", home, "--kill", "all").Run()
		os.RemoveAll(home)
	})
	other := gpgtest.NewHome(t)
	fpr := gpgtest.NewKey(t, other, "Max <max@example.net>", "")
	key := base64.StdEncoding.EncodeToString(gpgtest.GPG(t, other, nil, "--export-options", "export-minimal", "--export", fpr))
	var folded strings.Builder
	for i := 0; i < len(key); i += 72 {
		folded.WriteString("\n " + key[i:min(i+72, len(key))])
	}
	msg := func(from string) string {
		return putRaw(t, a, "INBOX", "S", "From: Max <"+from+">\nSubject: autocrypt\nDate: Sun, 6 Dec 2026 07:00:00 +0000\n"+
			"Autocrypt: addr=max@example.net; prefer-encrypt=mutual; keydata="+folded.String()+"\n\nhello\n")
	}
	good, forged := msg("max@example.net"), msg("mallory@example.net")
	withConfig(t, env.baseConf+"crypto = yes\n")
	c := loggedIn(t, a)
	r := c.get("/msg?" + url.Values{"f": {"INBOX"}, "id": {good}}.Encode())
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(text(byID(r.doc, "autocrypt")), "prefers encrypted mail") {
		t.Fatalf("GET /msg with an Autocrypt header: no offer (form#autocrypt %q)", text(byID(r.doc, "autocrypt")))
	}
	r = c.post("/keys/autocrypt", formValues(t, r, "autocrypt"))
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(text(byID(r.doc, "keys-imported")), fpr) || !strings.Contains(text(byID(r.doc, "other-keys")), "max@example.net") {
		t.Errorf("POST /keys/autocrypt: imported %q, want %s", text(byID(r.doc, "keys-imported")), fpr)
	}
	r = c.get("/msg?" + url.Values{"f": {"INBOX"}, "id": {forged}}.Encode())
	if byID(r.doc, "autocrypt") != nil {
		t.Errorf("GET /msg offers the Autocrypt key of another address than the sender's")
	}
	if r := c.post("/keys/autocrypt", url.Values{"csrf": {c.csrf()}, "f": {"INBOX"}, "id": {forged}}); r.status != http.StatusBadRequest {
		t.Errorf("POST /keys/autocrypt of a message whose header is not the sender's: status %d, want 400", r.status)
	}
}

// schedOf returns the CPUs a process may run on and its timer slack
// (reading another's slack needs CAP_SYS_NICE: the tests run as root).
func schedOf(t *testing.T, pid string) string {
	t.Helper()
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		t.Fatal(err)
	}
	slack, err := os.ReadFile("/proc/" + pid + "/timerslack_ns")
	if err != nil {
		t.Fatal(err)
	}
	cpus := ""
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "Cpus_allowed_list:"); ok {
			cpus = strings.TrimSpace(v)
		}
	}
	return "CPUs " + cpus + ", timer slack " + strings.TrimSpace(string(slack)) + " ns"
}
