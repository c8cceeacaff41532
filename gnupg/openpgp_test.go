package gnupg

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestVerifyDetached checks the verdicts of real signatures made by the
// command-line gpg: good, bad, unknown key, untrusted, revoked, expired.
func TestVerifyDetached(t *testing.T) {
	alice := newHome(t)
	fpr := newKey(t, alice, "Alice <alice@example.org>", "")
	data := []byte("Content-Type: text/plain\r\n\r\nsigned words\r\n")
	// Signing by address puts the signer's user id subpacket in.
	sig := gpgCmd(t, alice, data, "--armor", "--local-user", "alice@example.org", "--detach-sign")
	keyid := fpr[len(fpr)-16:]

	check := func(name string, r *Runner, data []byte, want Verdict, validity Validity) Signature {
		t.Helper()
		sigs, err := r.VerifyDetached(ctx(t), data, sig)
		if err != nil {
			t.Fatalf("%s: VerifyDetached: %v", name, err)
		}
		if len(sigs) != 1 {
			t.Fatalf("%s: VerifyDetached = %d signatures %+v, want 1", name, len(sigs), sigs)
		}
		s := sigs[0]
		if s.Verdict != want || s.Validity != validity {
			t.Errorf("%s: VerifyDetached = %s/%s, want %s/%s", name, s.Verdict, s.Validity, want, validity)
		}
		return s
	}

	s := check("own key", runner(t, alice), data, Good, ValidityUltimate)
	if s.Fingerprint != fpr || s.PrimaryFingerprint != fpr || s.KeyID != keyid ||
		s.UserID != "Alice <alice@example.org>" || s.SignersUID != "alice@example.org" || s.Created.IsZero() {
		t.Errorf("good signature = %+v, want fingerprint %s, key id %s, user id and signer's uid", s, fpr, keyid)
	}
	tampered := bytes.Replace(data, []byte("signed"), []byte("singed"), 1)
	check("tampered", runner(t, alice), tampered, Bad, ValidityUnknown)

	stranger := newHome(t)
	s = check("unknown key", runner(t, stranger), data, NoKey, ValidityUnknown)
	if s.KeyID != keyid {
		t.Errorf("unknown key: KeyID = %q, want %q", s.KeyID, keyid)
	}

	// Bob has Alice's key but has not certified it: good, not valid.
	bob := newHome(t)
	pub := gpgCmd(t, alice, nil, "--armor", "--export", fpr)
	runTool(t, tool(t, "gpg"), pub, "--homedir", bob, "--batch", "--import")
	check("untrusted", runner(t, bob), data, Good, ValidityUndefined)

	// Alice revokes her key (the revocation certificate gpg made).
	rev, err := os.ReadFile(filepath.Join(alice, "openpgp-revocs.d", fpr+".rev"))
	if err != nil {
		t.Fatal(err)
	}
	rev = bytes.Replace(rev, []byte(":-----BEGIN"), []byte("-----BEGIN"), 1)
	runTool(t, tool(t, "gpg"), rev, "--homedir", bob, "--batch", "--import")
	check("revoked", runner(t, bob), data, RevokedKey, ValidityUndefined)
}

// TestVerifyExpiredKey: a key made in 2020 that expired in 2021 signed
// then; its signature is good but by an expired key.
func TestVerifyExpiredKey(t *testing.T) {
	home := newHome(t)
	past := []string{"--faked-system-time", "20200601T120000"}
	gpgCmd(t, home, nil, append(past, "--passphrase", "", "--quick-gen-key", "Old <old@example.org>", "ed25519", "sign", "1y")...)
	fpr := fingerprint(t, home, "old@example.org")
	data := []byte("old words\n")
	sig := gpgCmd(t, home, data, append(past, "--local-user", fpr, "--detach-sign")...)
	sigs, err := runner(t, home).VerifyDetached(ctx(t), data, sig)
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 1 || sigs[0].Verdict != ExpiredKey {
		t.Errorf("VerifyDetached = %+v, want one signature by an expired key", sigs)
	}
}

