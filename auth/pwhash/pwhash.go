// Package pwhash verifies and makes crypt(3) password hashes, the strings
// found in /etc/shadow and in webpass password files.
//
// Verify is the one place where postern compares a password with a hash.
// MD5-crypt ($1$), SHA-256-crypt ($5$) and SHA-512-crypt ($6$) are computed in
// Go by github.com/GehirnInc/crypt; every other scheme (yescrypt $y$, the
// default of Debian 12's chpasswd, gost-yescrypt $gy$, scrypt $7$, bcrypt
// $2b$, ...) goes to the system's libxcrypt through crypt_rn(3), so what the
// system can log in with, postern can verify. Either way the computed hash is
// compared with the stored one in constant time.
//
// Refused before any hashing runs: an empty hash (no password), a locked one
// (starting with "!" or "*", which also covers libcrypt's "*0"/"*1" failure
// tokens), a hash longer than MaxHashBytes or holding a control character or
// ':', a password longer than MaxPasswordBytes or holding a NUL byte (C
// strings cannot carry it), and SHA-crypt hashes asking for more than
// MaxRounds rounds. The cost parameters of libcrypt's schemes are not
// limited here: the hash files are trusted to be written by root or by the
// account's owner (whose own logins only get slower).
//
// Hash makes a yescrypt hash with libcrypt's crypt_gensalt_rn default cost,
// falling back to SHA-512-crypt (random salt, default rounds) when the
// library cannot.
package pwhash

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/GehirnInc/crypt/md5_crypt"
	"github.com/GehirnInc/crypt/sha256_crypt"
	"github.com/GehirnInc/crypt/sha512_crypt"
)

// Limits on untrusted input.
const (
	MaxPasswordBytes = 511       // longest password accepted (libxcrypt: CRYPT_MAX_PASSPHRASE_SIZE - 1)
	MaxHashBytes     = 384       // longest hash accepted (libxcrypt's CRYPT_OUTPUT_SIZE)
	MaxRounds        = 5_000_000 // most rounds= accepted in $5$ and $6$ hashes
)

var (
	// ErrEmpty means the hash is empty: the account has no password.
	ErrEmpty = errors.New("pwhash: empty hash (no password)")
	// ErrLocked means the hash starts with "!" or "*".
	ErrLocked = errors.New("pwhash: locked hash")
	// ErrMismatch means the password does not match the hash.
	ErrMismatch = errors.New("pwhash: password does not match")
	// ErrUnsupported means no hasher understood the hash.
	ErrUnsupported = errors.New("pwhash: unsupported hash")
)

// Verify returns nil if password matches the crypt(3) hash, and an error
// otherwise: ErrEmpty, ErrLocked, ErrMismatch, ErrUnsupported, or another
// error for malformed input.
func Verify(hash, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	if err := checkHash(hash); err != nil {
		return err
	}
	// GehirnInc/crypt is given the setting alone (the hash up to its last
	// "$"): given the whole hash it misreads the salt after "rounds=".
	setting := hash[:strings.LastIndexByte(hash, '$')+1]
	setting = strings.TrimSuffix(setting, "$")
	var got string
	var err error
	switch {
	case strings.HasPrefix(hash, "$1$"):
		got, err = md5_crypt.New().Generate([]byte(password), []byte(setting))
	case strings.HasPrefix(hash, "$5$"):
		got, err = sha256_crypt.New().Generate([]byte(password), []byte(setting))
	case strings.HasPrefix(hash, "$6$"):
		got, err = sha512_crypt.New().Generate([]byte(password), []byte(setting))
	default:
		got, err = libcrypt(password, hash)
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(hash)) != 1 {
		return ErrMismatch
	}
	return nil
}

// Hash returns a new crypt(3) hash of password: yescrypt ($y$) from libcrypt,
// or SHA-512-crypt ($6$) when libcrypt cannot make one.
func Hash(password string) (string, error) {
	if err := checkPassword(password); err != nil {
		return "", err
	}
	if setting, err := gensalt("$y$"); err == nil {
		if h, err := libcrypt(password, setting); err == nil {
			return h, nil
		}
	}
	h, err := sha512_crypt.New().Generate([]byte(password), nil)
	if err != nil {
		return "", fmt.Errorf("pwhash: sha512-crypt: %v", err)
	}
	return h, nil
}

func checkPassword(pw string) error {
	if len(pw) > MaxPasswordBytes {
		return fmt.Errorf("pwhash: password longer than %d bytes", MaxPasswordBytes)
	}
	if strings.IndexByte(pw, 0) >= 0 {
		return errors.New("pwhash: NUL byte in password")
	}
	return nil
}

func checkHash(h string) error {
	if h == "" {
		return ErrEmpty
	}
	if h[0] == '!' || h[0] == '*' {
		return ErrLocked
	}
	if len(h) > MaxHashBytes {
		return fmt.Errorf("pwhash: hash longer than %d bytes", MaxHashBytes)
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; c < 0x20 || c == 0x7f || c == ':' {
			return fmt.Errorf("pwhash: invalid byte %q in hash", c)
		}
	}
	if strings.HasPrefix(h, "$5$rounds=") || strings.HasPrefix(h, "$6$rounds=") {
		s, _, _ := strings.Cut(h[len("$5$rounds="):], "$")
		n, err := strconv.Atoi(s)
		if err != nil || n > MaxRounds {
			return fmt.Errorf("pwhash: rounds=%q: want a number <= %d", s, MaxRounds)
		}
	}
	return nil
}
