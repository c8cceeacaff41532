package gnupg

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
)

// Limits and defaults of key management.
const (
	// MaxImportBytes bounds the data of one import (a key with its
	// signatures, a certificate chain).
	MaxImportBytes = 1 << 20
	// MaxUserIDBytes bounds the name and address of a new key together.
	MaxUserIDBytes = 256
	// GenerateAlgo is the algorithm of GenerateKey: gpg's
	// "future-default", an ed25519 primary key (certify, sign) with a
	// cv25519 subkey (encrypt).
	GenerateAlgo = "future-default"
)

// Errors of key management a caller branches on.
var (
	// ErrBadFingerprint: not a fingerprint (40 or 64 hex digits).
	ErrBadFingerprint = errors.New("gnupg: not a fingerprint")
	// ErrNoKey: the data holds no key or certificate, or no key has that
	// fingerprint.
	ErrNoKey = errors.New("gnupg: no key found")
	// ErrSecretKey: the data to import holds a secret key; secret keys
	// are imported in the shell, never through postern.
	ErrSecretKey = errors.New("gnupg: the data holds a secret key")
	// ErrHasSecret: the key to delete has its secret key in the ring;
	// postern deletes public keys only.
	ErrHasSecret = errors.New("gnupg: the key has a secret key")
	// ErrUserID: the name or address of a new key is not acceptable.
	ErrUserID = errors.New("gnupg: bad user id")
	// ErrExists: a key with that user id exists already.
	ErrExists = errors.New("gnupg: a key with that user id exists")
	// ErrFailed: GnuPG refused or failed; the log has its words.
	ErrFailed = errors.New("gnupg: the operation failed")
)

// ListKeys lists the user's OpenPGP keys (when GPG is set) and X.509
// certificates (when GPGSM is set), each with Secret set when its
// secret key is in the ring (--with-secret).
func (r *Runner) ListKeys(ctx context.Context) ([]Key, error) {
	var out []Key
	for _, smime := range []bool{false, true} {
		prog := r.prog(smime)
		if prog == "" {
			continue
		}
		res, err := r.run(ctx, prog, with(keyOpts(smime), "--with-secret", "--with-fingerprint", "--list-keys"), nil, nil, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, ParseColons(strings.NewReader(string(res.out)))...)
	}
	return out, nil
}

// Key returns the key or certificate with fingerprint fpr, ErrNoKey
// when there is none.
func (r *Runner) Key(ctx context.Context, smime bool, fpr string) (Key, error) {
	if !ValidFingerprint(fpr) {
		return Key{}, ErrBadFingerprint
	}
	prog := r.prog(smime)
	res, err := r.run(ctx, prog, with(keyOpts(smime), "--with-secret", "--with-fingerprint", "--list-keys", "--", fpr), nil, nil, nil)
	if err != nil {
		return Key{}, err
	}
	for _, k := range ParseColons(strings.NewReader(string(res.out))) {
		if k.Fingerprint == strings.ToUpper(fpr) {
			k.SMIME = smime
			return k, nil
		}
	}
	return Key{}, ErrNoKey
}

// ValidFingerprint reports whether s is a full fingerprint: 40 (v4,
// X.509 SHA-1) or 64 (v5) hex digits. Nothing shorter names a key in
// postern: a key id may match several keys.
func ValidFingerprint(s string) bool {
	return (len(s) == 40 || len(s) == 64) && isHex(s)
}

// keyOpts are the fixed options of key management: as for verifying,
// nothing is fetched from the network and no dirmngr is started (gpgsm
// then checks no CRL of an imported certificate).
func keyOpts(smime bool) []string {
	if smime {
		return gpgsmOpts
	}
	return gpgOpts
}

func (r *Runner) prog(smime bool) string {
	if smime {
		return r.GPGSM
	}
	return r.GPG
}

// Export returns the public key (armored, export-minimal: no third-party
// signatures) or the certificate (PEM) with fingerprint fpr.
func (r *Runner) Export(ctx context.Context, smime bool, fpr string) ([]byte, error) {
	if !ValidFingerprint(fpr) {
		return nil, ErrBadFingerprint
	}
	args := []string{"--armor", "--export-options", "export-minimal", "--export", "--", fpr}
	if smime {
		args = []string{"--armor", "--export", "--", fpr}
	}
	res, err := r.run(ctx, r.prog(smime), with(keyOpts(smime), args...), nil, nil, nil)
	if err != nil {
		return nil, err
	}
	if len(res.out) == 0 {
		return nil, ErrNoKey
	}
	return res.out, nil
}

