package mailcrypto

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postern/gnupg"
	"postern/internal/gpgtest"
)

func runnerFor(t *testing.T, home string) *gnupg.Runner {
	t.Helper()
	return &gnupg.Runner{GPG: gpgtest.Tool(t, "gpg"), GPGSM: gpgtest.Tool(t, "gpgsm"), Home: home, Timeout: 30 * time.Second}
}

// lf turns CRLF into LF, as a Maildir stores mail.
func lf(b []byte) string { return strings.ReplaceAll(string(b), "\r\n", "\n") }

// pgpMIME wraps a signed entity and its armored signature in a
// multipart/signed (RFC 3156), stored with LF line ends.
func pgpMIME(from string, entity, sig []byte) string {
	return "From: " + from + "\nSubject: s\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/signed; micalg=pgp-sha512; protocol=\"application/pgp-signature\"; boundary=\"sig\"\n\n" +
		"--sig\n" + lf(entity) + "\n--sig\nContent-Type: application/pgp-signature; name=\"signature.asc\"\n\n" +
		string(sig) + "\n--sig--\n"
}

// only returns the one item of kind k, or fails.
func only(t *testing.T, msg string, k Kind) Item {
	t.Helper()
	var found []Item
	for _, it := range RecogniseBytes([]byte(msg), Limits{}) {
		if it.Kind == k {
			found = append(found, it)
		}
	}
	if len(found) != 1 {
		t.Fatalf("RecogniseBytes: %d items of kind %s, want 1", len(found), k)
	}
	return found[0]
}

// TestVerifyPGPMIME verifies real PGP/MIME signatures (made by the
// command-line gpg over the CRLF form, stored with LF) and checks what
// each covers: the whole message, one part beside unsigned text, a
// forwarded message; and the signer's address against the From of the
// message holding the part.
func TestVerifyPGPMIME(t *testing.T) {
	home := gpgtest.NewHome(t)
	gpgtest.NewKey(t, home, "Alice <alice@example.org>", "")
	entity := []byte("Content-Type: text/plain; charset=utf-8\r\n\r\nsigned zebracorn\r\n")
	sig := gpgtest.GPG(t, home, entity, "--armor", "--local-user", "alice@example.org", "--detach-sign")
	r := runnerFor(t, home)
	ctx := t.Context()

	whole := pgpMIME("Alice <alice@example.org>", entity, sig)
	v := Verify(ctx, r, only(t, whole, PGPSigned))
	if v.State != Good || !v.Item.Whole || v.Item.Covers != "1" || len(v.Signers) != 1 || !v.Signers[0].FromMatches ||
		v.Signers[0].UserID != "Alice <alice@example.org>" {
		t.Errorf("whole: Verify = %s %+v, want good over the whole message by Alice, From matching", v.State, v)
	}

	spoofed := pgpMIME("Mallory <alice@example.org.evil>", entity, sig)
	v = Verify(ctx, r, only(t, spoofed, PGPSigned))
	if v.State != Good || v.Signers[0].FromMatches {
		t.Errorf("other From: Verify = %s, FromMatches %v, want good but not matching", v.State, v.Signers[0].FromMatches)
	}

	// A signed part beside unsigned text: the signature covers part 2.1.
	inner := strings.SplitN(whole, "\n\n", 2)
	partial := "From: alice@example.org\nContent-Type: multipart/mixed; boundary=\"mix\"\n\n--mix\nContent-Type: text/plain\n\nunsigned text added\n--mix\n" +
		strings.TrimPrefix(inner[0], "From: Alice <alice@example.org>\nSubject: s\nMIME-Version: 1.0\n") + "\n\n" + inner[1] + "--mix--\n"
	v = Verify(ctx, r, only(t, partial, PGPSigned))
	if v.State != Good || v.Item.Whole || v.Item.Part != "2" || v.Item.Covers != "2.1" {
		t.Errorf("partial: Verify = %s, item %+v, want good over part 2.1 only", v.State, v.Item)
	}

	// A forwarded signed message: covers 2.1 of the attached message,
	// and compares with the attached message's From.
	fwd := "From: bob@example.org\nContent-Type: multipart/mixed; boundary=\"fw\"\n\n--fw\nContent-Type: text/plain\n\nsee below\n--fw\nContent-Type: message/rfc822\n\n" +
		whole + "\n--fw--\n"
	v = Verify(ctx, r, only(t, fwd, PGPSigned))
	if v.State != Good || v.Item.Whole || v.Item.Embedded != "2" || v.Item.Covers != "2.1" || !v.Signers[0].FromMatches {
		t.Errorf("forwarded: Verify = %s, item %+v, want good over 2.1 inside the attached message, From matching", v.State, v.Item)
	}

	tampered := strings.Replace(whole, "zebracorn", "zebracorm", 1)
	if v = Verify(ctx, r, only(t, tampered, PGPSigned)); v.State != Bad {
		t.Errorf("tampered: Verify = %s, want bad", v.State)
	}

	v = Verify(ctx, runnerFor(t, gpgtest.NewHome(t)), only(t, whole, PGPSigned))
	if v.State != UnknownKey || len(v.Signers) != 1 || len(v.Signers[0].KeyID) != 16 {
		t.Errorf("stranger: Verify = %s %+v, want an unknown key with its key id", v.State, v.Signers)
	}

	stripped := "From: a@example.org\nContent-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=\"b\"\n\n--b\n" + lf(entity) + "\n--b--\n"
	if v = Verify(ctx, r, only(t, stripped, PGPSigned)); v.State != Missing {
		t.Errorf("stripped: Verify = %s, want missing", v.State)
	}
}

