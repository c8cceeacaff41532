package gnupg

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pki is a test CA and a user certificate made with openssl.
type pki struct {
	dir                string
	ca, cert, key, p12 string
	caFingerprint      string // SHA-1, colon-separated, as gpgsm's trustlist.txt wants
}

// newPKI makes a CA and a certificate for bob@example.org with openssl.
func newPKI(t *testing.T) *pki {
	t.Helper()
	ossl := tool(t, "openssl")
	d := t.TempDir()
	p := &pki{dir: d, ca: filepath.Join(d, "ca.pem"), cert: filepath.Join(d, "bob.pem"),
		key: filepath.Join(d, "bob.key"), p12: filepath.Join(d, "bob.p12")}
	runTool(t, ossl, nil, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", filepath.Join(d, "ca.key"),
		"-out", p.ca, "-subj", "/CN=postern test CA", "-days", "30",
		"-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
	runTool(t, ossl, nil, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", p.key, "-out", filepath.Join(d, "bob.csr"),
		"-subj", "/CN=Bob/emailAddress=bob@example.org")
	ext := filepath.Join(d, "ext")
	if err := os.WriteFile(ext, []byte("subjectAltName=email:bob@example.org\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=emailProtection\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runTool(t, ossl, nil, "x509", "-req", "-in", filepath.Join(d, "bob.csr"), "-CA", p.ca, "-CAkey", filepath.Join(d, "ca.key"),
		"-CAcreateserial", "-out", p.cert, "-days", "30", "-extfile", ext)
	// gpgsm reads only the older PKCS#12 encryption.
	runTool(t, ossl, nil, "pkcs12", "-export", "-in", p.cert, "-inkey", p.key, "-passout", "pass:pw",
		"-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1", "-out", p.p12)
	fp := runTool(t, ossl, nil, "x509", "-in", p.ca, "-noout", "-fingerprint", "-sha1")
	_, p.caFingerprint, _ = strings.Cut(strings.TrimSpace(string(fp)), "=")
	return p
}

// smimeHome makes a gpgsm home with the CA and Bob's certificate;
// trusted puts the CA in trustlist.txt; withKey imports Bob's key
// (protected by the PKCS#12 passphrase "pw").
func (p *pki) smimeHome(t *testing.T, trusted, withKey bool) string {
	t.Helper()
	home := newHome(t)
	gpgsm := tool(t, "gpgsm")
	for _, f := range []string{p.ca, p.cert} {
		runTool(t, gpgsm, nil, "--homedir", home, "--batch", "--import", f)
	}
	if withKey {
		runTool(t, gpgsm, []byte("pw\n"), "--homedir", home, "--batch", "--pinentry-mode", "loopback",
			"--passphrase-fd", "0", "--import", p.p12)
	}
	if trusted {
		if err := os.WriteFile(filepath.Join(home, "trustlist.txt"), []byte(p.caFingerprint+" S\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

// TestVerifySMIME checks signatures made by openssl smime and verified
// by gpgsm: good with a trusted CA, good but untrusted without it, bad
// when altered, unknown without the certificate; opaque signed data
// gives its content.
func TestVerifySMIME(t *testing.T) {
	p := newPKI(t)
	ossl := tool(t, "openssl")
	content := []byte("Content-Type: text/plain\r\n\r\nhello S/MIME\r\n")
	in := filepath.Join(p.dir, "content")
	if err := os.WriteFile(in, content, 0o600); err != nil {
		t.Fatal(err)
	}
	sig := runTool(t, ossl, nil, "smime", "-sign", "-binary", "-in", in, "-signer", p.cert, "-inkey", p.key, "-outform", "DER")

	trusted := runner(t, p.smimeHome(t, true, false))
	sigs, err := trusted.VerifySMIME(ctx(t), content, sig)
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 1 || sigs[0].Verdict != Good || sigs[0].Validity != ValidityFull ||
		!strings.Contains(sigs[0].UserID, "CN=Bob") || sigs[0].Fingerprint == "" {
		t.Errorf("VerifySMIME(trusted CA) = %+v, want one good, fully valid signature by CN=Bob", sigs)
	}
	addrs, err := trusted.Addresses(ctx(t), true, sigs[0].Fingerprint)
	if err != nil || strings.Join(addrs, " ") != "bob@example.org" {
		t.Errorf("Addresses(smime) = %v, %v, want bob@example.org", addrs, err)
	}

	untrusted := runner(t, p.smimeHome(t, false, false))
	sigs, err = untrusted.VerifySMIME(ctx(t), content, sig)
	if err != nil || len(sigs) != 1 || sigs[0].Verdict != Good || sigs[0].Validity != ValidityUndefined || sigs[0].ValidityError == "" {
		t.Errorf("VerifySMIME(untrusted CA) = %+v, %v, want good with an undefined validity and its error token", sigs, err)
	}

	altered := bytes.Replace(content, []byte("hello"), []byte("HELLO"), 1)
	sigs, err = trusted.VerifySMIME(ctx(t), altered, sig)
	if err != nil || len(sigs) != 1 || sigs[0].Verdict != Bad {
		t.Errorf("VerifySMIME(altered) = %+v, %v, want one bad signature", sigs, err)
	}

	// openssl puts the signer's certificate in the signature; without
	// the CA the chain cannot be built.
	empty := runner(t, newHome(t))
	sigs, err = empty.VerifySMIME(ctx(t), content, sig)
	if err != nil || len(sigs) != 1 || sigs[0].Verdict == Good && sigs[0].Validity >= ValidityMarginal {
		t.Errorf("VerifySMIME(empty home) = %+v, %v, want no valid signature", sigs, err)
	}

	opaque := runTool(t, ossl, nil, "smime", "-sign", "-nodetach", "-binary", "-in", in, "-signer", p.cert,
		"-inkey", p.key, "-outform", "DER")
	sigs, got, err := trusted.VerifySMIMEOpaque(ctx(t), opaque)
	if err != nil || len(sigs) != 1 || sigs[0].Verdict != Good || !bytes.Equal(got, content) {
		t.Errorf("VerifySMIMEOpaque = %+v, %q, %v, want one good signature and the content", sigs, got, err)
	}
}

// TestDecryptSMIME decrypts EnvelopedData made by openssl smime with the
// right and a wrong passphrase, and without the key.
func TestDecryptSMIME(t *testing.T) {
	p := newPKI(t)
	content := "Content-Type: text/plain\r\n\r\nenveloped zebracorn\r\n"
	in := filepath.Join(p.dir, "msg")
	if err := os.WriteFile(in, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	env := runTool(t, tool(t, "openssl"), nil, "smime", "-encrypt", "-aes256", "-binary", "-in", in, "-outform", "DER", p.cert)
	home := p.smimeHome(t, true, true)
	forget(t, home)
	r := runner(t, home)

	d, pt, err := r.DecryptSMIME(ctx(t), env, []byte("wrong"))
	if err != nil || d.OK || pt != nil {
		t.Errorf("DecryptSMIME(wrong passphrase) = %+v, %q, %v, want a failure without plaintext", d, pt, err)
	}
	d, pt, err = r.DecryptSMIME(ctx(t), env, []byte("pw"))
	if err != nil || !d.OK || string(pt) != content || d.Integrity {
		t.Errorf("DecryptSMIME(right passphrase) = %+v, %q, %v, want the content (without an integrity claim)", d, pt, err)
	}
	d, pt, err = runner(t, p.smimeHome(t, true, false)).DecryptSMIME(ctx(t), env, nil)
	if err != nil || d.OK || len(d.NoSecretKey) == 0 || pt != nil {
		t.Errorf("DecryptSMIME(no key) = %+v, %q, %v, want NoSecretKey", d, pt, err)
	}
}
