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

// Recipients are the outcome of a lookup of addresses in the keyring.
type Recipients struct {
	// Fingerprints of every usable key of the addresses found, without
	// duplicates.
	Fingerprints []string
	// Missing are the addresses with no usable key (none at all, or
	// only expired, revoked, disabled or not for encryption), as given.
	Missing []string
}

// FindRecipients looks up each address in the user's public keys (m
// OpenPGP) or certificates (SMIME): a key is usable when
// gnupg.Key.CanEncrypt. Addresses are compared without case.
func FindRecipients(ctx context.Context, g *gnupg.Runner, m Method, addrs []string) (Recipients, error) {
	keys, err := g.Keys(ctx, m == SMIME, false)
	if err != nil {
		return Recipients{}, fmt.Errorf("seal: listing keys: %w", err)
	}
	var out Recipients
	seen := map[string]bool{}
	for _, a := range addrs {
		found := false
		for _, k := range keys {
			if k.CanEncrypt() && k.HasAddress(a) {
				found = true
				if !seen[k.Fingerprint] {
					seen[k.Fingerprint] = true
					out.Fingerprints = append(out.Fingerprints, k.Fingerprint)
				}
			}
		}
		if !found {
			out.Missing = append(out.Missing, a)
		}
	}
	return out, nil
}

// OwnKey is the fingerprint of the user's secret key (m OpenPGP) or
// certificate (SMIME) for address from: one that can sign when sign,
// else one that can be encrypted to (for the Sent copy and the drafts).
// The first usable one in the keyring's order; ErrNoOwnKey when none.
func OwnKey(ctx context.Context, g *gnupg.Runner, m Method, from string, sign bool) (string, error) {
	keys, err := g.Keys(ctx, m == SMIME, true)
	if err != nil {
		return "", fmt.Errorf("seal: listing keys: %w", err)
	}
	for _, k := range keys {
		if !k.HasAddress(from) {
			continue
		}
		if sign && k.CanSign() || !sign && k.Secret && k.CanEncrypt() {
			return k.Fingerprint, nil
		}
	}
	return "", fmt.Errorf("%w (%s, %s)", ErrNoOwnKey, strings.ToLower(from), m)
}
