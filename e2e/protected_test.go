package e2e

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"postern/internal/gpgtest"
)

// TestProtectedSubject: a PGP/MIME message whose Subject is protected
// inside the encryption (Thunderbird's protected-headers="v1" payload,
// the outer Subject "...") shows "..." until it is decrypted, then the
// protected Subject in its place, the outer one named below it; search
// finds the message by its outer Subject only (the index keeps the
// outer headers of an encrypted message).
func TestProtectedSubject(t *testing.T) {
	a := env.a
	keys, fpr := cryptoHome(t, a, "")
	word := "hiddensubj" + randomHex(4)
	payload := "Content-Type: multipart/mixed; boundary=\"p\";\r\n protected-headers=\"v1\"\r\nFrom: Alice <alice@example.org>\r\nSubject: The " + word + " plan\r\n\r\n" +
		"--p\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nthe body\r\n--p--\r\n"
	ct := gpgtest.GPG(t, keys, []byte(payload), "--armor", "--recipient", fpr, "--encrypt")
	id := putRaw(t, a, "INBOX", "S", "From: Alice <alice@example.org>\nSubject: ...\nDate: Sun, 6 Dec 2026 07:00:00 +0000\nMIME-Version: 1.0\n"+
		"Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e\"\n\n--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--e\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\n\n"+string(ct)+"\n--e--\n")
	withConfig(t, env.baseConf+"crypto = yes\n")
	c := loggedIn(t, a)

	r := c.get("/msg?" + url.Values{"f": {"INBOX"}, "id": {id}}.Encode())
	wantStatus(t, r, http.StatusOK)
	if got := text(byID(r.doc, "msg-subject")); got != "..." || strings.Contains(string(r.body), word) {
		t.Errorf("GET /msg before decryption: subject %q, want ... and the protected one nowhere", got)
	}
	r = c.post("/decrypt", url.Values{"csrf": {c.csrf()}, "f": {"INBOX"}, "id": {id}, "item": {"top"}})
	wantStatus(t, r, http.StatusOK)
	if got := text(byID(r.doc, "msg-subject")); got != "The "+word+" plan" {
		t.Errorf("POST /decrypt: subject %q, want the protected one", got)
	}
	if got := text(byID(r.doc, "outer-subject")); !strings.Contains(got, "“...”") {
		t.Errorf("POST /decrypt: outer subject note %q, want it to name ...", got)
	}
	r = c.get("/search?q=" + url.QueryEscape(word))
	wantStatus(t, r, http.StatusOK)
	if ids, _ := hits(r.doc); slices.Contains(ids, id) {
		t.Errorf("search for the protected subject's word finds the message: the index holds decrypted headers")
	}
}
