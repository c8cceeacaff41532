package seal

import (
	"errors"
	"strings"
	"testing"
	"time"

	"postern/internal/gpgtest"
)

// pgpPair is Alice's home (her key with passphrase "pw", Bob's public
// key) and Bob's secret key exported for Sequoia.
type pgpPair struct {
	home, alice, bob string // home; fingerprints
	alicePub, bobKey string // files for sq and sqv
}

func newPGPPair(t *testing.T) pgpPair {
	t.Helper()
	var p pgpPair
	p.home = gpgtest.NewHome(t)
	p.alice = gpgtest.NewKey(t, p.home, "Alice <alice@example.org>", "pw")
	bobHome := gpgtest.NewHome(t)
	p.bob = gpgtest.NewKey(t, bobHome, "Bob <bob@example.net>", "")
	pub := gpgtest.GPG(t, bobHome, nil, "--export", p.bob)
	gpgtest.GPG(t, p.home, pub, "--import")
	p.bobKey = writeFile(t, "bob.key", gpgtest.GPG(t, bobHome, nil, "--export-secret-keys", p.bob))
	p.alicePub = writeFile(t, "alice.pub", gpgtest.GPG(t, p.home, nil, "--export", p.alice))
	return p
}

// TestOpenPGPSignInterop: a PGP/MIME signature made through gpg verifies
// with Sequoia's sqv over the exact bytes of the first part, which
// carries the protected headers; the outer Subject stays.
func TestOpenPGPSignInterop(t *testing.T) {
	sqv := gpgtest.Tool(t, "sqv")
	p := newPGPPair(t)
	g := runner(t, p.home)
	msg := message(t, "alice@example.org", "bob@example.net", "Grüße, signed", "Trailing space here \nFrom the start\n-- \nAlice\n")
	out, err := Seal(t.Context(), g, msg, Request{Method: OpenPGP, Sign: true, Signer: p.alice, Passphrase: []byte("pw")})
	if err != nil {
		t.Fatal(err)
	}
	h, ps := parts(t, out)
	mustContain(t, "Content-Type", []byte(h.get("Content-Type").value()), `multipart/signed`, `protocol="application/pgp-signature"`, `micalg=pgp-sha`)
	if s := h.get("Subject"); s == nil || strings.Contains(s.value(), "...") {
		t.Errorf("outer Subject of a signed message = %v, want the real one", s)
	}
	if len(ps) != 2 {
		t.Fatalf("%d parts, want 2", len(ps))
	}
	mustContain(t, "signed part", ps[0], `protected-headers="v1"`, "Subject: =?utf-8?", "From: <alice@example.org>", "quoted-printable", "--=20\r\n")
	mustContain(t, "signature part", ps[1], "application/pgp-signature", "BEGIN PGP SIGNATURE")
	gpgtest.Run(t, sqv, nil, "--keyring", p.alicePub, writeFile(t, "sig.asc", partBody(ps[1])), writeFile(t, "data", ps[0]))

	// The check can fail: one changed byte of the signed part.
	changed := []byte(strings.Replace(string(ps[0]), "Alice", "Alicf", 1))
	if _, err := gpgtestRun(sqv, "--keyring", p.alicePub, writeFile(t, "sig.asc", partBody(ps[1])), writeFile(t, "data", changed)); err == nil {
		t.Error("sqv accepted a changed signed part")
	}
}

// TestOpenPGPEncryptInterop: encrypted (and signed and encrypted) to Bob
// and Alice, Sequoia decrypts it with Bob's key (and checks Alice's
// signature); the outer Subject is "...", the inner entity holds the real
// one.
func TestOpenPGPEncryptInterop(t *testing.T) {
	sq := gpgtest.Tool(t, "sq")
	p := newPGPPair(t)
	g := runner(t, p.home)
	msg := message(t, "alice@example.org", "bob@example.net", "Secret plans", "The marker word is zanzibar.\n")
	for _, signToo := range []bool{false, true} {
		req := Request{Method: OpenPGP, Encrypt: true, Recipients: []string{p.bob, p.alice}}
		if signToo {
			req.Sign, req.Signer, req.Passphrase = true, p.alice, []byte("pw")
		}
		out, err := Seal(t.Context(), g, msg, req)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "zanzibar") || strings.Contains(string(out), "Secret plans") {
			t.Fatalf("the sealed message shows its text or subject:\n%s", out)
		}
		h, ps := parts(t, out)
		mustContain(t, "Content-Type", []byte(h.get("Content-Type").value()), "multipart/encrypted", `protocol="application/pgp-encrypted"`)
		if got := h.get("Subject").value(); got != "..." {
			t.Errorf("outer Subject = %q, want ...", got)
		}
		mustContain(t, "version part", ps[0], "application/pgp-encrypted", "Version: 1")
		mustContain(t, "data part", ps[1], "application/octet-stream", "BEGIN PGP MESSAGE")
		args := []string{"decrypt", "--recipient-key", p.bobKey}
		if signToo {
			args = append(args, "--signer-cert", p.alicePub)
		}
		plain := gpgtest.Run(t, sq, partBody(ps[1]), args...)
		mustContain(t, "decrypted", plain, `protected-headers="v1"`, "Subject: Secret plans", "zanzibar")
	}
}