// TestVerifyRevokedExpired: a signature by a key revoked since (its
// revocation certificate imported, as a user of the key does on hearing
// of it) is Revoked, and one by a key that has expired is Expired; each
// names the key and is never shown as signed content.
func TestVerifyRevokedExpired(t *testing.T) {
	ctx := t.Context()
	keys := gpgtest.NewHome(t)
	fpr := gpgtest.NewKey(t, keys, "Alice <alice@example.org>", "")
	entity := []byte("Content-Type: text/plain\r\n\r\nrevoked zebracorn\r\n")
	sig := gpgtest.GPG(t, keys, entity, "--armor", "--local-user", fpr, "--detach-sign")
	msg := pgpMIME("Alice <alice@example.org>", entity, sig)
	reader := gpgtest.NewHome(t)
	gpgtest.GPG(t, reader, gpgtest.GPG(t, keys, nil, "--armor", "--export", fpr), "--import")
	if v := Verify(ctx, runnerFor(t, reader), only(t, msg, PGPSigned)); v.State != Untrusted {
		t.Fatalf("before the revocation: Verify = %s, want untrusted (valid, not certified)", v.State)
	}
	gpgtest.Revoke(t, keys, reader, fpr)
	v := Verify(ctx, runnerFor(t, reader), only(t, msg, PGPSigned))
	if v.State != Revoked || len(v.Signers) != 1 || v.Signers[0].State != Revoked || v.Signers[0].Fingerprint != fpr || v.Content != nil {
		t.Errorf("revoked: Verify = %s %+v, want revoked by %s", v.State, v.Signers, fpr)
	}

	// A key made in 2020 that expired in 2021, which signed then.
	old := gpgtest.NewHome(t)
	past := []string{"--faked-system-time", "20200601T120000"}
	gpgtest.GPG(t, old, nil, append(past, "--passphrase", "", "--quick-gen-key", "Old <old@example.org>", "ed25519", "sign", "1y")...)
	oldFpr := gpgtest.Fingerprint(t, old, "old@example.org")
	oldEntity := []byte("Content-Type: text/plain\r\n\r\nexpired zebracorn\r\n")
	oldSig := gpgtest.GPG(t, old, oldEntity, append(past, "--armor", "--local-user", oldFpr, "--detach-sign")...)
	v = Verify(ctx, runnerFor(t, old), only(t, pgpMIME("Old <old@example.org>", oldEntity, oldSig), PGPSigned))
	if v.State != Expired || len(v.Signers) != 1 || v.Signers[0].Fingerprint != oldFpr || !v.Signers[0].FromMatches {
		t.Errorf("expired: Verify = %s %+v, want expired by %s, From matching", v.State, v.Signers, oldFpr)
	}
}