// DeletePublic deletes the public key or certificate with fingerprint
// fpr, and refuses (ErrHasSecret) when its secret key is in the ring:
// postern never deletes a secret key (gpg would refuse too, gpgsm would
// not).
func (r *Runner) DeletePublic(ctx context.Context, smime bool, fpr string) error {
	k, err := r.Key(ctx, smime, fpr)
	if err != nil {
		return err
	}
	if k.Secret {
		return ErrHasSecret
	}
	args := []string{"--yes", "--delete-keys", "--", k.Fingerprint}
	if smime {
		args = []string{"--delete-keys", "--", k.Fingerprint}
	}
	res, err := r.run(ctx, r.prog(smime), with(keyOpts(smime), args...), nil, nil, nil)
	if err != nil {
		return err
	}
	for _, s := range res.status {
		if s.Keyword == "DELETE_PROBLEM" {
			return fmt.Errorf("%w: DELETE_PROBLEM %s", ErrFailed, s.Arg(0))
		}
	}
	if res.exit != 0 {
		return fmt.Errorf("%w: exit %d: %.200s", ErrFailed, res.exit, res.stderr)
	}
	return nil
}

// NewKey is what GenerateKey makes.
type NewKey struct {
	Name, Address string
	// Expire is "1y", "2y", "3y" or "never".
	Expire string
	// Passphrase protects the secret key; empty makes a key without
	// one (the caller asks the user to say so).
	Passphrase []byte
}

// Expiries are the accepted values of NewKey.Expire.
var Expiries = []string{"1y", "2y", "3y", "never"}

// UserIDOf checks a new key's name and address and returns its user id
// ("Name <address>", or the address alone).
func UserIDOf(name, address string) (string, error) {
	name = strings.TrimSpace(name)
	address = strings.TrimSpace(address)
	if len(name)+len(address) > MaxUserIDBytes {
		return "", fmt.Errorf("%w: too long", ErrUserID)
	}
	if a, err := mail.ParseAddress(address); err != nil || a.Address != address || a.Name != "" {
		return "", fmt.Errorf("%w: %q is not an address", ErrUserID, address)
	}
	for _, c := range name {
		if unicode.IsControl(c) || strings.ContainsRune("<>()\"", c) || c == unicode.ReplacementChar {
			return "", fmt.Errorf("%w: the name holds %q", ErrUserID, c)
		}
	}
	if name == "" {
		return address, nil
	}
	return name + " <" + address + ">", nil
}

// GenerateKey makes a new OpenPGP key pair (GenerateAlgo) with gpg
// --quick-gen-key, the passphrase on fd 5 (loopback pinentry; an empty
// one leaves the key unprotected), and returns its fingerprint. A key
// with the same user id is refused (ErrExists).
func (r *Runner) GenerateKey(ctx context.Context, nk NewKey) (string, error) {
	uid, err := UserIDOf(nk.Name, nk.Address)
	if err != nil {
		return "", err
	}
	expire := ""
	for _, e := range Expiries {
		if nk.Expire == e {
			expire = e
		}
	}
	if expire == "" {
		return "", fmt.Errorf("gnupg: bad expiry %q", nk.Expire)
	}
	// An exact user id match ("=uid"): gpg asks "create anyway?" and,
	// in batch mode, fails without a clear status.
	if res, err := r.run(ctx, r.GPG, with(gpgOpts, "--list-keys", "--", "="+uid), nil, nil, nil); err != nil {
		return "", err
	} else if len(ParseColons(strings.NewReader(string(res.out)))) > 0 {
		return "", ErrExists
	}
	pass := nk.Passphrase
	if pass == nil {
		pass = []byte{}
	}
	res, err := r.run(ctx, r.GPG, with(gpgOpts, "--quick-gen-key", "--", uid, GenerateAlgo, "default", expire), nil, nil, pass)
	if err != nil {
		return "", err
	}
	for _, s := range res.status {
		if s.Keyword == "KEY_CREATED" && ValidFingerprint(s.Arg(1)) {
			return strings.ToUpper(s.Arg(1)), nil
		}
	}
	return "", fmt.Errorf("%w: no KEY_CREATED (exit %d): %.200s", ErrFailed, res.exit, res.stderr)
}

// ExportMinimal returns the OpenPGP public key with fingerprint fpr,
// binary and export-minimal (no third-party signatures, the newest
// self-signature of each user id): the keydata of an Autocrypt header.
func (r *Runner) ExportMinimal(ctx context.Context, fpr string) ([]byte, error) {
	if !ValidFingerprint(fpr) {
		return nil, ErrBadFingerprint
	}
	res, err := r.run(ctx, r.GPG, with(keyOpts(false), "--export-options", "export-minimal", "--export", "--", fpr), nil, nil, nil)
	if err != nil {
		return nil, err
	}
	if len(res.out) == 0 {
		return nil, ErrNoKey
	}
	return res.out, nil
}
