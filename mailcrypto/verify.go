package mailcrypto

import (
	"bytes"
	"context"
	"errors"

	"postern/gnupg"
)

// State is what a page says of a signed part.
type State int

const (
	// Unverifiable: nothing says what the signature covers (an orphan
	// signature, an unknown protocol), or it is over the size limit.
	Unverifiable State = iota
	// Missing: a multipart/signed without its signature part.
	Missing
	// Good: valid, by a key or certificate the user's GnuPG holds valid.
	Good
	// Untrusted: valid, but the key is not known to be the signer's (gpg:
	// not certified in the user's web of trust; gpgsm: the chain does not
	// end at a trusted root).
	Untrusted
	// Bad: the signed part or the signature was altered.
	Bad
	// UnknownKey: the user's keyring lacks the key (KeyID names it).
	UnknownKey
	// Expired: the signature or the key has expired.
	Expired
	// Revoked: the key was revoked.
	Revoked
	// Failed: GnuPG could not check it (an unknown algorithm, a broken
	// signature, a program missing or too slow).
	Failed
)

var stateNames = [...]string{"unverifiable", "missing", "good", "untrusted", "bad", "unknown-key", "expired", "revoked", "failed"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// Signer is one signature of a part, as a page states it.
type Signer struct {
	State State
	// UserID is the key's primary user id (gpg) or the certificate's
	// subject (gpgsm).
	UserID      string
	KeyID       string // the long key id or the certificate's fingerprint
	Fingerprint string // the primary key's, or the certificate's
	// Addresses are the key's or certificate's addresses (from the
	// user's keyring), and FromMatches whether one is the From address
	// of the message holding the part.
	Addresses   []string
	FromMatches bool
	Validity    gnupg.Validity
}

// Verification is the result for one signed Item.
type Verification struct {
	Item    Item
	State   State    // the worst of Signers', or why there are none
	Signers []Signer // one per signature
	// Content is what the signature covers when GnuPG gives it back: the
	// text of a clearsigned block, the MIME entity of opaque SignedData.
	// It is what a page must show as signed, not the block around it.
	Content []byte
	Err     error // why GnuPG could not be asked (Failed)
}

// Verifier is the part of gnupg.Runner that Verify uses.
type Verifier interface {
	VerifyDetached(ctx context.Context, signed, sig []byte) ([]gnupg.Signature, error)
	VerifyClearsigned(ctx context.Context, block []byte) ([]gnupg.Signature, []byte, error)
	VerifySMIME(ctx context.Context, signed, sig []byte) ([]gnupg.Signature, error)
	VerifySMIMEOpaque(ctx context.Context, p7 []byte) ([]gnupg.Signature, []byte, error)
	Addresses(ctx context.Context, smime bool, fpr string) ([]string, error)
}

var _ Verifier = (*gnupg.Runner)(nil)

// Verify checks the signature of one signed item with the user's GnuPG.
// The signed bytes of a multipart/signed get CRLF line ends first (RFC
// 3156 section 5, RFC 8551 section 3.1.1: signatures are over the
// canonical form; a Maildir stores LF).
func Verify(ctx context.Context, v Verifier, it Item) Verification {
	res := Verification{Item: it}
	if !it.Kind.Signed() || it.Truncated {
		return res
	}
	var sigs []gnupg.Signature
	var err error
	smime := !it.Kind.OpenPGP()
	switch it.Kind {
	case PGPSigned, SMIMESigned:
		if len(it.Signature) == 0 {
			res.State = Missing
			return res
		}
		if it.Kind == PGPSigned {
			sigs, err = v.VerifyDetached(ctx, canonical(it.Signed), it.Signature)
		} else {
			sigs, err = v.VerifySMIME(ctx, canonical(it.Signed), it.Signature)
		}
	case PGPInlineSigned:
		sigs, res.Content, err = v.VerifyClearsigned(ctx, it.Signed)
	case SMIMEOpaqueSigned:
		sigs, res.Content, err = v.VerifySMIMEOpaque(ctx, it.Signature)
	}
	if err != nil || len(sigs) == 0 {
		res.State, res.Err = Failed, err
		if err == nil {
			res.Err = errors.New("mailcrypto: GnuPG found no signature")
		}
		res.Content = nil
		return res
	}
	worst := Good
	for _, s := range sigs {
		sg := signerOf(s)
		if sg.Fingerprint != "" && (sg.State == Good || sg.State == Untrusted || sg.State == Expired || sg.State == Revoked) {
			sg.Addresses, _ = v.Addresses(ctx, smime, sg.Fingerprint)
			for _, a := range sg.Addresses {
				sg.FromMatches = sg.FromMatches || sameAddress(a, it.From)
			}
		}
		if rank(sg.State) > rank(worst) {
			worst = sg.State
		}
		res.Signers = append(res.Signers, sg)
	}
	res.State = worst
	if worst != Good && worst != Untrusted {
		res.Content = nil // never shown as signed
	}
	return res
}

// rank orders states from best to worst for a part with several
// signatures: one bad signature makes the part bad.
func rank(s State) int {
	switch s {
	case Good:
		return 0
	case Untrusted:
		return 1
	case Expired:
		return 2
	case UnknownKey:
		return 3
	case Revoked:
		return 4
	case Failed:
		return 5
	case Bad:
		return 6
	}
	return 5
}

// signerOf turns GnuPG's verdict into a page's state.
func signerOf(s gnupg.Signature) Signer {
	sg := Signer{UserID: s.UserID, KeyID: s.KeyID, Validity: s.Validity, Fingerprint: s.PrimaryFingerprint}
	if sg.Fingerprint == "" {
		sg.Fingerprint = s.Fingerprint
	}
	switch s.Verdict {
	case gnupg.Good:
		sg.State = Good
		if s.Validity < gnupg.ValidityMarginal {
			sg.State = Untrusted
		}
	case gnupg.Bad:
		sg.State = Bad
	case gnupg.ExpiredSig, gnupg.ExpiredKey:
		sg.State = Expired
	case gnupg.RevokedKey:
		sg.State = Revoked
	case gnupg.NoKey:
		sg.State = UnknownKey
	default:
		sg.State = Failed
	}
	return sg
}

// canonical returns b with every bare LF made CRLF.
func canonical(b []byte) []byte {
	n := bytes.Count(b, []byte("\n")) - bytes.Count(b, []byte("\r\n"))
	if n == 0 {
		return b
	}
	out := make([]byte, 0, len(b)+n)
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}
