package gnupg

import (
	"context"
	"fmt"
	"strings"
)

// Fixed options of the verifying and decrypting calls: never fetch a
// key from the network (a fetch tells the key server who reads which
// mail), never start dirmngr (gpgsm: no CRL or OCSP check; see the
// package doc).
var (
	gpgOpts   = []string{"--no-auto-key-retrieve", "--no-auto-key-locate", "--disable-dirmngr"}
	gpgsmOpts = []string{"--disable-dirmngr"}
)

// VerifyDetached checks an OpenPGP detached signature sig over signed
// (gpg --verify -&4 -: the signature on fd 4, the data on stdin).
func (r *Runner) VerifyDetached(ctx context.Context, signed, sig []byte) ([]Signature, error) {
	res, err := r.run(ctx, r.GPG, with(gpgOpts, "--verify", "--", "-&4", "-"), signed, sig, nil)
	if err != nil {
		return nil, err
	}
	return parseVerify(res.status), nil
}

// VerifyClearsigned checks a clearsigned block and returns its
// signatures and the text they cover, as gpg gives it (dash-escaping
// undone): what a page shows as signed must be this text, not the
// block around it.
func (r *Runner) VerifyClearsigned(ctx context.Context, block []byte) ([]Signature, []byte, error) {
	res, err := r.run(ctx, r.GPG, with(gpgOpts, "--decrypt", "--", "-"), block, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	sigs := parseVerify(res.status)
	if len(sigs) == 0 {
		return nil, nil, nil
	}
	return sigs, res.out, nil
}

// VerifySMIME checks a CMS detached signature sig (DER) over signed
// (gpgsm --verify -&4 -).
func (r *Runner) VerifySMIME(ctx context.Context, signed, sig []byte) ([]Signature, error) {
	res, err := r.run(ctx, r.GPGSM, with(gpgsmOpts, "--verify", "--", "-&4", "-"), signed, sig, nil)
	if err != nil {
		return nil, err
	}
	return parseVerify(res.status), nil
}

// VerifySMIMEOpaque checks CMS SignedData with its content inside
// (application/pkcs7-mime; smime-type=signed-data) and returns the
// signatures and the content (a MIME entity).
func (r *Runner) VerifySMIMEOpaque(ctx context.Context, p7 []byte) ([]Signature, []byte, error) {
	res, err := r.run(ctx, r.GPGSM, with(gpgsmOpts, "--output", "-", "--verify", "--", "-"), p7, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	return parseVerify(res.status), res.out, nil
}

// Decrypt decrypts an OpenPGP message with the user's secret keys; a
// nil passphrase gives none (a key without one, or one cached in the
// user's agent). The plaintext is returned only when GnuPG says the
// decryption succeeded and the data was integrity protected (MDC or
// AEAD): gpg writes plaintext before it knows that, so on any other
// outcome the output is thrown away here (EFAIL).
func (r *Runner) Decrypt(ctx context.Context, ciphertext, passphrase []byte) (Decryption, []byte, error) {
	res, err := r.run(ctx, r.GPG, with(gpgOpts, "--decrypt", "--", "-"), ciphertext, nil, passphrase)
	if err != nil {
		return Decryption{}, nil, err
	}
	d := parseDecrypt(res.status)
	if !d.OK || !d.Integrity {
		clear(res.out)
		return d, nil, nil
	}
	return d, res.out, nil
}

// DecryptSMIME decrypts CMS EnvelopedData with the user's gpgsm keys.
// CMS EnvelopedData carries no integrity check (AuthEnvelopedData does):
// Integrity stays false and the caller must treat the content as
// malleable (no remote content, nothing merged with other parts).
func (r *Runner) DecryptSMIME(ctx context.Context, p7, passphrase []byte) (Decryption, []byte, error) {
	res, err := r.run(ctx, r.GPGSM, with(gpgsmOpts, "--output", "-", "--decrypt", "--", "-"), p7, nil, passphrase)
	if err != nil {
		return Decryption{}, nil, err
	}
	d := parseDecrypt(res.status)
	if !d.OK {
		clear(res.out)
		return d, nil, nil
	}
	return d, res.out, nil
}

// Addresses returns the e-mail addresses of the key or certificate with
// fingerprint fpr (gpgsm for smime): from its user ids, the part in
// angle brackets or a user id that is an address. Read from the colon
// listing (doc/DETAILS, "Format of the colon listings"), field 10 of
// the uid records.
func (r *Runner) Addresses(ctx context.Context, smime bool, fpr string) ([]string, error) {
	if fpr == "" || strings.ContainsAny(fpr, " \t\n-") {
		return nil, fmt.Errorf("gnupg: bad fingerprint %q", fpr)
	}
	prog, opts := r.GPG, gpgOpts
	if smime {
		prog, opts = r.GPGSM, gpgsmOpts
	}
	res, err := r.run(ctx, prog, with(opts, "--list-keys", "--", fpr), nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return uidAddresses(res.out), nil
}

// uidAddresses reads the addresses of the uid records of a colon listing.
func uidAddresses(listing []byte) []string {
	var out []string
	seen := map[string]bool{}
	for _, line := range strings.Split(string(listing), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 10 || f[0] != "uid" || f[1] == "r" {
			continue // not a uid, or a revoked one
		}
		addr := addressOf(unescapeColons(f[9]))
		if addr != "" && !seen[addr] {
			seen[addr] = true
			out = append(out, addr)
		}
	}
	return out
}

// addressOf is the e-mail address of a user id: the part in angle
// brackets, or the user id when it is an address; "" when neither.
func addressOf(uid string) string {
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

// unescapeColons undoes the \xHH escapes of the colon listings.
func unescapeColons(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if h, ok := unhex(s[i+2]); ok {
				if l, ok := unhex(s[i+3]); ok {
					b.WriteByte(h<<4 | l)
					i += 3
					continue
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// with returns a new slice of opts followed by args.
func with(opts []string, args ...string) []string {
	return append(append([]string(nil), opts...), args...)
}
