package e2e

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"postern/autocrypt"
	"postern/internal/gpgtest"
	"postern/message"
)

// TestAutocryptSend: with the preference "autocrypt" off (the default)
// the mail sent carries no Autocrypt header; turned on in the
// preferences, a plain and a signed message delivered by Postfix carry
// one, folded within 78 characters, that package autocrypt reads back
// for the From address, and whose key, imported by the command-line gpg,
// is the sender's own; the Sent copy carries none.
func TestAutocryptSend(t *testing.T) {
	m := needPostfix(t)
	a := env.a
	keys := gpgtest.NewHome(t)
	fpr := gpgtest.NewKey(t, keys, "A <"+addr(a)+">", "")
	home := filepath.Join(a.home, ".gnupg")
	os.RemoveAll(home)
	stopAgent := func() {
		exec.Command("runuser", "-u", a.name, "--", "gpgconf", "--homedir", home, "--kill", "all").Run()
	}
	t.Cleanup(func() { stopAgent(); os.RemoveAll(home) })
	asUser(t, a, nil, "mkdir", "-m", "700", home)
	asUser(t, a, gpgtest.GPG(t, keys, nil, "--armor", "--export-secret-keys", fpr), "gpg", "--homedir", home, "--batch", "--import")
	asUser(t, a, []byte(fpr+":6:\n"), "gpg", "--homedir", home, "--batch", "--import-ownertrust")
	stopAgent()
	withConfig(t, sendConfig(m.wrapper, "crypto = yes\n"))
	c := loggedIn(t, a)
	tag := randomHex(6)
	send := func(subject string, sign bool) []byte {
		t.Helper()
		v := c.composeForm("")
		v.Set("to", addr(env.b))
		v.Set("subject", subject)
		v.Set("body", "autocrypt words\r\n")
		v.Set("crypto_method", "openpgp")
		v.Del("sign")
		v.Del("encrypt")
		if sign {
			v.Set("sign", "1")
		}
		v.Set("action", "send")
		r := c.postCompose(v)
		wantStatus(t, r, http.StatusOK)
		if byID(r.doc, "sent-notice") == nil {
			t.Fatalf("%s: not sent; body: %.1500s", subject, r.body)
		}
		b, err := os.ReadFile(waitMail(t, m, env.b, "INBOX", subject, 1)[0])
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	header := func(msg []byte) (raw string, values []string) {
		head, _, _ := bytes.Cut(msg, []byte("\n\n"))
		lines := strings.Split(string(head), "\n")
		for i, l := range lines {
			if strings.HasPrefix(strings.ToLower(l), "autocrypt:") {
				raw = l + "\n"
				for _, c := range lines[i+1:] {
					if !strings.HasPrefix(c, " ") && !strings.HasPrefix(c, "\t") {
						break
					}
					raw += c + "\n"
				}
			}
		}
		for _, h := range message.Parse(bytes.NewReader(msg), message.DefaultLimits).Headers {
			if strings.EqualFold(h.Name, "Autocrypt") {
				values = append(values, h.Value)
			}
		}
		return raw, values
	}

	if raw, _ := header(send("ac off "+tag, false)); raw != "" {
		t.Errorf("the preference off: the mail sent carries %q", raw)
	}

	r := c.post("/prefs", url.Values{"csrf": {c.csrf()}, "pagesize": {"50"}, "collect": {"1"},
		"crypto_form": {"1"}, "crypto_method": {"openpgp"}, "autocrypt": {"1"}})
	wantStatus(t, r, http.StatusOK)
	if n := byID(r.doc, "autocrypt"); n == nil || !hasAttr(n, "checked") {
		t.Fatalf("POST /prefs: the Autocrypt box is not ticked; body %.1500s", r.body)
	}

	for _, sign := range []bool{false, true} {
		subject := "ac on " + tag
		if sign {
			subject = "ac signed " + tag
		}
		raw, values := header(send(subject, sign))
		if raw == "" {
			t.Errorf("%s: no Autocrypt header on the mail sent", subject)
			continue
		}
		for _, l := range strings.Split(strings.TrimSuffix(raw, "\n"), "\n") {
			if len(l) > 78 {
				t.Errorf("%s: an Autocrypt header line of %d characters: %q", subject, len(l), l)
			}
		}
		h, err := autocrypt.Parse(values, addr(a))
		if err != nil {
			t.Errorf("%s: autocrypt.Parse(%q) = %v", subject, values, err)
			continue
		}
		reader := gpgtest.NewHome(t)
		gpgtest.GPG(t, reader, h.KeyData, "--import")
		if got := gpgtest.Fingerprint(t, reader, addr(a)); got != fpr {
			t.Errorf("%s: the Autocrypt key is %s, want the sender's %s", subject, got, fpr)
		}
		if bytes.Contains(gpgtest.GPG(t, reader, nil, "--list-secret-keys"), []byte(fpr)) {
			t.Errorf("%s: the Autocrypt header carries a secret key", subject)
		}
	}
	if files := mailWith(a, "Sent", "ac on "+tag); len(files) == 1 {
		if b, _ := os.ReadFile(files[0]); func() bool { raw, _ := header(b); return raw != "" }() {
			t.Errorf("the Sent copy carries the Autocrypt header")
		}
	} else {
		t.Errorf("%d Sent copies of %q, want 1", len(files), "ac on "+tag)
	}
}
