package seal

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"postern/internal/gpgtest"
)

// TestSMIMEInterop: signed, encrypted, and signed then encrypted through
// gpgsm, checked by OpenSSL: openssl smime -verify with the test CA,
// -decrypt with the user's key.
func TestSMIMEInterop(t *testing.T) {
	ossl := gpgtest.Tool(t, "openssl")
	pki := gpgtest.NewPKI(t, "Alice", "alice@example.org")
	home := pki.SMIMEHome(t, true, true)
	g := runner(t, home)
	own, err := OwnKey(t.Context(), g, SMIME, "alice@example.org", true)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := FindRecipients(t.Context(), g, SMIME, []string{"alice@example.org", "bob@example.net"})
	if err != nil || len(rc.Fingerprints) != 1 || strings.Join(rc.Missing, "") != "bob@example.net" {
		t.Fatalf("FindRecipients = %+v, %v; want Alice's certificate, bob missing", rc, err)
	}
	msg := message(t, "alice@example.org", "bob@example.net", "S/MIME test", "Body with the word zanzibar. \n")

	signed, err := Seal(t.Context(), g, msg, Request{Method: SMIME, Sign: true, Signer: own, Passphrase: []byte("pw")})
	if err != nil {
		t.Fatal(err)
	}
	h, ps := parts(t, signed)
	mustContain(t, "Content-Type", []byte(h.get("Content-Type").value()), "multipart/signed", `protocol="application/pkcs7-signature"`, "micalg=sha-256")
	mustContain(t, "signature part", ps[1], "application/pkcs7-signature", "smime.p7s")
	content := gpgtest.Run(t, ossl, signed, "smime", "-verify", "-CAfile", pki.CA)
	mustContain(t, "verified content", content, "zanzibar", `protected-headers="v1"`)
	tampered := []byte(strings.Replace(string(signed), "zanzibar", "zanzibaR", 1))
	if _, err := gpgtestRun(ossl, "smime", "-verify", "-CAfile", pki.CA, "-in", writeFile(t, "t.eml", tampered)); err == nil {
		t.Error("openssl verified a changed message")
	}

	for _, signToo := range []bool{false, true} {
		req := Request{Method: SMIME, Encrypt: true, Recipients: rc.Fingerprints}
		if signToo {
			req.Sign, req.Signer, req.Passphrase = true, own, []byte("pw")
		}
		enc, err := Seal(t.Context(), g, msg, req)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(enc), "zanzibar") {
			t.Fatal("the encrypted message shows its text")
		}
		mustContain(t, "encrypted", enc, "Content-Type: application/pkcs7-mime; smime-type=enveloped-data", "Subject: ...")
		plain := gpgtest.Run(t, ossl, enc, "smime", "-decrypt", "-recip", pki.Cert, "-inkey", pki.Key)
		mustContain(t, "decrypted", plain, "zanzibar", "Subject: S/MIME test")
		if signToo {
			mustContain(t, "decrypted", plain, "application/pkcs7-signature")
			inner := gpgtest.Run(t, ossl, plain, "smime", "-verify", "-CAfile", pki.CA)
			mustContain(t, "verified inner content", inner, "zanzibar")
		}
	}
}

// TestSevenBit: a body with 8-bit bytes, a bare CR or a long line is
// refused before GnuPG runs.
func TestSevenBit(t *testing.T) {
	for _, body := range []string{"caf\xc3\xa9\n", "a\rb\n", strings.Repeat("x", 999) + "\n", "nul\x00\n"} {
		msg := []byte("From: a@b\nContent-Type: text/plain\n\n" + body)
		if _, err := Seal(t.Context(), nil, msg, Request{Method: OpenPGP, Sign: true, Signer: strings.Repeat("A", 40)}); !errors.Is(err, ErrNotSevenBit) {
			t.Errorf("Seal(body %q) = %v, want ErrNotSevenBit", body[:min(len(body), 10)], err)
		}
	}
}

// TestSMIMEUntrustedRecipient: a recipient's certificate whose chain
// does not end at a trusted root is found before the send (Missing and
// Untrusted), as gpgsm would refuse to encrypt to it; once the user
// trusts the root it is found.
func TestSMIMEUntrustedRecipient(t *testing.T) {
	pki := gpgtest.NewPKI(t, "Bob", "bob@example.net")
	home := pki.SMIMEHome(t, false, false)
	g := runner(t, home)
	rc, err := FindRecipients(t.Context(), g, SMIME, []string{"Bob@example.net", "carol@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rc.Fingerprints) != 0 || strings.Join(rc.Missing, " ") != "Bob@example.net carol@example.org" || strings.Join(rc.Untrusted, " ") != "Bob@example.net" {
		t.Errorf("untrusted chain: FindRecipients = %+v, want both missing, Bob's untrusted", rc)
	}
	// The listing says what the encryption does: gpgsm refuses it.
	keys, err := g.Keys(t.Context(), true, false)
	if err != nil {
		t.Fatal(err)
	}
	var bob string
	for _, k := range keys {
		if k.HasAddress("bob@example.net") {
			bob = k.Fingerprint
		}
	}
	msg := message(t, "alice@example.org", "bob@example.net", "untrusted", "Body.\n")
	if _, err := Seal(t.Context(), g, msg, Request{Method: SMIME, Encrypt: true, Recipients: []string{bob}}); err == nil {
		t.Error("gpgsm encrypted to a certificate whose chain is not trusted; the lookup refuses what would work")
	}

	if err := os.WriteFile(filepath.Join(home, "trustlist.txt"), []byte(pki.CAFingerprint+" S\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rc, err = FindRecipients(t.Context(), g, SMIME, []string{"bob@example.net"})
	if err != nil || len(rc.Fingerprints) != 1 || rc.Fingerprints[0] != bob || len(rc.Missing)+len(rc.Untrusted) != 0 {
		t.Errorf("trusted root: FindRecipients = %+v, %v, want Bob's certificate %s", rc, err, bob)
	}
}

// TestSMIMEUntrustedOwnKey: the user's own certificate whose chain ends
// at no trusted root is found, and said to be untrusted, before gpgsm
// fails on it; once the root is trusted it is the own key.
func TestSMIMEUntrustedOwnKey(t *testing.T) {
	pki := gpgtest.NewPKI(t, "Alice", "alice@example.org")
	home := pki.SMIMEHome(t, false, true)
	g := runner(t, home)
	for _, sign := range []bool{true, false} {
		if _, err := OwnKey(t.Context(), g, SMIME, "alice@example.org", sign); !errors.Is(err, ErrOwnKeyUntrusted) {
			t.Errorf("OwnKey(untrusted chain, sign %v) = %v, want ErrOwnKeyUntrusted", sign, err)
		}
	}
	if _, err := OwnKey(t.Context(), g, SMIME, "carol@example.org", true); !errors.Is(err, ErrNoOwnKey) {
		t.Errorf("OwnKey(no certificate) = %v, want ErrNoOwnKey", err)
	}
	if err := os.WriteFile(filepath.Join(home, "trustlist.txt"), []byte(pki.CAFingerprint+" S\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if own, err := OwnKey(t.Context(), g, SMIME, "alice@example.org", true); err != nil || own == "" {
		t.Errorf("OwnKey(trusted root) = %q, %v, want the certificate", own, err)
	}
}
