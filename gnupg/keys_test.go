package gnupg

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"postern/internal/gpgtest"
)

// TestKeyLifecycle drives a real gpg: generate a key with a passphrase
// (ed25519 with a cv25519 subkey), list it as secret, export it, import
// the export into another home (IMPORT_OK says new, then unchanged), a
// secret key export refused, delete the public key there but never the
// own one.
func TestKeyLifecycle(t *testing.T) {
	home := newHome(t)
	r := runner(t, home)
	t.Cleanup(func() { forget(t, home) })
	fpr, err := r.GenerateKey(ctx(t), NewKey{Name: "Erin Example", Address: "erin@example.org", Expire: "2y", Passphrase: []byte("correct horse")})
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	if _, err := r.GenerateKey(ctx(t), NewKey{Name: "Erin Example", Address: "erin@example.org", Expire: "2y"}); !errors.Is(err, ErrExists) {
		t.Errorf("GenerateKey(same user id) = %v, want ErrExists", err)
	}
	keys, err := r.ListKeys(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].Fingerprint != fpr || !keys[0].Secret || keys[0].Algorithm != "ed25519" ||
		len(keys[0].Subkeys) != 1 || keys[0].Subkeys[0].Algorithm != "cv25519" || keys[0].Expires.IsZero() ||
		len(keys[0].UserIDs) != 1 || keys[0].UserIDs[0].Text != "Erin Example <erin@example.org>" {
		t.Fatalf("ListKeys = %+v, want the new ed25519/cv25519 secret key %s", keys, fpr)
	}
	// The passphrase protects it: a wrong one does not sign.
	forget(t, home)
	sign := exec.Command(tool(t, "gpg"), "--homedir", home, "--batch", "--pinentry-mode", "loopback",
		"--passphrase-fd", "0", "--output", "-", "--detach-sign", "/etc/hostname")
	sign.Stdin = strings.NewReader("bad\n")
	if err := sign.Run(); err == nil {
		t.Error("the new key signed with a wrong passphrase")
	}
	if err := r.DeletePublic(ctx(t), false, fpr); !errors.Is(err, ErrHasSecret) {
		t.Errorf("DeletePublic(own key) = %v, want ErrHasSecret", err)
	}
	pub, err := r.Export(ctx(t), false, fpr)
	if err != nil || !bytes.HasPrefix(pub, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
		t.Fatalf("Export = %.60q, %v", pub, err)
	}
	// The binary minimal export (Autocrypt's keydata) is the same key,
	// without armor.
	bin, err := r.ExportMinimal(ctx(t), fpr)
	if err != nil || len(bin) == 0 || bin[0]&0x80 == 0 || bytes.Contains(bin, []byte("BEGIN PGP")) {
		t.Fatalf("ExportMinimal = %.20x, %v, want a binary OpenPGP key", bin, err)
	}
	if im, err := runner(t, newHome(t)).Import(ctx(t), false, bin); err != nil || len(im.Keys) != 1 || im.Keys[0].Fingerprint != fpr {
		t.Errorf("Import(ExportMinimal) = %+v, %v, want the key %s", im, err, fpr)
	}
	if _, err := r.ExportMinimal(ctx(t), "not-a-fingerprint"); !errors.Is(err, ErrBadFingerprint) {
		t.Errorf("ExportMinimal(bad fingerprint) = %v, want ErrBadFingerprint", err)
	}

	other := newHome(t)
	ro := runner(t, other)
	im, err := ro.Import(ctx(t), false, pub)
	if err != nil || len(im.Keys) != 1 || im.Keys[0].Fingerprint != fpr || im.Keys[0].Flags != 1 || im.New != 1 ||
		len(im.Keys[0].UserIDs) != 1 {
		t.Fatalf("Import = %+v, %v, want the new key %s with its user id", im, err, fpr)
	}
	if im, err := ro.Import(ctx(t), false, pub); err != nil || len(im.Keys) != 1 || im.Keys[0].Flags != 0 || im.Unchanged != 1 {
		t.Errorf("Import again = %+v, %v, want unchanged", im, err)
	}
	if _, err := ro.Import(ctx(t), false, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbroken\n-----END PGP PUBLIC KEY BLOCK-----\n")); !errors.Is(err, ErrNoKey) {
		t.Errorf("Import(broken armor) = %v, want ErrNoKey", err)
	}
	sec := gpgCmd(t, home, nil, "--armor", "--pinentry-mode", "loopback", "--passphrase", "correct horse", "--export-secret-keys", fpr)
	third := newHome(t)
	if _, err := runner(t, third).Import(ctx(t), false, sec); !errors.Is(err, ErrSecretKey) {
		t.Errorf("Import(secret key) = %v, want ErrSecretKey", err)
	}
	if k, _ := runner(t, third).ListKeys(ctx(t)); len(k) != 0 {
		t.Errorf("after a refused secret import, the ring holds %+v", k)
	}
	if err := ro.DeletePublic(ctx(t), false, fpr); err != nil {
		t.Fatalf("DeletePublic: %v", err)
	}
	if _, err := ro.Key(ctx(t), false, fpr); !errors.Is(err, ErrNoKey) {
		t.Errorf("Key after DeletePublic = %v, want ErrNoKey", err)
	}
	if err := ro.DeletePublic(ctx(t), false, "ABCD"); !errors.Is(err, ErrBadFingerprint) {
		t.Errorf("DeletePublic(short id) = %v, want ErrBadFingerprint", err)
	}
}

