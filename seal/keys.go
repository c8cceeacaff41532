package seal

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"postern/gnupg"
)

// ErrNoOwnKey: the user holds no usable secret key (or certificate) for
// the From address.
var ErrNoOwnKey = errors.New("seal: no key of yours for this address")

// ErrOwnKeyUntrusted: the user holds an S/MIME certificate with its key
// for the address, but its chain ends at no root the user trusts (or it
// is otherwise invalid), so gpgsm would refuse it.
var ErrOwnKeyUntrusted = errors.New("seal: your certificate for this address is not trusted")

// Recipients are the outcome of a lookup of addresses in the keyring.
type Recipients struct {
	// Fingerprints of every usable key of the addresses found, without
	// duplicates.
	Fingerprints []string
	// Missing are the addresses with no usable key (none at all, or
	// only expired, revoked, disabled or not for encryption, or with
	// S/MIME only certificates that are not valid), as given.
	Missing []string
	// Untrusted are those of Missing that have an S/MIME certificate
	// for encryption that gpgsm holds invalid: its chain does not end
	// at a root certificate the user trusts (or it is otherwise
	// invalid). gpgsm would refuse to encrypt to it.
	Untrusted []string
}

// FindRecipients looks up each address in the user's public keys (m
// OpenPGP) or certificates (SMIME, validated: see gnupg.Runner.Keys): a
// key is usable when gnupg.Key.CanEncrypt, so that a certificate whose
// chain is not trusted is found before the send, not by a failed
// encryption. Addresses are compared without case.
func FindRecipients(ctx context.Context, g *gnupg.Runner, m Method, addrs []string) (Recipients, error) {
	keys, err := g.Keys(ctx, m == SMIME, false)
	if err != nil {
		return Recipients{}, fmt.Errorf("seal: listing keys: %w", err)
	}
	var out Recipients
	seen := map[string]bool{}
	for _, a := range addrs {
		found, invalid := false, false
		for _, k := range keys {
			if !k.HasAddress(a) {
				continue
			}
			if k.CanEncrypt() {
				found = true
				if !seen[k.Fingerprint] {
					seen[k.Fingerprint] = true
					out.Fingerprints = append(out.Fingerprints, k.Fingerprint)
				}
			} else if k.SMIME && k.Validity == "i" && strings.ContainsAny(k.Capabilities, "Ee") {
				invalid = true
			}
		}
		if !found {
			out.Missing = append(out.Missing, a)
			if invalid {
				out.Untrusted = append(out.Untrusted, a)
			}
		}
	}
	return out, nil
}

// OwnKey is the fingerprint of the user's secret key (m OpenPGP) or
// certificate (SMIME) for address from: one that can sign when sign,
// else one that can be encrypted to (for the Sent copy and the drafts).
// The first usable one in the keyring's order; ErrOwnKeyUntrusted when
// the only one is an S/MIME certificate that is not valid, ErrNoOwnKey
// when there is none.
func OwnKey(ctx context.Context, g *gnupg.Runner, m Method, from string, sign bool) (string, error) {
	keys, err := g.Keys(ctx, m == SMIME, true)
	if err != nil {
		return "", fmt.Errorf("seal: listing keys: %w", err)
	}
	untrusted := false
	for _, k := range keys {
		if !k.HasAddress(from) {
			continue
		}
		if sign && k.CanSign() || !sign && k.Secret && k.CanEncrypt() {
			return k.Fingerprint, nil
		}
		untrusted = untrusted || k.Secret && k.SMIME && k.Invalid()
	}
	if untrusted {
		return "", fmt.Errorf("%w (%s)", ErrOwnKeyUntrusted, strings.ToLower(from))
	}
	return "", fmt.Errorf("%w (%s, %s)", ErrNoOwnKey, strings.ToLower(from), m)
}