// TestVerifyClearsigned checks a clearsigned block and the text gpg
// says it covers (dash-escaping undone).
func TestVerifyClearsigned(t *testing.T) {
	home := newHome(t)
	fpr := newKey(t, home, "Alice <alice@example.org>", "")
	text := "hello\n- a dashed line\n"
	block := gpgCmd(t, home, []byte(text), "--local-user", fpr, "--clearsign")
	r := runner(t, home)
	sigs, got, err := r.VerifyClearsigned(ctx(t), block)
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 1 || sigs[0].Verdict != Good || sigs[0].Fingerprint != fpr {
		t.Errorf("VerifyClearsigned = %+v, want one good signature by %s", sigs, fpr)
	}
	if string(got) != text {
		t.Errorf("VerifyClearsigned text = %q, want %q", got, text)
	}
	bad := bytes.Replace(block, []byte("hello"), []byte("HELLO"), 1)
	sigs, _, err = r.VerifyClearsigned(ctx(t), bad)
	if err != nil || len(sigs) != 1 || sigs[0].Verdict != Bad {
		t.Errorf("VerifyClearsigned(altered) = %+v, %v, want one bad signature", sigs, err)
	}
}

// TestDecrypt: right and wrong passphrase, a key the user lacks, and a
// message without integrity protection, whose plaintext gpg writes out
// before failing and Decrypt must throw away.
func TestDecrypt(t *testing.T) {
	home := newHome(t)
	fpr := newKey(t, home, "Carol <carol@example.org>", "correct horse")
	secret := "the marker word zebracorn\n"
	ct := gpgCmd(t, home, []byte(secret), "--armor", "--recipient", fpr, "--sign", "--local-user", fpr,
		"--passphrase", "correct horse", "--encrypt")
	r := runner(t, home)
	forget(t, home) // the agent cached the passphrase when it signed

	d, pt, err := r.Decrypt(ctx(t), ct, []byte("wrong"))
	if err != nil || d.OK || !d.BadPassphrase || pt != nil {
		t.Errorf("Decrypt(wrong passphrase) = %+v, %q, %v, want a bad passphrase and no plaintext", d, pt, err)
	}
	d, pt, err = r.Decrypt(ctx(t), ct, []byte("correct horse"))
	if err != nil || !d.OK || !d.Integrity || string(pt) != secret {
		t.Errorf("Decrypt(right passphrase) = %+v, %q, %v, want the plaintext with integrity", d, pt, err)
	}
	if len(d.Signatures) != 1 || d.Signatures[0].Verdict != Good {
		t.Errorf("Decrypt signatures = %+v, want one good (signed inside encrypted)", d.Signatures)
	}
	if len(d.EncryptedTo) == 0 {
		t.Errorf("Decrypt EncryptedTo is empty")
	}
	// The agent now caches the passphrase; Forget drops it.
	if d, _, _ := r.Decrypt(ctx(t), ct, nil); !d.OK {
		t.Errorf("Decrypt(no passphrase, cached by the agent) = %+v, want OK (else the Forget check below proves nothing)", d)
	}
	if err := r.Forget(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if d, pt, _ := r.Decrypt(ctx(t), ct, nil); d.OK || !d.NeedPassphrase || pt != nil {
		t.Errorf("Decrypt(no passphrase) after Forget = %+v, want NeedPassphrase", d)
	}

	other := newHome(t)
	d, pt, err = runner(t, other).Decrypt(ctx(t), ct, nil)
	if err != nil || d.OK || len(d.NoSecretKey) == 0 || pt != nil {
		t.Errorf("Decrypt(no secret key) = %+v, %q, %v, want NoSecretKey", d, pt, err)
	}

	legacy := gpgCmd(t, home, []byte(secret), "--armor", "--rfc2440", "--cipher-algo", "AES",
		"--passphrase", "pw", "--symmetric")
	d, pt, err = r.Decrypt(ctx(t), legacy, []byte("pw"))
	if err != nil || d.OK || !d.NoIntegrity || d.Integrity || pt != nil {
		t.Errorf("Decrypt(no MDC) = %+v, %q, %v, want refused as without integrity, no plaintext", d, pt, err)
	}
}

// TestAddresses reads the addresses of a key's user ids.
func TestAddresses(t *testing.T) {
	home := newHome(t)
	fpr := newKey(t, home, "Alice <Alice@Example.org>", "")
	gpgCmd(t, home, nil, "--quick-add-uid", fpr, "alice@work.example")
	got, err := runner(t, home).Addresses(ctx(t), false, fpr)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got) // gpg lists user ids in its own order
	if g := strings.Join(got, " "); g != "alice@example.org alice@work.example" {
		t.Errorf("Addresses = %q, want both addresses in lower case", g)
	}
}