// TestOpenPGPPassphrase: a wrong or missing passphrase is told apart,
// and a key without one signs without it.
func TestOpenPGPPassphrase(t *testing.T) {
	p := newPGPPair(t)
	g := runner(t, p.home)
	msg := message(t, "alice@example.org", "bob@example.net", "x", "x\n")
	gpgtest.Forget(t, p.home)
	_, err := Seal(t.Context(), g, msg, Request{Method: OpenPGP, Sign: true, Signer: p.alice, Passphrase: []byte("wrong")})
	if !errors.Is(err, ErrBadPassphrase) {
		t.Errorf("Seal(wrong passphrase) = %v, want ErrBadPassphrase", err)
	}
	_, err = Seal(t.Context(), g, msg, Request{Method: OpenPGP, Sign: true, Signer: p.alice})
	if !errors.Is(err, ErrBadPassphrase) && !errors.Is(err, ErrNeedPassphrase) {
		t.Errorf("Seal(no passphrase) = %v, want ErrNeedPassphrase or ErrBadPassphrase", err)
	}
	nopw := gpgtest.NewKey(t, p.home, "Carol <carol@example.org>", "")
	if _, err := Seal(t.Context(), g, msg, Request{Method: OpenPGP, Sign: true, Signer: nopw}); err != nil {
		t.Errorf("Seal(key without passphrase) = %v", err)
	}
}

// TestFindOpenPGP: the lookup finds Bob's and Alice's keys, names the
// address without a key, and finds Alice's own signing key.
func TestFindOpenPGP(t *testing.T) {
	p := newPGPPair(t)
	g := runner(t, p.home)
	got, err := FindRecipients(t.Context(), g, OpenPGP, []string{"BOB@example.net", "nokey@example.com", "alice@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Fingerprints, " ") != p.bob+" "+p.alice || strings.Join(got.Missing, " ") != "nokey@example.com" {
		t.Errorf("FindRecipients = %+v, want [%s %s], missing nokey@example.com", got, p.bob, p.alice)
	}
	own, err := OwnKey(t.Context(), g, OpenPGP, "Alice@Example.org", true)
	if err != nil || own != p.alice {
		t.Errorf("OwnKey(alice) = %q, %v, want %s", own, err, p.alice)
	}
	if _, err := OwnKey(t.Context(), g, OpenPGP, "bob@example.net", true); !errors.Is(err, ErrNoOwnKey) {
		t.Errorf("OwnKey(bob, public key only) = %v, want ErrNoOwnKey", err)
	}
	// An expired key is no recipient.
	gpgtest.GPG(t, p.home, nil, "--passphrase", "", "--quick-gen-key", "Old <old@example.org>", "future-default", "default", "seconds=1")
	time.Sleep(2 * time.Second)
	got, _ = FindRecipients(t.Context(), g, OpenPGP, []string{"old@example.org"})
	if len(got.Missing) != 1 {
		t.Errorf("FindRecipients(expired key) = %+v, want it missing", got)
	}
}

// TestOpenPGPHiddenRecipient: a hidden (Bcc) recipient's key id is not
// in the message (a wildcard key id instead), and Sequoia still
// decrypts it with that recipient's key.
func TestOpenPGPHiddenRecipient(t *testing.T) {
	sq := gpgtest.Tool(t, "sq")
	p := newPGPPair(t)
	g := runner(t, p.home)
	msg := message(t, "alice@example.org", "carol@example.org", "Bcc test", "hidden words\n")
	out, err := Seal(t.Context(), g, msg, Request{Method: OpenPGP, Encrypt: true, Recipients: []string{p.alice}, Hidden: []string{p.bob}})
	if err != nil {
		t.Fatal(err)
	}
	_, ps := parts(t, out)
	armored := partBody(ps[1])
	// gpg lists the packets, then fails to decrypt (no key here).
	packets, _ := gpgtestRun(gpgtest.Tool(t, "gpg"), "--homedir", gpgtest.NewHome(t), "--batch", "--list-packets", writeFile(t, "m.asc", armored))
	var ids []string
	for _, l := range strings.Split(string(packets), "\n") {
		if _, id, ok := strings.Cut(l, ":pubkey enc packet:"); ok {
			ids = append(ids, id[strings.LastIndex(id, " ")+1:])
		}
	}
	if len(ids) != 2 || (ids[0] == "0000000000000000") == (ids[1] == "0000000000000000") {
		t.Errorf("recipient key ids = %q, want Alice's and one wildcard (the hidden Bob):\n%s", ids, packets)
	}
	if plain := gpgtest.Run(t, sq, armored, "decrypt", "--recipient-key", p.bobKey); !strings.Contains(string(plain), "hidden words") {
		t.Errorf("sq decrypt with the hidden recipient's key:\n%s", plain)
	}
}