// TestGenerateKeyNoPassphrase: an empty passphrase makes a key that
// signs without one.
func TestGenerateKeyNoPassphrase(t *testing.T) {
	home := newHome(t)
	t.Cleanup(func() { forget(t, home) })
	fpr, err := runner(t, home).GenerateKey(ctx(t), NewKey{Address: "frank@example.org", Expire: "never"})
	if err != nil {
		t.Fatal(err)
	}
	gpgCmd(t, home, []byte("x"), "--local-user", fpr, "--detach-sign")
}

// TestImportSMIME: a certs-only .p7c and a PEM certificate are
// imported by gpgsm; a PKCS#12 file is refused before gpgsm sees it.
func TestImportSMIME(t *testing.T) {
	pki := gpgtest.NewPKI(t, "Grace Example", "grace@example.org")
	home := newHome(t)
	t.Cleanup(func() { forget(t, home) })
	r := runner(t, home)
	ca, err := os.ReadFile(pki.CA)
	if err != nil {
		t.Fatal(err)
	}
	im, err := r.Import(ctx(t), true, ca)
	if err != nil || len(im.Keys) != 1 {
		t.Fatalf("Import(CA PEM) = %+v, %v", im, err)
	}
	p7c := filepath.Join(t.TempDir(), "u.p7c")
	gpgtest.Run(t, tool(t, "openssl"), nil, "crl2pkcs7", "-nocrl", "-certfile", pki.Cert, "-outform", "DER", "-out", p7c)
	der, err := os.ReadFile(p7c)
	if err != nil {
		t.Fatal(err)
	}
	// gpgsm names the issuer it found for the certificate too, unchanged.
	im, err = r.Import(ctx(t), true, der)
	if err != nil || len(im.Keys) == 0 || im.Keys[0].Flags != 1 || im.New != 1 {
		t.Fatalf("Import(.p7c) = %+v, %v, want one new certificate", im, err)
	}
	keys, err := r.ListKeys(ctx(t))
	if err != nil || len(keys) != 2 {
		t.Fatalf("ListKeys = %+v, %v, want the CA and Grace", keys, err)
	}
	p12, err := os.ReadFile(pki.P12)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Import(ctx(t), true, p12); !errors.Is(err, ErrNoKey) {
		t.Errorf("Import(PKCS#12) = %v, want ErrNoKey", err)
	}
	key, err := os.ReadFile(pki.Key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Import(ctx(t), true, key); !errors.Is(err, ErrSecretKey) {
		t.Errorf("Import(private key PEM) = %v, want ErrSecretKey", err)
	}
	if err := r.DeletePublic(ctx(t), true, im.Keys[0].Fingerprint); err != nil {
		t.Errorf("DeletePublic(certificate) = %v", err)
	}
}
