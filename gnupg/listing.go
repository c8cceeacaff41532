package gnupg

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"
)

// Limits of a key listing: a keyring bigger than this is read up to
// the limits (the keys beyond are not offered as recipients).
const (
	// MaxListedKeys bounds the keys read from one listing.
	MaxListedKeys = 10000
	// MaxListingLine bounds one line of a listing; a longer line is
	// skipped.
	MaxListingLine = 16 << 10
)

// KeyEntry is one key (gpg) or certificate (gpgsm) of a colon listing
// (doc/DETAILS, "Format of the colon listings"): a pub, sec, crt or crs
// record with the records that follow it up to the next one.
type KeyEntry struct {
	// Fingerprint of the primary key or the certificate, upper-case
	// hex, from the first fpr record after the key's own record (not a
	// subkey's).
	Fingerprint string
	// Validity is field 2 of the key's record: 'e' expired, 'r'
	// revoked, 'i' invalid, 'd' disabled, 'n' not valid; others
	// ('-', 'q', 'm', 'f', 'u', 'o') are no refusal of the key itself.
	Validity byte
	// Capabilities is field 12: for gpg, the upper-case letters are
	// what the key as a whole (its usable subkeys included) can do;
	// 'D' marks a disabled key. gpgsm writes lower-case letters for the
	// certificate.
	Capabilities string
	// Secret: a sec or crs record (the user holds the secret key).
	Secret bool
	// Addresses are the lower-cased e-mail addresses of the user ids
	// that are neither revoked nor expired, without duplicates.
	Addresses []string
}

// refused reports whether the key itself is unusable.
func (k KeyEntry) refused() bool {
	return strings.IndexByte("erind", k.Validity) >= 0 || strings.ContainsRune(k.Capabilities, 'D')
}

// CanEncrypt reports whether the key can be encrypted to: not expired,
// revoked, invalid or disabled, with an encryption capability ('E' for
// gpg, 'e' for a gpgsm certificate).
func (k KeyEntry) CanEncrypt() bool {
	return !k.refused() && strings.ContainsAny(k.Capabilities, "Ee")
}

// CanSign reports whether the key can sign: a secret key that is not
// expired, revoked, invalid or disabled, with a signing capability.
func (k KeyEntry) CanSign() bool {
	return k.Secret && !k.refused() && strings.ContainsAny(k.Capabilities, "Ss")
}

// HasAddress reports whether one of the key's user ids is addr (compared
// without case).
func (k KeyEntry) HasAddress(addr string) bool {
	addr = strings.ToLower(addr)
	for _, a := range k.Addresses {
		if a == addr {
			return true
		}
	}
	return false
}

// ParseKeyListing reads a colon listing of gpg or gpgsm (--list-keys or
// --list-secret-keys with --with-colons). Unknown record types and extra
// fields are ignored, as DETAILS asks; a key without a fingerprint is
// dropped; at most MaxListedKeys keys are returned.
func ParseKeyListing(r io.Reader) []KeyEntry {
	var out []KeyEntry
	var cur *KeyEntry
	inSub := false // the records after a sub or ssb belong to a subkey
	seen := map[string]bool{}
	flush := func() {
		if cur != nil && cur.Fingerprint != "" && len(out) < MaxListedKeys {
			out = append(out, *cur)
		}
		cur = nil
	}
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull || len(line) > MaxListingLine {
			for err == bufio.ErrBufferFull { // skip the rest of a long line
				_, err = br.ReadSlice('\n')
			}
			continue
		}
		if len(line) > 0 {
			cur, inSub = listingRecord(bytes.TrimRight(line, "\r\n"), cur, inSub, seen, flush)
		}
		if err != nil {
			break
		}
	}
	flush()
	return out
}

// listingRecord reads one record into cur (or a new key), and returns
// the key being read and whether a subkey's records are.
func listingRecord(line []byte, cur *KeyEntry, inSub bool, seen map[string]bool, flush func()) (*KeyEntry, bool) {
	f := strings.Split(string(line), ":")
	field := func(i int) string { // 1-based, as DETAILS counts
		if i <= len(f) {
			return f[i-1]
		}
		return ""
	}
	switch f[0] {
	case "pub", "sec", "crt", "crs":
		flush()
		clear(seen)
		k := &KeyEntry{Capabilities: field(12), Secret: f[0] == "sec" || f[0] == "crs"}
		if v := field(2); v != "" {
			k.Validity = v[0]
		}
		return k, false
	case "sub", "ssb":
		return cur, true
	case "fpr":
		if cur != nil && !inSub && cur.Fingerprint == "" && isHex(field(10)) {
			cur.Fingerprint = strings.ToUpper(field(10))
		}
	case "uid":
		if cur == nil || inSub {
			break
		}
		if v := field(2); v == "r" || v == "e" {
			break // a revoked or expired user id names nobody
		}
		if a := uidAddress(unescapeColons(field(10))); a != "" && !seen[a] {
			seen[a] = true
			cur.Addresses = append(cur.Addresses, a)
		}
	}
	return cur, inSub
}

// isHex reports whether s is a fingerprint: 32 to 64 hex digits.
func isHex(s string) bool {
	if len(s) < 32 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if _, ok := unhex(s[i]); !ok {
			return false
		}
	}
	return true
}

// uidAddress is the address of a user id: the part in angle brackets,
// or the whole when it is an address; lower-cased; "" when none.
func uidAddress(uid string) string {
	addr := uid
	if i := strings.LastIndexByte(uid, '<'); i >= 0 {
		if j := strings.IndexByte(uid[i:], '>'); j > 0 {
			addr = uid[i+1 : i+j]
		}
	}
	addr = strings.ToLower(strings.TrimSpace(addr))
	if strings.Count(addr, "@") != 1 || strings.ContainsAny(addr, " /=<>") || strings.HasPrefix(addr, "@") || strings.HasSuffix(addr, "@") {
		return ""
	}
	return addr
}

// Keys lists the user's public keys (gpg) or certificates (gpgsm, smime
// true), or with secret the ones whose secret key the user holds. The
// whole keyring is listed and searched here: no address reaches GnuPG's
// argv.
func (r *Runner) Keys(ctx context.Context, smime, secret bool) ([]KeyEntry, error) {
	prog, opts := r.GPG, gpgOpts
	if smime {
		prog, opts = r.GPGSM, gpgsmOpts
	}
	cmd := "--list-keys"
	if secret {
		cmd = "--list-secret-keys"
	}
	res, err := r.run(ctx, prog, with(opts, cmd), nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return ParseKeyListing(bytes.NewReader(res.out)), nil
}