// TestVerifySequoia: a signature made by Sequoia (sq), another
// implementation than the gpg that verifies it.
func TestVerifySequoia(t *testing.T) {
	sq := gpgtest.Tool(t, "sq")
	dir := t.TempDir()
	key := filepath.Join(dir, "dave.key")
	gpgtest.Run(t, sq, nil, "key", "generate", "--userid", "Dave <dave@example.org>", "--export", key)
	cert := gpgtest.Run(t, sq, nil, "key", "extract-cert", key)
	entity := []byte("Content-Type: text/plain\r\n\r\nsigned by sequoia\r\n")
	sig := gpgtest.Run(t, sq, entity, "sign", "--detached", "--signer-key", key)
	home := gpgtest.NewHome(t)
	gpgtest.GPG(t, home, cert, "--import")
	v := Verify(t.Context(), runnerFor(t, home), only(t, pgpMIME("dave@example.org", entity, sig), PGPSigned))
	// Imported, not certified: good but untrusted.
	if v.State != Untrusted || !v.Signers[0].FromMatches {
		t.Errorf("Verify(sq signature) = %s %+v, want good by an uncertified key, From matching", v.State, v.Signers)
	}
}

// TestVerifyInline: a clearsigned text part; the covered text is what
// gpg returns, and a footer added after the block is not covered.
func TestVerifyInline(t *testing.T) {
	home := gpgtest.NewHome(t)
	gpgtest.NewKey(t, home, "Alice <alice@example.org>", "")
	block := gpgtest.GPG(t, home, []byte("inline words\n"), "--local-user", "alice@example.org", "--clearsign")
	msg := "From: alice@example.org\nContent-Type: text/plain\n\n" + string(block) + "-- \nlist footer\n"
	it := only(t, msg, PGPInlineSigned)
	v := Verify(t.Context(), runnerFor(t, home), it)
	if v.State != Good || string(v.Content) != "inline words\n" || it.Whole {
		t.Errorf("Verify(inline) = %s %q whole %v, want good over exactly the block's text, not the whole part", v.State, v.Content, it.Whole)
	}
}

