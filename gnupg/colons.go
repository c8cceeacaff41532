package gnupg

import (
	"bufio"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Limits of a colon listing (ParseColons): what is beyond is dropped.
const (
	// MaxListingBytes bounds the listing read (a key ring of a few
	// thousand keys).
	MaxListingBytes = 16 << 20
	// MaxKeys bounds the keys returned.
	MaxKeys = 5000
	// MaxUserIDs bounds the user ids kept of one key (and the
	// addresses of one certificate).
	MaxUserIDs = 100
	// MaxSubkeys bounds the subkeys kept of one key.
	MaxSubkeys = 100
	// maxFieldBytes bounds one field as kept (a user id, a DN).
	maxFieldBytes = 2048
)

// Key is a public key (gpg: a pub record with its sub, uid and fpr
// records) or a certificate (gpgsm: a crt record) of a colon listing,
// or the same with its secret part (sec, crs).
type Key struct {
	// SMIME: an X.509 certificate (gpgsm); otherwise an OpenPGP key.
	SMIME bool
	// Secret: the listing is of secret keys (sec, crs), or field 15
	// says a secret key is available ("+"; "#": a stub, not counted).
	Secret bool
	// Fingerprint of the primary key or certificate (hex, upper case).
	Fingerprint string
	// KeyID is field 5: the long key id.
	KeyID string
	// Validity is field 2 as a letter of doc/DETAILS ("u" ultimate, "f"
	// full, "m" marginal, "n" never, "q" or "-" unknown, "e" expired,
	// "r" revoked, "i" invalid, "d" disabled, "o" not yet checked).
	Validity string
	// Algorithm: the curve (field 17) or the algorithm number and
	// length ("rsa3072").
	Algorithm string
	// Created and Expires (zero: never) are fields 6 and 7.
	Created, Expires time.Time
	// Capabilities is field 12 ("scESC": upper case for the whole key).
	Capabilities string
	// UserIDs are the uid records in order. A certificate's first is
	// its subject DN, the others its e-mail addresses.
	UserIDs []UserID
	// Subkeys are the sub or ssb records (OpenPGP only).
	Subkeys []Subkey
	// Issuer is a certificate's issuer DN (crt field 10); Serial its
	// serial number (field 8).
	Issuer, Serial string
}

// UserID is a uid record.
type UserID struct {
	Text     string // field 10, \xHH unescaped
	Validity string // field 2
}

// Subkey is a sub or ssb record.
type Subkey struct {
	Fingerprint, KeyID, Validity, Algorithm, Capabilities string
	Created, Expires                                      time.Time
}

// Revoked, Expired and Invalid read the validity letter.
func (k *Key) Revoked() bool { return k.Validity == "r" }
func (k *Key) Expired() bool { return k.Validity == "e" }
func (k *Key) Invalid() bool { return k.Validity == "i" || k.Validity == "d" }

// Addresses are the e-mail addresses (lower case) of the key's user ids
// that are neither revoked nor expired: such a user id names nobody.
func (k *Key) Addresses() []string {
	var out []string
	for _, u := range k.UserIDs {
		if a := addressOf(u.Text); u.Validity != "r" && u.Validity != "e" && a != "" && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// ValidityText names a validity letter for a reader.
func ValidityText(letter string) string {
	switch letter {
	case "u":
		return "ultimate (your own)"
	case "f":
		return "full"
	case "m":
		return "marginal"
	case "n":
		return "not valid"
	case "e":
		return "expired"
	case "r":
		return "revoked"
	case "i":
		return "invalid"
	case "d":
		return "disabled"
	default:
		return "unknown"
	}
}

// ParseColons reads a colon listing of gpg or gpgsm (--with-colons
// --list-keys, --list-secret-keys, --import-options show-only --import;
// doc/DETAILS, "Format of the colon listings"), within MaxListingBytes,
// MaxKeys, MaxUserIDs and MaxSubkeys. Record types it does not know
// (tru, grp, sig, rvk, cfg, ...) and fields beyond those it reads are
// ignored, as DETAILS asks; so is a uid, sub or fpr record before any
// key. The fpr record following a key or subkey gives its fingerprint.
func ParseColons(r io.Reader) []Key {
	var (
		keys []Key
		cur  *Key
		sub  *Subkey // the last sub/ssb, waiting for its fpr
		fpr  = false // the record before was a key or subkey
		// inSub: the records since the last sub/ssb are a subkey's; a
		// uid there names no one of the key.
		inSub = false
	)
	sc := bufio.NewScanner(io.LimitReader(r, MaxListingBytes))
	sc.Buffer(make([]byte, 0, 4096), 256<<10)
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		field := func(i int) string { // 1-based, as in DETAILS
			if i-1 < len(f) {
				return f[i-1]
			}
			return ""
		}
		wantFpr := fpr
		fpr = false
		switch rec := field(1); rec {
		case "pub", "sec", "crt", "crs":
			if len(keys) >= MaxKeys {
				return keys
			}
			keys = append(keys, Key{
				SMIME:        rec == "crt" || rec == "crs",
				Secret:       rec == "sec" || rec == "crs" || field(15) == "+",
				Validity:     field(2),
				KeyID:        field(5),
				Algorithm:    algorithm(field(4), field(3), field(17)),
				Created:      colonTime(field(6)),
				Expires:      colonTime(field(7)),
				Capabilities: field(12),
			})
			cur, sub, fpr, inSub = &keys[len(keys)-1], nil, true, false
			if cur.SMIME {
				cur.Serial = clip(field(8))
				cur.Issuer = clip(unescapeColons(field(10)))
			}
		case "sub", "ssb":
			inSub = true
			if cur == nil || len(cur.Subkeys) >= MaxSubkeys {
				sub = nil
				continue
			}
			if rec == "ssb" && field(15) == "+" {
				cur.Secret = true
			}
			cur.Subkeys = append(cur.Subkeys, Subkey{
				Validity: field(2), KeyID: field(5),
				Algorithm:    algorithm(field(4), field(3), field(17)),
				Created:      colonTime(field(6)),
				Expires:      colonTime(field(7)),
				Capabilities: field(12),
			})
			sub, fpr = &cur.Subkeys[len(cur.Subkeys)-1], true
		case "fpr":
			if !wantFpr || cur == nil {
				continue
			}
			v := strings.ToUpper(field(10))
			if !isHex(v) {
				continue
			}
			if sub != nil {
				sub.Fingerprint = v
			} else {
				cur.Fingerprint = v
			}
		case "uid":
			if cur == nil || inSub || len(cur.UserIDs) >= MaxUserIDs {
				continue
			}
			cur.UserIDs = append(cur.UserIDs, UserID{Text: clip(unescapeColons(field(10))), Validity: field(2)})
		}
	}
	// A key without a fingerprint cannot be named in a later call.
	out := keys[:0]
	for _, k := range keys {
		if k.Fingerprint != "" {
			out = append(out, k)
		}
	}
	return out
}

// algorithm names a key's algorithm: the curve when there is one
// (field 17), else the OpenPGP algorithm number with the length.
func algorithm(algo, length, curve string) string {
	if curve != "" {
		return clip(curve)
	}
	name := map[string]string{"1": "rsa", "2": "rsa", "3": "rsa", "16": "elg", "17": "dsa", "18": "ecdh", "19": "ecdsa", "22": "eddsa"}[algo]
	if name == "" {
		name = "algo" + clip(algo)
	}
	if _, err := strconv.Atoi(length); err == nil {
		name += length
	}
	return name
}

// colonTime reads a time field: seconds since the epoch, or an ISO 8601
// "YYYYMMDDTHHMMSS" (DETAILS allows both); zero when empty or unreadable.
func colonTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n <= 0 {
			return time.Time{}
		}
		return time.Unix(n, 0).UTC()
	}
	if t, err := time.Parse("20060102T150405", s); err == nil {
		return t
	}
	return time.Time{}
}

func isHex(s string) bool {
	if len(s) < 16 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if _, ok := unhex(s[i]); !ok {
			return false
		}
	}
	return true
}

// clip bounds a kept field to maxFieldBytes, valid UTF-8.
func clip(s string) string {
	if len(s) > maxFieldBytes {
		s = s[:maxFieldBytes]
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
