package gnupg

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// ErrBadKeyID: a signer or recipient that is not a fingerprint. Only
// fingerprints (hex digits) are ever put in GnuPG's argv.
var ErrBadKeyID = errors.New("gnupg: not a fingerprint")

// Result is what GnuPG said of a signing or an encryption, read from its
// status lines only.
type Result struct {
	// OK: the signature was made (SIG_CREATED) or the data encrypted
	// (END_ENCRYPTION; gpgsm, which writes none, exited 0), and no FAILURE, INV_RECP or INV_SGNR was seen.
	OK bool
	// HashAlgo is the digest of SIG_CREATED (the OpenPGP numbers of RFC
	// 4880 section 9.4, which gpgsm uses too): the micalg of the
	// multipart/signed. 0 without a signature.
	HashAlgo int
	// Signer is SIG_CREATED's fingerprint.
	Signer string
	// BadPassphrase: the passphrase given was wrong (BAD_PASSPHRASE, or
	// ERROR with GPG_ERR_BAD_PASSPHRASE).
	BadPassphrase bool
	// NeedPassphrase: the secret key wanted a passphrase (none was
	// given, or a wrong one).
	NeedPassphrase bool
	// InvalidRecipients are the fingerprints of INV_RECP (expired,
	// revoked, unusable, or with gpgsm a certificate whose chain is not
	// trusted); InvalidSigner: INV_SGNR.
	InvalidRecipients []string
	InvalidSigner     bool
}

// parseWrite reads the status lines of a signing or an encryption.
func parseWrite(lines []Status, wantSig, wantEnc bool) Result {
	var res Result
	signed, encrypted, failed := false, false, false
	for _, s := range lines {
		switch s.Keyword {
		case "SIG_CREATED":
			signed = true
			res.HashAlgo, _ = strconv.Atoi(s.Arg(2))
			res.Signer = s.Arg(5)
		case "END_ENCRYPTION":
			encrypted = true
		case "INV_RECP":
			res.InvalidRecipients = append(res.InvalidRecipients, s.Arg(1))
		case "INV_SGNR":
			res.InvalidSigner = true
		case "BAD_PASSPHRASE":
			res.BadPassphrase = true
		case "NEED_PASSPHRASE", "MISSING_PASSPHRASE":
			res.NeedPassphrase = true
		case "ERROR", "FAILURE":
			if errorCode(s.Arg(1)) == gpgErrBadPassphrase {
				res.BadPassphrase = true
			}
			if s.Keyword == "FAILURE" {
				failed = true
			}
		}
	}
	res.OK = !failed && len(res.InvalidRecipients) == 0 && !res.InvalidSigner &&
		(!wantSig || signed) && (!wantEnc || encrypted)
	return res
}

// fingerprints checks that every id is a fingerprint.
func fingerprints(ids ...string) error {
	for _, id := range ids {
		if !isHex(id) {
			return fmt.Errorf("%w: %q", ErrBadKeyID, id)
		}
	}
	return nil
}

// writeOpts are the fixed options of the signing and encrypting calls:
// as for reading, no key is fetched and no dirmngr started.
var (
	gpgWriteOpts   = with(gpgOpts, "--armor")
	gpgsmWriteOpts = with(gpgsmOpts, "--output", "-")
)

// Sign makes a detached signature of data with the secret key of
// fingerprint signer: OpenPGP ASCII armor (gpg --armor --detach-sign),
// or with smime a DER CMS SignedData without the content (gpgsm
// --detach-sign). A nil passphrase gives none (a key without one).
// The signature is returned only when Result.OK.
func (r *Runner) Sign(ctx context.Context, smime bool, signer string, data, passphrase []byte) (Result, []byte, error) {
	if err := fingerprints(signer); err != nil {
		return Result{}, nil, err
	}
	prog, args := r.GPG, with(gpgWriteOpts, "--local-user", signer, "--detach-sign", "--", "-")
	if smime {
		prog, args = r.GPGSM, with(gpgsmWriteOpts, "--local-user", signer, "--detach-sign", "--", "-")
	}
	res, err := r.run(ctx, prog, args, data, nil, passphrase)
	if err != nil {
		return Result{}, nil, err
	}
	out := parseWrite(res.status, true, false)
	if !out.OK || res.exit != 0 {
		out.OK = false
		return out, nil, nil
	}
	return out, res.out, nil
}

// Encrypt encrypts data to the keys of fingerprints recipients (the
// caller adds the user's own): OpenPGP ASCII armor (gpg --armor
// --encrypt), or with smime a DER CMS EnvelopedData (gpgsm --encrypt).
// hidden (gpg only) are recipients whose key ids are not written
// (--hidden-recipient: the Bcc recipients, whom the others must not
// see; their software tries each of its secret keys). With signer (gpg
// only) the data is signed with that key in the same
// call (gpg --sign --encrypt, RFC 3156 section 6.2), which may need the
// passphrase. gpg encrypts with --trust-model always: the user chose to
// keep the key in the keyring and the compose page names it; whether it
// is certified is for the Keys page to show. The output is returned
// only when Result.OK.
func (r *Runner) Encrypt(ctx context.Context, smime bool, recipients, hidden []string, signer string, data, passphrase []byte) (Result, []byte, error) {
	if len(recipients)+len(hidden) == 0 {
		return Result{}, nil, errors.New("gnupg: no recipient")
	}
	if err := fingerprints(append(recipients[:len(recipients):len(recipients)], hidden...)...); err != nil {
		return Result{}, nil, err
	}
	if smime && len(hidden) > 0 {
		return Result{}, nil, errors.New("gnupg: gpgsm has no hidden recipients")
	}
	if signer != "" {
		if smime {
			return Result{}, nil, errors.New("gnupg: gpgsm signs and encrypts in two calls")
		}
		if err := fingerprints(signer); err != nil {
			return Result{}, nil, err
		}
	}
	var prog string
	var args []string
	if smime {
		prog, args = r.GPGSM, with(gpgsmWriteOpts)
	} else {
		prog, args = r.GPG, with(gpgWriteOpts, "--trust-model", "always")
		if signer != "" {
			args = append(args, "--sign", "--local-user", signer)
		}
	}
	for _, fpr := range recipients {
		args = append(args, "--recipient", fpr)
	}
	for _, fpr := range hidden {
		args = append(args, "--hidden-recipient", fpr)
	}
	args = append(args, "--encrypt", "--", "-")
	res, err := r.run(ctx, prog, args, data, nil, passphrase)
	if err != nil {
		return Result{}, nil, err
	}
	// gpgsm 2.2 writes no END_ENCRYPTION: its exit status says.
	out := parseWrite(res.status, signer != "", !smime)
	if !out.OK || res.exit != 0 || len(res.out) == 0 {
		out.OK = false
		return out, nil, nil
	}
	return out, res.out, nil
}
