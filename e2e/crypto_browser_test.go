package e2e

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"postern/internal/gpgtest"
)

// cryptoHome gives the account a fresh GnuPG home holding the secret key
// of a new key pair "Alice <alice@example.org>" (passphrase pass, fully
// trusted), and returns the test's own home with that key and its
// fingerprint. Its agents are stopped and the home removed at the end.
func cryptoHome(t *testing.T, a *account, pass string) (keys, fpr string) {
	t.Helper()
	keys = gpgtest.NewHome(t)
	fpr = gpgtest.NewKey(t, keys, "Alice <alice@example.org>", pass)
	home := filepath.Join(a.home, ".gnupg")
	os.RemoveAll(home)
	stopAgent := func() {
		exec.Command("runuser", "-u", a.name, "--", "gpgconf", "--homedir", home, "--kill", "all").Run()
	}
	t.Cleanup(func() { stopAgent(); os.RemoveAll(home) })
	secret := gpgtest.GPG(t, keys, nil, "--armor", "--passphrase", pass, "--export-secret-keys", fpr)
	asUser(t, a, nil, "mkdir", "-m", "700", home)
	asUser(t, a, secret, "gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", pass, "--import")
	asUser(t, a, []byte(fpr+":6:\n"), "gpg", "--homedir", home, "--batch", "--import-ownertrust")
	stopAgent() // the import's agent holds the passphrase
	return keys, fpr
}

// TestVerifyFrame: the message page (GET /msg, which runs nothing)
// frames GET /verify?frame=1 for each signed piece, and allows frames of
// its own origin only; the frame is the signature's status alone, may
// be framed by postern only (frame-ancestors 'self', SAMEORIGIN), is
// sandboxed by its own CSP too, and says "good" for a good signature
// and "bad" for a changed part, next to the part it covers.
func TestVerifyFrame(t *testing.T) {
	a := env.a
	keys, fpr := cryptoHome(t, a, "pw")
	entity := []byte("Content-Type: text/plain\r\n\r\nframed words\r\n")
	sig := gpgtest.GPG(t, keys, entity, "--armor", "--local-user", fpr, "--passphrase", "pw", "--detach-sign")
	signedBody := "Content-Type: multipart/signed; micalg=pgp-sha512; protocol=\"application/pgp-signature\"; boundary=\"sig\"\n\n" +
		"--sig\n" + strings.ReplaceAll(string(entity), "\r\n", "\n") + "\n--sig\nContent-Type: application/pgp-signature; name=\"signature.asc\"\n\n" + string(sig) + "\n--sig--\n"
	hdr := "From: Alice <alice@example.org>\nDate: Sun, 6 Dec 2026 07:00:00 +0000\nMIME-Version: 1.0\n"
	partial := putRaw(t, a, "INBOX", "S", hdr+"Subject: framed\nContent-Type: multipart/mixed; boundary=\"mix\"\n\n--mix\nContent-Type: text/plain\n\nunsigned words\n--mix\n"+signedBody+"--mix--\n")
	bad := putRaw(t, a, "INBOX", "S", hdr+"Subject: framed bad\n"+strings.Replace(signedBody, "framed words", "framed wordz", 1))
	withConfig(t, env.baseConf+"crypto = yes\n")
	c := loggedIn(t, a)

	for _, tt := range []struct{ id, part, item, state string }{
		{partial, "2.1", "2", "good"}, // the signed entity 2.1 of multipart/signed 2
		{bad, "1", "top", "bad"},      // the whole message: its signed entity 1
	} {
		r := c.get("/msg?" + url.Values{"f": {"INBOX"}, "id": {tt.id}}.Encode())
		wantStatus(t, r, http.StatusOK)
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("GET /msg of a signed message: CSP %q, want frame-src 'self' and frame-ancestors 'none'", csp)
		}
		note := byClass(r.doc, "crypto")
		frame := findFirst(note, func(n *html.Node) bool { return isElem(n, "iframe") && hasClass(n, "verify-frame") })
		if frame == nil || !hasAttr(frame, "sandbox") || attr(frame, "sandbox") != "" || attr(note, "data-part") != tt.part {
			t.Fatalf("GET /msg: note for part %q with no iframe.verify-frame sandbox=\"\"; note %q", attr(note, "data-part"), text(note))
		}
		if findFirst(note, func(n *html.Node) bool { return hasClass(n, "verify") }) == nil {
			t.Errorf("GET /msg: no 'Check the signature' link, the text browsers' fallback")
		}
		src := attr(frame, "src")
		u, err := url.Parse(src)
		if err != nil || u.Query().Get("frame") != "1" || u.Query().Get("item") != tt.item || u.Host != "" {
			t.Fatalf("frame src %q, want a local /verify?frame=1&item=%s", src, tt.item)
		}
		base, _ := url.Parse(env.base)
		fr := c.get(strings.TrimPrefix(src, base.Path))
		wantStatus(t, fr, http.StatusOK)
		csp := fr.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'self'") || strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "sandbox") ||
			fr.header.Get("X-Frame-Options") != "SAMEORIGIN" {
			t.Errorf("the frame's headers: CSP %q, X-Frame-Options %q, want frame-ancestors 'self', sandbox, SAMEORIGIN", csp, fr.header.Get("X-Frame-Options"))
		}
		st := byClass(byID(fr.doc, "verify-frame"), "crypto")
		if st == nil || attr(st, "data-state") != tt.state || findFirst(fr.doc, func(n *html.Node) bool { return hasClass(n, "nav") }) != nil {
			t.Errorf("the frame of %s: %q (state %q), want %s and no navigation", tt.id, text(st), attr(st, "data-state"), tt.state)
		}
		if tt.state == "good" && !strings.Contains(text(st), "Good signature by Alice <alice@example.org>") {
			t.Errorf("the frame: %q, want a good signature by Alice", text(st))
		}
		if strings.Contains(string(fr.body), "unsigned words") || strings.Contains(string(fr.body), "framed words") {
			t.Errorf("the frame shows the message's text; it is the status only")
		}
	}
	// The frame of a page with crypto off is no page.
	withConfig(t, env.baseConf)
	if r := c.get("/verify?" + url.Values{"f": {"INBOX"}, "id": {bad}, "frame": {"1"}, "item": {"top"}}.Encode()); r.status != http.StatusNotFound {
		t.Errorf("GET /verify?frame=1 with crypto off: status %d, want 404", r.status)
	}
}

