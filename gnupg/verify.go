package gnupg

import (
	"strconv"
	"strings"
	"time"
)

// Verdict is what GnuPG said of one signature.
type Verdict int

const (
	// Unchecked: no verdict line was seen (gpg failed before).
	Unchecked Verdict = iota
	// Good: GOODSIG, the signature is valid and made by a valid key.
	Good
	// Bad: BADSIG, the signed data or the signature was altered.
	Bad
	// ExpiredSig: EXPSIG, valid but the signature itself has expired.
	ExpiredSig
	// ExpiredKey: EXPKEYSIG, valid but made by an expired key.
	ExpiredKey
	// RevokedKey: REVKEYSIG, valid but made by a revoked key.
	RevokedKey
	// NoKey: ERRSIG with rc 9, the public key or certificate is missing.
	NoKey
	// Error: ERRSIG with another rc (4: unknown algorithm).
	Error
)

var verdictNames = [...]string{"unchecked", "good", "bad", "expired-signature", "expired-key", "revoked-key", "no-key", "error"}

func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return "unknown"
}

// Validity is the validity of the signing key (the TRUST_ lines: the
// web of trust for gpg, the certificate chain for gpgsm).
type Validity int

const (
	ValidityUnknown   Validity = iota // no TRUST_ line
	ValidityUndefined                 // TRUST_UNDEFINED: not known to be valid (gpgsm: untrusted chain)
	ValidityNever                     // TRUST_NEVER: known not to be valid
	ValidityMarginal                  // TRUST_MARGINAL
	ValidityFull                      // TRUST_FULLY
	ValidityUltimate                  // TRUST_ULTIMATE: the user's own key
)

var validityNames = [...]string{"unknown", "undefined", "never", "marginal", "full", "ultimate"}

func (v Validity) String() string {
	if int(v) < len(validityNames) {
		return validityNames[v]
	}
	return "unknown"
}

// Signature is one signature's result, from NEWSIG to the next NEWSIG.
type Signature struct {
	Verdict Verdict
	// KeyID is the long key id or the fingerprint named by the verdict
	// line (gpgsm names the certificate's fingerprint).
	KeyID string
	// UserID is the user name of the verdict line, unescaped: the
	// primary user id (gpg) or the certificate's subject (gpgsm).
	UserID string
	// SignersUID is the signer's user id subpacket of NEWSIG, if any:
	// what the signer claims, not checked by GnuPG.
	SignersUID string
	// Fingerprint is the signing (sub)key's from VALIDSIG, and
	// PrimaryFingerprint its primary key's ("" for CMS).
	Fingerprint, PrimaryFingerprint string
	Created                         time.Time
	Validity                        Validity
	// ValidityError is the error token of TRUST_UNDEFINED or
	// TRUST_NEVER (gpgsm: why the chain is not trusted).
	ValidityError string
	// ErrorCode is ERRSIG's rc.
	ErrorCode int
}

// parseVerify reads the signatures from status lines.
func parseVerify(lines []Status) []Signature {
	var sigs []Signature
	cur := func() *Signature {
		if len(sigs) == 0 {
			sigs = append(sigs, Signature{})
		}
		return &sigs[len(sigs)-1]
	}
	for _, s := range lines {
		switch s.Keyword {
		case "NEWSIG":
			sig := Signature{}
			if u := s.Arg(0); u != "-" {
				sig.SignersUID = unescape(s.rest(0))
			}
			sigs = append(sigs, sig)
		case "GOODSIG", "BADSIG", "EXPSIG", "EXPKEYSIG", "REVKEYSIG":
			c := cur()
			if c.Verdict != Unchecked {
				// a verdict without NEWSIG before it (old gpg): a new signature
				sigs = append(sigs, Signature{})
				c = cur()
			}
			c.Verdict = map[string]Verdict{"GOODSIG": Good, "BADSIG": Bad, "EXPSIG": ExpiredSig,
				"EXPKEYSIG": ExpiredKey, "REVKEYSIG": RevokedKey}[s.Keyword]
			c.KeyID = s.Arg(0)
			c.UserID = unescape(s.rest(1))
		case "ERRSIG":
			c := cur()
			if c.Verdict != Unchecked {
				sigs = append(sigs, Signature{})
				c = cur()
			}
			c.KeyID = s.Arg(0)
			c.ErrorCode, _ = strconv.Atoi(s.Arg(5))
			if fpr := s.Arg(6); fpr != "" && fpr != "-" {
				c.Fingerprint = fpr
			}
			c.Verdict = Error
			if c.ErrorCode == 9 {
				c.Verdict = NoKey
			}
		case "VALIDSIG":
			c := cur()
			c.Fingerprint = s.Arg(0)
			c.Created = parseTime(s.Arg(2))
			if p := s.Arg(9); p != "" {
				c.PrimaryFingerprint = p
			}
		case "TRUST_UNDEFINED", "TRUST_NEVER", "TRUST_MARGINAL", "TRUST_FULLY", "TRUST_ULTIMATE":
			c := cur()
			c.Validity = map[string]Validity{"TRUST_UNDEFINED": ValidityUndefined, "TRUST_NEVER": ValidityNever,
				"TRUST_MARGINAL": ValidityMarginal, "TRUST_FULLY": ValidityFull, "TRUST_ULTIMATE": ValidityUltimate}[s.Keyword]
			if c.Validity <= ValidityNever {
				c.ValidityError = s.Arg(0)
			}
		}
	}
	// A NEWSIG that led to nothing (gpg gave up) stays Unchecked.
	return sigs
}

// parseTime reads seconds since the epoch or an ISO 8601 basic time
// ("20261206T064939"), as doc/DETAILS allows; zero when neither.
func parseTime(s string) time.Time {
	if strings.Contains(s, "T") {
		t, err := time.Parse("20060102T150405", s)
		if err != nil {
			return time.Time{}
		}
		return t
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}
