package gnupg

import (
	"bytes"
	"context"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"strconv"
	"strings"
)

// Imported is what GnuPG said of an import, from its status lines
// (doc/DETAILS: IMPORT_OK, IMPORT_PROBLEM, IMPORT_RES).
type Imported struct {
	// Keys are the keys of IMPORT_OK, in order.
	Keys []ImportedKey
	// Problems are IMPORT_PROBLEM's reasons, as sentences.
	Problems []string
	// Considered, Imported, Unchanged and NotImported are counts of
	// IMPORT_RES (fields 1, 3, 5 and 14; gpgsm gives fewer fields:
	// those it lacks are 0).
	Considered, New, Unchanged, NotImported int
}

// ImportedKey is one IMPORT_OK line, with the user ids of the key when
// known.
type ImportedKey struct {
	Fingerprint string
	// Flags of IMPORT_OK: 0 nothing new; 1 new key, 2 new user ids, 4
	// new signatures, 8 new subkeys, 16 a secret key.
	Flags   int
	UserIDs []string
}

// What says what IMPORT_OK's flags mean, for a reader.
func (k ImportedKey) What() string {
	if k.Flags == 0 {
		return "unchanged (you had it already)"
	}
	if k.Flags&1 != 0 {
		return "new"
	}
	var parts []string
	for _, b := range []struct {
		bit  int
		text string
	}{{2, "new user ids"}, {4, "new signatures"}, {8, "new subkeys"}} {
		if k.Flags&b.bit != 0 {
			parts = append(parts, b.text)
		}
	}
	return "updated: " + strings.Join(parts, ", ")
}

// importProblems are IMPORT_PROBLEM's reason codes (DETAILS).
var importProblems = map[string]string{
	"0": "no specific reason given",
	"1": "invalid certificate",
	"2": "issuer certificate missing",
	"3": "certificate chain too long",
	"4": "error storing certificate",
}

// parseImport reads an import's status lines.
func parseImport(lines []Status) Imported {
	var im Imported
	for _, s := range lines {
		switch s.Keyword {
		case "IMPORT_OK":
			flags, err := strconv.Atoi(s.Arg(0))
			if err != nil || !ValidFingerprint(s.Arg(1)) {
				continue
			}
			im.Keys = append(im.Keys, ImportedKey{Fingerprint: strings.ToUpper(s.Arg(1)), Flags: flags})
		case "IMPORT_PROBLEM":
			text, ok := importProblems[s.Arg(0)]
			if !ok {
				text = "reason " + clip(s.Arg(0))
			}
			im.Problems = append(im.Problems, text)
		case "IMPORT_RES":
			n := func(i int) int {
				v, _ := strconv.Atoi(s.Arg(i))
				return v
			}
			im.Considered, im.New, im.Unchanged, im.NotImported = n(0), n(2), n(4), n(13)
		}
	}
	return im
}

