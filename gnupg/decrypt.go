package gnupg

import (
	"strconv"
	"strings"
)

// Decryption is what GnuPG said of a decryption, read from its status
// lines only.
type Decryption struct {
	// OK: DECRYPTION_OKAY was seen and neither DECRYPTION_FAILED nor
	// BADMDC.
	OK bool
	// Integrity: the OpenPGP data was integrity protected and the check
	// passed (GOODMDC, or DECRYPTION_INFO with an AEAD algorithm). CMS
	// has no such line; gpgsm's results leave it false.
	Integrity bool
	// NoIntegrity: DECRYPTION_INFO said mdc_method 0 and no AEAD: the
	// EFAIL case, whatever gpg decided.
	NoIntegrity bool
	// BadMDC: the integrity check failed (BADMDC).
	BadMDC bool
	// BadPassphrase: the passphrase given was wrong (BAD_PASSPHRASE, or
	// in loopback mode an ERROR line with gpg-error code 11,
	// GPG_ERR_BAD_PASSPHRASE).
	BadPassphrase bool
	// NeedPassphrase: a secret key wanted a passphrase
	// (NEED_PASSPHRASE, MISSING_PASSPHRASE); without OK, none was given
	// or it was wrong.
	NeedPassphrase bool
	// NoSecretKey lists the key ids of NO_SECKEY: keys the message is
	// encrypted to that the user lacks.
	NoSecretKey []string
	// EncryptedTo lists ENC_TO's key ids.
	EncryptedTo []string
	// Signatures are the signatures met inside (signed, then encrypted).
	Signatures []Signature
}

// gpgErrBadPassphrase is libgpg-error's GPG_ERR_BAD_PASSPHRASE.
const gpgErrBadPassphrase = 11

// errorCode returns the gpg-error code (the low 16 bits; the high bits
// name the source) of an ERROR or FAILURE code such as "67108875" or
// "151011327_EOF"; -1 when unreadable.
func errorCode(s string) int {
	s, _, _ = strings.Cut(s, "_")
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return -1
	}
	return int(n & 0xffff)
}

// parseDecrypt reads a decryption's status lines.
func parseDecrypt(lines []Status) Decryption {
	var d Decryption
	okay, failed := false, false
	for _, s := range lines {
		switch s.Keyword {
		case "DECRYPTION_OKAY":
			okay = true
		case "DECRYPTION_FAILED":
			failed = true
		case "GOODMDC":
			d.Integrity = true
		case "BADMDC":
			d.BadMDC = true
		case "DECRYPTION_INFO":
			mdc, aead := s.Arg(0), s.Arg(2)
			if aead != "" && aead != "0" {
				d.Integrity = true
			} else if mdc == "0" {
				d.NoIntegrity = true
			}
		case "BAD_PASSPHRASE":
			d.BadPassphrase = true
		case "NEED_PASSPHRASE", "NEED_PASSPHRASE_SYM", "MISSING_PASSPHRASE":
			d.NeedPassphrase = true
		case "ERROR":
			if errorCode(s.Arg(1)) == gpgErrBadPassphrase {
				d.BadPassphrase = true
			}
		case "NO_SECKEY":
			d.NoSecretKey = append(d.NoSecretKey, s.Arg(0))
		case "ENC_TO":
			d.EncryptedTo = append(d.EncryptedTo, s.Arg(0))
		}
	}
	d.OK = okay && !failed && !d.BadMDC
	if d.NoIntegrity {
		d.Integrity = false
	}
	d.Signatures = parseVerify(lines)
	return d
}
