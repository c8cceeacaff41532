package mailcrypto

import (
	"context"

	"postern/gnupg"
)

// DecryptState is what a page says of an encrypted part.
type DecryptState int

const (
	// Decrypted: the plaintext is there.
	Decrypted DecryptState = iota
	// NeedPassphrase: the key wants a passphrase and none was given.
	NeedPassphrase
	// WrongPassphrase: the passphrase given did not unlock the key.
	WrongPassphrase
	// NoSecretKey: the message is encrypted to keys the user lacks.
	NoSecretKey
	// NoIntegrity: an OpenPGP message without integrity protection (no
	// MDC, no AEAD), or whose check failed: refused (EFAIL).
	NoIntegrity
	// DecryptFailed: anything else (broken data, GnuPG missing or slow).
	DecryptFailed
	// NotEncrypted: the item is not encrypted, or over the size limit.
	NotEncrypted
)

var decryptNames = [...]string{"decrypted", "need-passphrase", "wrong-passphrase", "no-secret-key", "no-integrity", "failed", "not-encrypted"}

func (s DecryptState) String() string {
	if int(s) < len(decryptNames) {
		return decryptNames[s]
	}
	return "unknown"
}

// Decryption is the result of decrypting one Item. Its Plaintext is
// held in memory for the request only: the caller must not write it to
// disk, cache or index it.
type Decryption struct {
	Item  Item
	State DecryptState
	// Plaintext is the decrypted MIME entity (PGP/MIME, S/MIME) or text
	// (inline PGP, an OpenPGP file); nil unless State is Decrypted.
	Plaintext []byte
	// Inner are the items recognised in a decrypted MIME entity: a
	// signature inside the encryption (RFC 3156 section 6.1, RFC 8551
	// section 3.7). Their part paths are those of the plaintext.
	Inner []Item
	// Signers are the signatures gpg checked while decrypting (RFC 3156
	// section 6.2: signed and encrypted in one OpenPGP message); they
	// cover the whole plaintext.
	Signers   []Signer
	KeyIDs    []string // the keys it is encrypted to
	Integrity bool     // OpenPGP MDC or AEAD checked; false for CMS
	Err       error
}

// Decrypter is the part of gnupg.Runner that Decrypt uses.
type Decrypter interface {
	Decrypt(ctx context.Context, ciphertext, passphrase []byte) (gnupg.Decryption, []byte, error)
	DecryptSMIME(ctx context.Context, p7, passphrase []byte) (gnupg.Decryption, []byte, error)
}

var _ Decrypter = (*gnupg.Runner)(nil)

// Decrypt decrypts one encrypted item with the user's GnuPG; passphrase
// nil gives none. The plaintext of a MIME item is recognised again (lim)
// for the signatures inside.
func Decrypt(ctx context.Context, d Decrypter, it Item, passphrase []byte, lim Limits) Decryption {
	res := Decryption{Item: it, State: NotEncrypted}
	if !it.Kind.Encrypted() || it.Truncated || len(it.Ciphertext) == 0 {
		return res
	}
	var gd gnupg.Decryption
	var pt []byte
	var err error
	if it.Kind == SMIMEEnveloped {
		gd, pt, err = d.DecryptSMIME(ctx, it.Ciphertext, passphrase)
	} else {
		gd, pt, err = d.Decrypt(ctx, it.Ciphertext, passphrase)
	}
	res.KeyIDs, res.Integrity = gd.EncryptedTo, gd.Integrity
	switch {
	case err != nil:
		res.State, res.Err = DecryptFailed, err
	case gd.OK && pt != nil:
		res.State, res.Plaintext = Decrypted, pt
	case it.Kind != SMIMEEnveloped && (gd.NoIntegrity || gd.BadMDC):
		res.State = NoIntegrity
	case gd.BadPassphrase || gd.NeedPassphrase && passphrase != nil:
		res.State = WrongPassphrase
	case gd.NeedPassphrase:
		res.State = NeedPassphrase
	case len(gd.NoSecretKey) > 0 && len(gd.NoSecretKey) >= len(gd.EncryptedTo):
		res.State = NoSecretKey
	case it.Kind == SMIMEEnveloped && passphrase == nil:
		// gpgsm says nothing of a missing passphrase: ask for one.
		res.State = NeedPassphrase
	case it.Kind == SMIMEEnveloped:
		res.State = WrongPassphrase
	default:
		res.State = DecryptFailed
	}
	if res.State != Decrypted {
		return res
	}
	for _, s := range gd.Signatures {
		res.Signers = append(res.Signers, signerOf(s))
	}
	if it.Kind == PGPEncrypted || it.Kind == SMIMEEnveloped {
		res.Inner = RecogniseBytes(pt, lim)
	}
	return res
}