// TestVerifySMIMEMessage: an S/MIME message made whole by openssl smime
// (multipart/signed, x-pkcs7-signature) verified by gpgsm; and opaque.
func TestVerifySMIMEMessage(t *testing.T) {
	p := gpgtest.NewPKI(t, "Bob", "bob@example.org")
	ossl := gpgtest.Tool(t, "openssl")
	in := filepath.Join(p.Dir, "entity")
	if err := os.WriteFile(in, []byte("Content-Type: text/plain\r\n\r\nS/MIME zebracorn\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	signed := gpgtest.Run(t, ossl, nil, "smime", "-sign", "-in", in, "-signer", p.Cert, "-inkey", p.Key)
	msg := "From: Bob <bob@example.org>\n" + lf(signed)
	trusted := runnerFor(t, p.SMIMEHome(t, true, false))
	v := Verify(t.Context(), trusted, only(t, msg, SMIMESigned))
	if v.State != Good || !v.Item.Whole || !v.Signers[0].FromMatches || !strings.Contains(v.Signers[0].UserID, "CN=Bob") {
		t.Errorf("Verify(S/MIME) = %s %+v, want good by CN=Bob, From matching", v.State, v.Signers)
	}
	v = Verify(t.Context(), runnerFor(t, p.SMIMEHome(t, false, false)), only(t, msg, SMIMESigned))
	if v.State != Untrusted {
		t.Errorf("Verify(S/MIME, untrusted root) = %s, want untrusted", v.State)
	}
	bad := strings.Replace(msg, "zebracorn", "zebracorm", 1)
	if v = Verify(t.Context(), trusted, only(t, bad, SMIMESigned)); v.State != Bad {
		t.Errorf("Verify(S/MIME altered) = %s, want bad", v.State)
	}
	opaque := gpgtest.Run(t, ossl, nil, "smime", "-sign", "-nodetach", "-in", in, "-signer", p.Cert, "-inkey", p.Key)
	v = Verify(t.Context(), trusted, only(t, "From: bob@example.org\n"+lf(opaque), SMIMEOpaqueSigned))
	if v.State != Good || !bytes.Contains(v.Content, []byte("S/MIME zebracorn")) {
		t.Errorf("Verify(opaque) = %s %q, want good with the content", v.State, v.Content)
	}
}

// TestDecryptMessages: PGP/MIME signed inside encrypted (gpg), S/MIME
// enveloped (openssl), right and wrong passphrase, no key, no MDC.
func TestDecryptMessages(t *testing.T) {
	home := gpgtest.NewHome(t)
	fpr := gpgtest.NewKey(t, home, "Carol <carol@example.org>", "pass phrase")
	entity := []byte("Content-Type: text/plain\r\n\r\nencrypted zebracorn\r\n")
	sig := gpgtest.GPG(t, home, entity, "--armor", "--local-user", fpr, "--passphrase", "pass phrase", "--detach-sign")
	inner := strings.ReplaceAll(pgpMIME("carol@example.org", entity, sig), "From: carol@example.org\nSubject: s\nMIME-Version: 1.0\n", "")
	ct := gpgtest.GPG(t, home, []byte(inner), "--armor", "--recipient", fpr, "--encrypt")
	msg := "From: carol@example.org\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e\"\n\n" +
		"--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--e\nContent-Type: application/octet-stream\n\n" + string(ct) + "\n--e--\n"
	gpgtest.Forget(t, home)
	r := runnerFor(t, home)
	it := only(t, msg, PGPEncrypted)
	ctx := t.Context()
	check := func(name string, d Decryption, want DecryptState) {
		t.Helper()
		if d.State != want {
			t.Errorf("%s: Decrypt = %s (%v), want %s", name, d.State, d.Err, want)
		}
		if want != Decrypted && d.Plaintext != nil {
			t.Errorf("%s: plaintext returned with %s", name, d.State)
		}
	}
	check("no passphrase", Decrypt(ctx, r, it, nil, Limits{}), NeedPassphrase)
	check("wrong passphrase", Decrypt(ctx, r, it, []byte("wrong"), Limits{}), WrongPassphrase)
	d := Decrypt(ctx, r, it, []byte("pass phrase"), Limits{})
	check("right passphrase", d, Decrypted)
	if !bytes.Contains(d.Plaintext, []byte("encrypted zebracorn")) || len(d.Inner) != 1 || d.Inner[0].Kind != PGPSigned || !d.Inner[0].Whole {
		t.Fatalf("decrypted %q, inner items %+v, want the text and one signed item over the whole plaintext", d.Plaintext, d.Inner)
	}
	if v := Verify(ctx, r, d.Inner[0]); v.State != Good {
		t.Errorf("signed inside encrypted: Verify = %s, want good", v.State)
	}
	check("no key", Decrypt(ctx, runnerFor(t, gpgtest.NewHome(t)), it, nil, Limits{}), NoSecretKey)

	legacy := gpgtest.GPG(t, home, []byte("Content-Type: text/plain\n\nold zebracorn\n"), "--armor", "--rfc2440",
		"--cipher-algo", "AES", "--passphrase", "pw", "--symmetric")
	old := "From: carol@example.org\nContent-Type: text/plain\n\n" + string(legacy)
	check("no MDC", Decrypt(ctx, r, only(t, old, PGPInlineEncrypted), []byte("pw"), Limits{}), NoIntegrity)

	p := gpgtest.NewPKI(t, "Bob", "bob@example.org")
	in := filepath.Join(p.Dir, "plain")
	if err := os.WriteFile(in, []byte("Content-Type: text/plain\r\n\r\nenveloped zebracorn\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := gpgtest.Run(t, gpgtest.Tool(t, "openssl"), nil, "smime", "-encrypt", "-aes256", "-in", in, p.Cert)
	smsg := "From: bob@example.org\n" + lf(env)
	sh := p.SMIMEHome(t, true, true)
	gpgtest.Forget(t, sh)
	sr := runnerFor(t, sh)
	sit := only(t, smsg, SMIMEEnveloped)
	check("smime wrong passphrase", Decrypt(ctx, sr, sit, []byte("wrong"), Limits{}), WrongPassphrase)
	d = Decrypt(ctx, sr, sit, []byte("pw"), Limits{})
	check("smime right passphrase", d, Decrypted)
	if !bytes.Contains(d.Plaintext, []byte("enveloped zebracorn")) || d.Integrity {
		t.Errorf("smime plaintext %q integrity %v, want the text, no integrity claim", d.Plaintext, d.Integrity)
	}
}
