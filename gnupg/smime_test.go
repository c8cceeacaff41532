package gnupg

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"postern/internal/gpgtest"
)

// TestVerifySMIME checks signatures made by openssl smime and verified
// by gpgsm: good with a trusted CA, good but untrusted without it, bad
// when altered, unknown without the certificate; opaque signed data
// gives its content.
func TestVerifySMIME(t *testing.T) {
	p := gpgtest.NewPKI(t, "Bob", "bob@example.org")
	ossl := tool(t, "openssl")
	content := []byte("Content-Type: text/plain\r\n\r\nhello S/MIME\r\n")
	in := filepath.Join(p.Dir, "content")
	if err := os.WriteFile(in, content, 0o600); err != nil {
		t.Fatal(err)
	}
	sig := runTool(t, ossl, nil, "smime", "-sign", "-binary", "-in", in, "-signer", p.Cert, "-inkey", p.Key, "-outform", "DER")

	trusted := runner(t, p.SMIMEHome(t, true, false))
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

	untrusted := runner(t, p.SMIMEHome(t, false, false))
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

	opaque := runTool(t, ossl, nil, "smime", "-sign", "-nodetach", "-binary", "-in", in, "-signer", p.Cert,
		"-inkey", p.Key, "-outform", "DER")
	sigs, got, err := trusted.VerifySMIMEOpaque(ctx(t), opaque)
	if err != nil || len(sigs) != 1 || sigs[0].Verdict != Good || !bytes.Equal(got, content) {
		t.Errorf("VerifySMIMEOpaque = %+v, %q, %v, want one good signature and the content", sigs, got, err)
	}
}

// TestDecryptSMIME decrypts EnvelopedData made by openssl smime with the
// right and a wrong passphrase, and without the key.
func TestDecryptSMIME(t *testing.T) {
	p := gpgtest.NewPKI(t, "Bob", "bob@example.org")
	content := "Content-Type: text/plain\r\n\r\nenveloped zebracorn\r\n"
	in := filepath.Join(p.Dir, "msg")
	if err := os.WriteFile(in, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	env := runTool(t, tool(t, "openssl"), nil, "smime", "-encrypt", "-aes256", "-binary", "-in", in, "-outform", "DER", p.Cert)
	home := p.SMIMEHome(t, true, true)
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
	d, pt, err = runner(t, p.SMIMEHome(t, true, false)).DecryptSMIME(ctx(t), env, nil)
	if err != nil || d.OK || len(d.NoSecretKey) == 0 || pt != nil {
		t.Errorf("DecryptSMIME(no key) = %+v, %q, %v, want NoSecretKey", d, pt, err)
	}
}