// TestCryptoBrowser runs e2e/browser/crypto.mjs in headless Chromium: the
// signature status appears in its frame on the message page without a
// click, and says the right thing for a good signature (by Alice, the
// sender's address), a bad one, an unknown key (its key id), a revoked
// key (Dave's, revoked after he signed) and a partly signed message
// (which part); a wrong passphrase is refused and the right one
// decrypts; a decrypted HTML part appears in its own sandboxed frame, with
// its remote image blocked (no request leaves), apart from the message's
// unencrypted HTML part; on the Keys page a pasted key is imported,
// deleted after the question, and a key pair made; no CSP violation is
// reported.
func TestCryptoBrowser(t *testing.T) {
	dir := filepath.Join(env.root, "e2e", "browser")
	needBrowser(t, dir)
	a := env.a
	keys, fpr := cryptoHome(t, a, "browser pass")
	tag := randomHex(4)
	entity := []byte("Content-Type: text/plain\r\n\r\nsigned in the browser " + tag + "\r\n")
	sig := gpgtest.GPG(t, keys, entity, "--armor", "--local-user", fpr, "--passphrase", "browser pass", "--detach-sign")
	hdr := "From: Alice <alice@example.org>\nDate: Sun, 6 Dec 2026 07:00:00 +0000\nMIME-Version: 1.0\n"
	// signedPart is a multipart/signed of entity and its signature, as
	// a header block and body.
	signedPart := func(entity, sig []byte) string {
		return "Content-Type: multipart/signed; micalg=pgp-sha512; protocol=\"application/pgp-signature\"; boundary=\"sig\"\n\n" +
			"--sig\n" + strings.ReplaceAll(string(entity), "\r\n", "\n") + "\n--sig\nContent-Type: application/pgp-signature; name=\"signature.asc\"\n\n" + string(sig) + "\n--sig--\n"
	}
	signed := putRaw(t, a, "INBOX", "S", hdr+"Subject: browser signed\n"+signedPart(entity, sig))
	// The same changed: a bad signature.
	bad := putRaw(t, a, "INBOX", "S", hdr+"Subject: browser bad\n"+strings.Replace(signedPart(entity, sig), "signed in the browser", "signed in the bowser", 1))
	// Alice's signed part after unsigned text: it covers part 2.1 only.
	partial := putRaw(t, a, "INBOX", "S", hdr+"Subject: browser partial\nContent-Type: multipart/mixed; boundary=\"mix\"\n\n"+
		"--mix\nContent-Type: text/plain\n\nunsigned words "+tag+"\n--mix\n"+signedPart(entity, sig)+"--mix--\n")
	// Carol's key is not in the account's keyring: an unknown key.
	carolHome := gpgtest.NewHome(t)
	carol := gpgtest.NewKey(t, carolHome, "Carol <carol@example.org>", "")
	carolEntity := []byte("Content-Type: text/plain\r\n\r\nby Carol " + tag + "\r\n")
	unknown := putRaw(t, a, "INBOX", "S", "From: Carol <carol@example.org>\nDate: Sun, 6 Dec 2026 07:00:00 +0000\nMIME-Version: 1.0\nSubject: browser unknown\n"+
		signedPart(carolEntity, gpgtest.GPG(t, carolHome, carolEntity, "--armor", "--local-user", carol, "--detach-sign")))
	// Dave signed, then revoked his key; the account has his key and,
	// since, his revocation certificate.
	daveHome := gpgtest.NewHome(t)
	dave := gpgtest.NewKey(t, daveHome, "Dave <dave@example.org>", "")
	daveEntity := []byte("Content-Type: text/plain\r\n\r\nby Dave " + tag + "\r\n")
	revoked := putRaw(t, a, "INBOX", "S", "From: Dave <dave@example.org>\nDate: Sun, 6 Dec 2026 07:00:00 +0000\nMIME-Version: 1.0\nSubject: browser revoked\n"+
		signedPart(daveEntity, gpgtest.GPG(t, daveHome, daveEntity, "--armor", "--local-user", dave, "--detach-sign")))
	accountHome := filepath.Join(a.home, ".gnupg")
	asUser(t, a, gpgtest.GPG(t, daveHome, nil, "--armor", "--export", dave), "gpg", "--homedir", accountHome, "--batch", "--import")
	gpgtest.Revoke(t, daveHome, daveHome, dave) // his key, revoked, as he publishes it
	asUser(t, a, gpgtest.GPG(t, daveHome, nil, "--armor", "--export", dave), "gpg", "--homedir", accountHome, "--batch", "--import")
	exec.Command("runuser", "-u", a.name, "--", "gpgconf", "--homedir", accountHome, "--kill", "all").Run()
	inner := "Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain\r\n\r\nsecret plain " + tag + "\r\n" +
		"--alt\r\nContent-Type: text/html\r\n\r\n<p>secret <b id=\"secret-bold\">html " + tag + "</b><img src=\"http://tracker.invalid/pixel.png?" + tag + "\" alt=\"\"></p>\r\n--alt--\r\n"
	ct := gpgtest.GPG(t, keys, []byte(inner), "--armor", "--recipient", fpr, "--encrypt")
	encrypted := putRaw(t, a, "INBOX", "S", hdr+"Subject: browser encrypted\nContent-Type: multipart/mixed; boundary=\"mix\"\n\n"+
		"--mix\nContent-Type: text/html\n\n<p>clear <i>html "+tag+"</i></p>\n"+
		"--mix\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e\"\n\n--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--e\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\n\n"+string(ct)+"\n--e--\n"+
		"--mix--\n")
	bobHome := gpgtest.NewHome(t)
	bob := gpgtest.NewKey(t, bobHome, "Bob <bob@example.net>", "")
	bobKey := gpgtest.GPG(t, bobHome, nil, "--armor", "--export", bob)
	withConfig(t, env.baseConf+"crypto = yes\n")
	cmd := exec.Command("node", "--test", "--test-reporter=spec", "crypto.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"BASE_URL="+env.base, "USER_A="+a.name, "PASS_A="+a.pass, "CHROMIUM="+chromiumBin,
		"SIGNED_ID="+signed, "ENC_ID="+encrypted, "PASSPHRASE=browser pass", "TAG="+tag,
		"BAD_ID="+bad, "PARTIAL_ID="+partial, "UNKNOWN_ID="+unknown, "UNKNOWN_KEYID="+carol[len(carol)-16:],
		"REVOKED_ID="+revoked, "REVOKED_FPR="+dave,
		"KEY_ARMOR="+string(bobKey), "KEY_FPR="+bob,
	)
	out, err := runTimeout(cmd, 3*time.Minute)
	t.Logf("crypto.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("crypto.mjs: %v", err)
	}
}