// Import adds the public keys (gpg) or certificates (gpgsm) in data,
// at most MaxImportBytes, to the user's ring, and returns what GnuPG
// said of it. Secret keys are refused (ErrSecretKey) before anything
// is imported: OpenPGP data is first listed with --import-options
// show-only (a dry run) and refused if it holds a secret key; S/MIME
// data must be certificates (PEM CERTIFICATE or PKCS7 blocks, a DER
// certificate or a DER CMS SignedData, a .p7c), never PKCS#12 nor a
// private key. ErrNoKey when the data holds none.
func (r *Runner) Import(ctx context.Context, smime bool, data []byte) (Imported, error) {
	if len(data) > MaxImportBytes {
		return Imported{}, fmt.Errorf("%w (import, %d bytes)", ErrTooLarge, MaxImportBytes)
	}
	var uids map[string][]string
	if smime {
		if err := certificatesOnly(data); err != nil {
			return Imported{}, err
		}
	} else {
		res, err := r.run(ctx, r.GPG, with(gpgOpts, "--import-options", "show-only", "--import", "--", "-"), data, nil, nil)
		if err != nil {
			return Imported{}, err
		}
		keys := ParseColons(bytes.NewReader(res.out))
		if len(keys) == 0 {
			return Imported{}, ErrNoKey
		}
		uids = map[string][]string{}
		for _, k := range keys {
			if k.Secret {
				return Imported{}, ErrSecretKey
			}
			for _, u := range k.UserIDs {
				uids[k.Fingerprint] = append(uids[k.Fingerprint], u.Text)
			}
		}
	}
	res, err := r.run(ctx, r.prog(smime), with(keyOpts(smime), "--import", "--", "-"), data, nil, nil)
	if err != nil {
		return Imported{}, err
	}
	im := parseImport(res.status)
	for i := range im.Keys {
		im.Keys[i].UserIDs = uids[im.Keys[i].Fingerprint]
	}
	if len(im.Keys) == 0 && len(im.Problems) == 0 {
		return im, ErrNoKey
	}
	return im, nil
}

var (
	oidSignedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
)

// certificatesOnly accepts S/MIME import data made of certificates only:
// PEM blocks CERTIFICATE, X509 CERTIFICATE, TRUSTED CERTIFICATE, PKCS7
// or CMS, or DER that is a certificate or a CMS SignedData (a
// certs-only .p7c). Anything else, a private key or PKCS#12 first, is
// refused.
func certificatesOnly(data []byte) error {
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		rest, n := data, 0
		for {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
			switch b.Type {
			case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE", "PKCS7", "CMS":
				n++
			default:
				if strings.Contains(b.Type, "PRIVATE") {
					return ErrSecretKey
				}
				return fmt.Errorf("%w: a %q block", ErrNoKey, b.Type)
			}
		}
		if n == 0 {
			return ErrNoKey
		}
		return nil
	}
	if isCertificateDER(data) {
		return nil
	}
	var ci struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue `asn1:"explicit,optional,tag:0"`
	}
	if rest, err := asn1.Unmarshal(data, &ci); err == nil && len(rest) == 0 && ci.Type.Equal(oidSignedData) {
		return nil
	}
	return ErrNoKey
}

// isCertificateDER says whether data is, in shape, one DER X.509
// certificate: a SEQUENCE of the signed part (a SEQUENCE), the signature
// algorithm (a SEQUENCE) and the signature (a BIT STRING), with nothing
// after it (RFC 5280, 4.1). The shape is enough here: it is what no
// private key has (PKCS#1, PKCS#8, SEC 1 and PKCS#12 all begin with an
// INTEGER), and gpgsm parses the certificate itself. Not
// x509.ParseCertificate, which would link crypto/x509 and its key
// packages into every request of the program for this one test.
func isCertificateDER(data []byte) bool {
	var c struct {
		TBS       asn1.RawValue
		Algorithm asn1.RawValue
		Signature asn1.BitString
	}
	rest, err := asn1.Unmarshal(data, &c)
	return err == nil && len(rest) == 0 &&
		c.TBS.Class == asn1.ClassUniversal && c.TBS.Tag == asn1.TagSequence && c.TBS.IsCompound &&
		c.Algorithm.Class == asn1.ClassUniversal && c.Algorithm.Tag == asn1.TagSequence && c.Algorithm.IsCompound
}

// IsSMIMEData tells S/MIME import data from OpenPGP: PEM other than
// "-----BEGIN PGP", or DER (an ASN.1 SEQUENCE, 0x30, a byte that never
// begins an OpenPGP packet, whose first byte has its high bit set).
func IsSMIMEData(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	if i := bytes.Index(t, []byte("-----BEGIN ")); i >= 0 {
		return !bytes.HasPrefix(t[i+len("-----BEGIN "):], []byte("PGP "))
	}
	return len(t) > 0 && t[0] == 0x30
}
