package e2e

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"postern/internal/gpgtest"
)

// TestEFAILReply: the compose pages started from a received encrypted
// message (reply, reply to all, forward inline and as an attachment)
// carry none of its decrypted text, even right after the message was
// decrypted in the same session; a reply is encrypted by default. Only
// the decrypted view's "Reply quoting the decrypted text" quotes it
// (TestCryptoWrite). The message is unread: decrypting it marks it read
// (its file renamed) and must still find its encrypted piece.
func TestEFAILReply(t *testing.T) {
	a := env.a
	keys, fpr := cryptoHome(t, a, "efail pass")
	marker := "efailmarker" + randomHex(4)
	inner := "Content-Type: text/plain\r\n\r\nthe secret " + marker + " words\r\n"
	ct := gpgtest.GPG(t, keys, []byte(inner), "--armor", "--recipient", fpr, "--encrypt")
	id := putRaw(t, a, "INBOX", "", "From: Alice <alice@example.org>\nTo: "+addr(a)+"\nSubject: efail\nDate: Sun, 6 Dec 2026 07:00:00 +0000\nMessage-ID: <efail-"+randomHex(4)+"@example.org>\nMIME-Version: 1.0\n"+
		"Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e\"\n\n--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--e\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\n\n"+string(ct)+"\n--e--\n")
	withConfig(t, env.baseConf+"crypto = yes\n")
	c := loggedIn(t, a)

	r := c.post("/decrypt", url.Values{"csrf": {c.csrf()}, "f": {"INBOX"}, "id": {id}, "item": {"top"}, "passphrase": {"efail pass"}})
	wantStatus(t, r, http.StatusOK)
	if !bytes.Contains(r.body, []byte(marker)) {
		body := r.body
		if i := bytes.Index(body, []byte("<body")); i >= 0 {
			body = body[i:]
		}
		t.Fatalf("POST /decrypt does not show the decrypted text; body %.3000s", body)
	}
	for _, q := range []url.Values{
		{"reply": {"1"}}, {"reply": {"all"}}, {"forward": {"inline"}}, {"forward": {"attach"}},
	} {
		q.Set("f", "INBOX")
		q.Set("id", id)
		r := c.get("/compose?" + q.Encode())
		wantStatus(t, r, http.StatusOK)
		if bytes.Contains(r.body, []byte(marker)) || strings.Contains(text(byID(r.doc, "body")), marker) {
			t.Errorf("GET /compose?%s after decrypting: the page holds the decrypted text", q.Encode())
		}
		if q.Get("reply") != "" && !checked(r.doc, "encrypt") {
			t.Errorf("GET /compose?%s: Encrypt is off for a reply to an encrypted message", q.Encode())
		}
	}
}
