package e2e

import (
	"bytes"
	"mime"
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

// writeKeys is what TestCryptoWrite's sender holds and what the tests
// check the delivered mail with.
type writeKeys struct {
	aHome            string // a copy of the sender's OpenPGP key, for the test's own gpg
	aFpr             string
	aPub, bPub, bKey string // files: the sender's public key, the recipient's public and secret keys
	aPKI, bPKI       *gpgtest.PKI
}

// setupWriteKeys gives env.a a GnuPG home with an OpenPGP key for its
// address (passphrase "pp"), env.b's public key, an S/MIME certificate
// and key (PKCS#12 passphrase "pw") and env.b's certificate, both CAs
// trusted. The keys are made by the command-line tools, never by
// postern.
func setupWriteKeys(t *testing.T) writeKeys {
	t.Helper()
	a, b := env.a, env.b
	var k writeKeys
	k.aHome = gpgtest.NewHome(t)
	k.aFpr = gpgtest.NewKey(t, k.aHome, "A <"+addr(a)+">", "pp")
	bHome := gpgtest.NewHome(t)
	bFpr := gpgtest.NewKey(t, bHome, "B <"+addr(b)+">", "")
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	k.aPub = write("a.pub", gpgtest.GPG(t, k.aHome, nil, "--export", k.aFpr))
	k.bPub = write("b.pub", gpgtest.GPG(t, bHome, nil, "--export", bFpr))
	k.bKey = write("b.key", gpgtest.GPG(t, bHome, nil, "--export-secret-keys", bFpr))
	k.aPKI = gpgtest.NewPKI(t, "A", addr(a))
	k.bPKI = gpgtest.NewPKI(t, "B", addr(b))

	home := filepath.Join(a.home, ".gnupg")
	os.RemoveAll(home)
	stopAgent := func() {
		exec.Command("runuser", "-u", a.name, "--", "gpgconf", "--homedir", home, "--kill", "all").Run()
	}
	t.Cleanup(func() { stopAgent(); os.RemoveAll(home) })
	asUser(t, a, nil, "mkdir", "-m", "700", home)
	secret := gpgtest.GPG(t, k.aHome, nil, "--armor", "--passphrase", "pp", "--export-secret-keys", k.aFpr)
	asUser(t, a, secret, "gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "pp", "--import")
	asUser(t, a, []byte(k.aFpr+":6:\n"), "gpg", "--homedir", home, "--batch", "--import-ownertrust")
	bPub, _ := os.ReadFile(k.bPub)
	asUser(t, a, bPub, "gpg", "--homedir", home, "--batch", "--import")
	for _, f := range []string{k.aPKI.CA, k.bPKI.CA, k.bPKI.Cert} {
		pem, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		asUser(t, a, pem, "gpgsm", "--homedir", home, "--batch", "--disable-dirmngr", "--import")
	}
	asUser(t, a, []byte(k.aPKI.CAFingerprint+" S\n"+k.bPKI.CAFingerprint+" S\n"), "sh", "-c", "cat > "+filepath.Join(home, "trustlist.txt"))
	importP12(t, a, home, k.aPKI)
	stopAgent() // the imports' agent, which holds their passphrases
	return k
}

// mimePart returns the body of part n (1-based) of the top multipart of
// msg, canonical CRLF, exactly as a verifier reads it.
func mimePart(t *testing.T, msg []byte, n int) []byte {
	t.Helper()
	crlf := bytes.ReplaceAll(bytes.ReplaceAll(msg, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
	head, body, _ := bytes.Cut(crlf, []byte("\r\n\r\n"))
	var ct string
	for _, l := range strings.Split(strings.ReplaceAll(string(head), "\r\n\t", " "), "\r\n") {
		if name, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(name, "Content-Type") {
			ct = v
		}
	}
	_, params, err := mime.ParseMediaType(strings.TrimSpace(ct))
	if err != nil || params["boundary"] == "" {
		t.Fatalf("no multipart boundary in %q", ct)
	}
	chunks := bytes.Split(append([]byte("\r\n"), body...), []byte("\r\n--"+params["boundary"]))
	if len(chunks) < n+2 {
		t.Fatalf("fewer than %d parts in\n%s", n, msg)
	}
	return bytes.TrimPrefix(chunks[n], []byte("\r\n"))
}

// afterBlank is what follows a part's header.
func afterBlank(p []byte) []byte {
	_, b, _ := bytes.Cut(p, []byte("\r\n\r\n"))
	return b
}

// TestCryptoWrite: through Apache, the setuid binary and Postfix, env.a
// sends env.b mail signed and encrypted with OpenPGP and with S/MIME;
// the delivered messages verify and decrypt with other implementations
// (Sequoia's sq and sqv, OpenSSL), the Sent copies decrypt with the
// sender's key, the outer Subject is "..."; a recipient without a key
// and a wrong passphrase are refused with the form kept and nothing
// sent; a draft of an encrypted message is stored encrypted and opens
// with the passphrase.
func TestCryptoWrite(t *testing.T) {
	m := needPostfix(t)
	sq, sqv, ossl := gpgtest.Tool(t, "sq"), gpgtest.Tool(t, "sqv"), gpgtest.Tool(t, "openssl")
	k := setupWriteKeys(t)
	withConfig(t, sendConfig(m.wrapper, "crypto = yes\n"))
	c := loggedIn(t, env.a)
	tag := randomHex(6)
	form := func(subject, body, method string, sign, encrypt bool) url.Values {
		t.Helper()
		v := c.composeForm("")
		if v.Get("crypto_form") == "" {
			t.Fatalf("the compose form has no Sign and Encrypt fieldset with crypto = yes")
		}
		v.Set("to", addr(env.b))
		v.Set("subject", subject)
		v.Set("body", body)
		v.Set("crypto_method", method)
		v.Del("sign")
		v.Del("encrypt")
		if sign {
			v.Set("sign", "1")
		}
		if encrypt {
			v.Set("encrypt", "1")
		}
		v.Set("action", "send")
		return v
	}
	sent := func(v url.Values) {
		t.Helper()
		r := c.postCompose(v)
		wantStatus(t, r, http.StatusOK)
		if byID(r.doc, "sent-notice") == nil {
			t.Fatalf("%s: not sent; body: %.1500s", r, r.body)
		}
	}
	delivered := func(id string) []byte {
		t.Helper()
		files := waitMail(t, m, env.b, "INBOX", id, 1)
		b, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	sentCopy := func(id string) []byte {
		t.Helper()
		files := mailWith(env.a, "Sent", id)
		if len(files) != 1 {
			t.Fatalf("%d Sent copies with %s, want 1", len(files), id)
		}
		b, _ := os.ReadFile(files[0])
		return b
	}
	hidden := func(what string, msg []byte, secrets ...string) {
		t.Helper()
		for _, s := range secrets {
			if bytes.Contains(msg, []byte(s)) {
				t.Errorf("%s shows %q:\n%.1500s", what, s, msg)
			}
		}
		if !bytes.Contains(msg, []byte("\nSubject: ...")) {
			t.Errorf("%s: the outer Subject is not \"...\"", what)
		}
	}

	// OpenPGP, signed and encrypted: sq decrypts with B's key and checks
	// A's signature; the Sent copy decrypts with A's key.
	id := "pgp-" + tag + "@example.org" // In-Reply-To: findable outside the encryption
	v := form("PGP secret "+tag, "pgp words "+tag+"\r\n", "openpgp", true, true)
	v.Set("passphrase", "pp")
	v.Set("in_reply_to", id)
	sent(v)
	msg := delivered(id)
	hidden("the delivered PGP message", msg, "pgp words", "PGP secret")
	plain := gpgtest.Run(t, sq, afterBlank(mimePart(t, msg, 2)), "decrypt", "--recipient-key", k.bKey, "--signer-cert", k.aPub)
	if !bytes.Contains(plain, []byte("pgp words "+tag)) || !bytes.Contains(plain, []byte("Subject: PGP secret "+tag)) || !bytes.Contains(plain, []byte(`protected-headers="v1"`)) {
		t.Errorf("sq decrypt of the delivered message: no text or protected Subject:\n%s", plain)
	}
	cp := sentCopy(id)
	hidden("the Sent copy", cp, "pgp words")
	if mine := gpgtest.GPG(t, k.aHome, afterBlank(mimePart(t, cp, 2)), "--passphrase", "pp", "--decrypt"); !bytes.Contains(mine, []byte("pgp words "+tag)) {
		t.Errorf("the Sent copy does not decrypt with the sender's key:\n%s", mine)
	}

	// EFAIL: a reply to the encrypted Sent copy quotes nothing of it and
	// is encrypted; the decrypted view's "Reply quoting the decrypted
	// text" quotes it, encrypted too.
	files := mailWith(env.a, "Sent", id)
	sentKey, _, _ := strings.Cut(filepath.Base(files[0]), ":")
	r := c.get("/compose?" + url.Values{"reply": {"1"}, "f": {"Sent"}, "id": {sentKey}}.Encode())
	wantStatus(t, r, http.StatusOK)
	if bytes.Contains(r.body, []byte("pgp words")) || !checked(r.doc, "encrypt") {
		t.Errorf("a reply to an encrypted message: quotes its text, or Encrypt is off")
	}
	r = c.post("/decrypt", url.Values{"csrf": {c.csrf()}, "f": {"Sent"}, "id": {sentKey}, "item": {"top"}, "passphrase": {"pp"}})
	wantStatus(t, r, http.StatusOK)
	quote := byID(r.doc, "quote-decrypted")
	if quote == nil {
		t.Fatalf("the decrypted view has no #quote-decrypted form; body %.1500s", r.body)
	}
	qv := url.Values{"reply": {"1"}}
	for _, n := range findAll(quote, func(n *html.Node) bool { return isElem(n, "input") }) {
		qv.Set(attr(n, "name"), attr(n, "value"))
	}
	r = c.post("/compose/quote", qv)
	wantStatus(t, r, http.StatusOK)
	if body := text(byID(r.doc, "body")); !strings.Contains(body, "> pgp words "+tag) || !checked(r.doc, "encrypt") {
		t.Errorf("reply quoting the decrypted text: body %q, Encrypt %v; want the quote and Encrypt on", body, checked(r.doc, "encrypt"))
	}

	// OpenPGP, signed only: sqv checks the signature over part 1.
	id = "pgpsig-" + tag + "@example.org"
	v = form("PGP signed "+tag, "signed words "+tag+" \r\n-- \r\nA\r\n", "openpgp", true, false)
	v.Set("passphrase", "pp")
	v.Set("in_reply_to", id)
	sent(v)
	msg = delivered(id)
	gpgtest.Run(t, sqv, nil, "--keyring", k.aPub, writeTemp(t, afterBlank(mimePart(t, msg, 2))), writeTemp(t, mimePart(t, msg, 1)))

	// S/MIME, signed and encrypted: OpenSSL decrypts with B's key and
	// verifies A's signature inside; the Sent copy decrypts with A's.
	id = "smime-" + tag + "@example.org"
	v = form("SMIME secret "+tag, "smime words "+tag+"\r\n", "smime", true, true)
	v.Set("passphrase", "pw")
	v.Set("in_reply_to", id)
	sent(v)
	msg = delivered(id)
	hidden("the delivered S/MIME message", msg, "smime words", "SMIME secret")
	inner := gpgtest.Run(t, ossl, msg, "smime", "-decrypt", "-recip", k.bPKI.Cert, "-inkey", k.bPKI.Key)
	content := gpgtest.Run(t, ossl, inner, "smime", "-verify", "-CAfile", k.aPKI.CA)
	if !bytes.Contains(content, []byte("smime words "+tag)) || !bytes.Contains(content, []byte("Subject: SMIME secret "+tag)) {
		t.Errorf("openssl: the verified content lacks the text or the protected Subject:\n%s", content)
	}
	if mine := gpgtest.Run(t, ossl, sentCopy(id), "smime", "-decrypt", "-recip", k.aPKI.Cert, "-inkey", k.aPKI.Key); !bytes.Contains(mine, []byte("smime words "+tag)) {
		t.Errorf("the S/MIME Sent copy does not decrypt with the sender's key:\n%.800s", mine)
	}

	// A recipient without a key: "Check recipients' keys" names it, the
	// send is refused (409) with the form kept, and nothing is sent.
	nokey := "nokey" + tag + "@localhost"
	v = form("Refused "+tag, "refused words "+tag+"\r\n", "openpgp", false, true)
	v.Set("to", addr(env.b)+", "+nokey)
	v.Set("action", "keys")
	r = c.postCompose(v)
	wantStatus(t, r, http.StatusOK)
	if n := byID(r.doc, "crypto-missing"); n == nil || !strings.Contains(text(n), nokey) || strings.Contains(text(n), addr(env.b)) {
		t.Errorf("Check recipients' keys: #crypto-missing = %q, want %s only", text(n), nokey)
	}
	v.Set("action", "send")
	r = c.postCompose(v)
	wantStatus(t, r, http.StatusConflict)
	if n := byID(r.doc, "compose-error"); n == nil || !strings.Contains(text(n), nokey) {
		t.Errorf("send to a recipient without a key: no #compose-error naming %s; body %.800s", nokey, r.body)
	}
	if byID(r.doc, "compose") == nil || !bytes.Contains(r.body, []byte("refused words "+tag)) {
		t.Errorf("the refused form does not keep the text")
	}
	// An S/MIME recipient whose certificate is in the keyring but whose
	// chain ends at no root the user trusts: found before the send (not
	// by gpgsm failing, a 502), named like a missing key, 409, form kept.
	untrusted := "untrusted" + tag + "@localhost"
	uPKI := gpgtest.NewPKI(t, "U", untrusted)
	for _, f := range []string{uPKI.CA, uPKI.Cert} {
		pem, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		asUser(t, env.a, pem, "gpgsm", "--homedir", filepath.Join(env.a.home, ".gnupg"), "--batch", "--disable-dirmngr", "--import")
	}
	v = form("Untrusted "+tag, "untrusted words "+tag+"\r\n", "smime", false, true)
	v.Set("to", addr(env.b)+", "+untrusted)
	v.Set("action", "keys")
	r = c.postCompose(v)
	wantStatus(t, r, http.StatusOK)
	if n := byID(r.doc, "crypto-untrusted"); n == nil || !strings.Contains(text(n), untrusted) || strings.Contains(text(n), addr(env.b)) {
		t.Errorf("Check recipients' keys: #crypto-untrusted = %q, want %s only", text(n), untrusted)
	}
	v.Set("action", "send")
	r = c.postCompose(v)
	wantStatus(t, r, http.StatusConflict)
	if n := byID(r.doc, "compose-error"); n == nil || !strings.Contains(text(n), untrusted) || !strings.Contains(text(n), "not trusted") {
		t.Errorf("send to an untrusted certificate: #compose-error %q, want it named as not trusted", text(n))
	}
	if byID(r.doc, "compose") == nil || !bytes.Contains(r.body, []byte("untrusted words "+tag)) {
		t.Errorf("the refused form does not keep the text")
	}
	// A wrong passphrase: refused (403), the form kept, the passphrase
	// not echoed.
	v = form("Wrong "+tag, "wrong words "+tag+"\r\n", "openpgp", true, false)
	v.Set("passphrase", "not-the-pp-"+tag)
	r = c.postCompose(v)
	wantStatus(t, r, http.StatusForbidden)
	if !strings.Contains(text(byID(r.doc, "compose-error")), "passphrase") || !bytes.Contains(r.body, []byte("wrong words "+tag)) || bytes.Contains(r.body, []byte("not-the-pp-"+tag)) {
		t.Errorf("wrong passphrase: want an error about it, the text kept and the passphrase not shown; body %.800s", r.body)
	}
	for _, s := range []string{"Refused " + tag, "Wrong " + tag, "Untrusted " + tag, "refused words", "wrong words " + tag} {
		if got := mailWith(env.a, "Sent", s); len(got) != 0 {
			t.Errorf("a refused message reached Sent: %s", got)
		}
	}
	// S/MIME names every recipient's certificate: encrypting to a Bcc
	// recipient is refused.
	v = form("Bcc "+tag, "bcc words "+tag+"\r\n", "smime", false, true)
	v.Set("to", addr(env.a))
	v.Set("bcc", addr(env.b))
	r = c.postCompose(v)
	wantStatus(t, r, http.StatusConflict)
	if !strings.Contains(text(byID(r.doc, "compose-error")), "Bcc") {
		t.Errorf("S/MIME encrypted with Bcc: no error about Bcc; body %.800s", r.body)
	}
	// Taking encryption off sends it.
	id = "plain-" + tag + "@example.org"
	v = form("Plain "+tag, "plain words "+tag+"\r\n", "openpgp", false, false)
	v.Set("to", addr(env.b))
	v.Set("in_reply_to", id)
	sent(v)
	delivered(id)

	// The preferences give the compose form its defaults.
	prefs := formValues(t, c.get("/prefs"), "prefs")
	if prefs.Get("crypto_form") == "" {
		t.Errorf("the preferences have no signing and encryption defaults with crypto = yes")
	}
	saved := url.Values{}
	for k, vs := range prefs {
		saved[k] = append([]string(nil), vs...)
	}
	t.Cleanup(func() { c.post("/prefs", saved) })
	prefs.Set("crypto_form", "1")
	prefs.Set("sign", "1")
	prefs.Set("encrypt", "1")
	prefs.Set("crypto_method", "smime")
	wantStatus(t, c.post("/prefs", prefs), http.StatusOK)
	r = c.get("/compose")
	wantStatus(t, r, http.StatusOK)
	method := findFirst(r.doc, func(n *html.Node) bool { return isElem(n, "option") && attr(n, "value") == "smime" })
	if !checked(r.doc, "sign") || !checked(r.doc, "encrypt") || method == nil || !hasAttr(method, "selected") {
		t.Errorf("compose after the preferences Sign, Encrypt, S/MIME: the form does not start with them")
	}
	wantStatus(t, c.post("/prefs", saved), http.StatusOK)

	// A draft of an encrypted message is stored encrypted to A's key,
	// and opens with the passphrase.
	v = form("Draft secret "+tag, "draft words "+tag+"\r\n", "openpgp", false, true)
	v.Set("action", "save")
	r = c.postCompose(v)
	wantStatus(t, r, http.StatusOK)
	draftKey := attr(findFirst(byID(r.doc, "compose"), func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "draft" }), "value")
	if draftKey == "" {
		t.Fatalf("save: no draft key in the form; body %.800s", r.body)
	}
	for _, dir := range []string{"cur", "new"} {
		files, _ := filepath.Glob(filepath.Join(folderDir(env.a, "Drafts"), dir, draftKey+"*"))
		for _, f := range files {
			b, _ := os.ReadFile(f)
			if bytes.Contains(b, []byte("draft words")) || !bytes.Contains(b, []byte("multipart/encrypted")) {
				t.Errorf("the draft %s is not stored encrypted:\n%.600s", f, b)
			}
		}
	}
	r = c.get("/compose?draft=" + url.QueryEscape(draftKey))
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "unlock-draft") == nil || bytes.Contains(r.body, []byte("draft words")) {
		t.Fatalf("GET /compose of an encrypted draft: no #unlock-draft form, or the text shown")
	}
	r = c.post("/compose", url.Values{"csrf": {c.csrf()}, "draft": {draftKey}, "passphrase": {"wrong"}})
	wantStatus(t, r, http.StatusForbidden)
	r = c.post("/compose", url.Values{"csrf": {c.csrf()}, "draft": {draftKey}, "passphrase": {"pp"}})
	wantStatus(t, r, http.StatusOK)
	if !bytes.Contains(r.body, []byte("draft words "+tag)) || !bytes.Contains(r.body, []byte("Draft secret "+tag)) {
		t.Errorf("POST /compose with the passphrase: the draft's text and subject are not in the form; body %.800s", r.body)
	}
	if !checked(r.doc, "encrypt") {
		t.Errorf("the opened encrypted draft's form has Encrypt off")
	}
}

// writeTemp writes b into a new temporary file.
func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// checked reports whether the checkbox named name is checked.
func checked(doc *html.Node, name string) bool {
	n := findFirst(doc, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == name })
	return n != nil && hasAttr(n, "checked")
}
