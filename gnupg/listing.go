package gnupg

import (
	"bytes"
	"context"
	"strings"
)

// refused reports whether the key itself is unusable: expired, revoked,
// invalid, disabled or not valid (field 2), or disabled ('D' in field
// 12).
func (k *Key) refused() bool {
	return len(k.Validity) == 1 && strings.Contains("erind", k.Validity) || strings.ContainsRune(k.Capabilities, 'D')
}

// CanEncrypt reports whether the key can be encrypted to: not refused,
// with an encryption capability ('E' for gpg's key as a whole, 'e' for
// a gpgsm certificate).
func (k *Key) CanEncrypt() bool {
	return !k.refused() && strings.ContainsAny(k.Capabilities, "Ee")
}

// CanSign reports whether the key can sign: a secret key that is not
// refused, with a signing capability.
func (k *Key) CanSign() bool {
	return k.Secret && !k.refused() && strings.ContainsAny(k.Capabilities, "Ss")
}

// HasAddress reports whether one of the key's valid user ids is addr
// (compared without case).
func (k *Key) HasAddress(addr string) bool {
	for _, a := range k.Addresses() {
		if strings.EqualFold(a, addr) {
			return true
		}
	}
	return false
}

// Keys lists the user's public keys (gpg) or certificates (gpgsm, smime
// true), or with secret the ones whose secret key the user holds, read
// by ParseColons. The whole keyring is listed and searched by the
// caller: no address reaches GnuPG's argv.
//
// The certificates of a listing, public or secret, are validated (gpgsm
// --with-validation, with the same options as an encryption, so no CRL
// is fetched): a certificate whose chain does not end at a root the
// user trusts (trustlist.txt), or that is otherwise invalid, has
// Validity "i", and its encryption would fail. gpg computes an OpenPGP
// key's validity in any listing.
func (r *Runner) Keys(ctx context.Context, smime, secret bool) ([]Key, error) {
	prog, opts := r.GPG, gpgOpts
	if smime {
		prog, opts = r.GPGSM, gpgsmOpts
	}
	cmd := "--list-keys"
	if secret {
		cmd = "--list-secret-keys"
	}
	args := with(opts, cmd)
	if smime {
		args = with(opts, "--with-validation", cmd)
	}
	res, err := r.run(ctx, prog, args, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return ParseColons(bytes.NewReader(res.out)), nil
}
