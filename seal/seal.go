package seal

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"strings"

	"postern/gnupg"
)

// MaxMessageBytes bounds the message Seal takes.
const MaxMessageBytes = 64 << 20

// Method is the standard a message is sealed with.
type Method int

const (
	OpenPGP Method = iota + 1
	SMIME
)

// String is the method's name in the compose form and the preferences.
func (m Method) String() string {
	switch m {
	case OpenPGP:
		return "openpgp"
	case SMIME:
		return "smime"
	}
	return ""
}

// ParseMethod is the Method of a form value, 0 when none.
func ParseMethod(s string) Method {
	switch s {
	case "openpgp":
		return OpenPGP
	case "smime":
		return SMIME
	}
	return 0
}

// Request says how to seal a message.
type Request struct {
	Method  Method
	Sign    bool
	Encrypt bool
	// Signer is the fingerprint of the user's signing key (Sign).
	Signer string
	// Recipients are the fingerprints to encrypt to (Encrypt), the
	// user's own included.
	Recipients []string
	// Hidden are recipients whose key ids the message does not name
	// (OpenPGP only, gpg --hidden-recipient): the Bcc recipients, whom
	// the others must not see. S/MIME has no such thing: CMS names
	// every recipient's certificate.
	Hidden []string
	// Passphrase unlocks the signing key; nil for none. It is handed to
	// GnuPG on a pipe and never kept.
	Passphrase []byte
	// Draft: the message is a draft that only the user reads; its Bcc
	// field moves inside with the other protected fields, and is not
	// left outside.
	Draft bool
}

// Errors a caller branches on.
var (
	ErrNotSevenBit    = errors.New("seal: the message is not 7-bit safe")
	ErrBadPassphrase  = errors.New("seal: wrong passphrase")
	ErrNeedPassphrase = errors.New("seal: the key needs its passphrase")
	ErrRefused        = errors.New("seal: GnuPG refused")
)

// Seal signs, encrypts, or both, msg as req says, and returns the
// message to send (see the package doc).
func Seal(ctx context.Context, g *gnupg.Runner, msg []byte, req Request) ([]byte, error) {
	if !req.Sign && !req.Encrypt {
		return nil, errors.New("seal: neither sign nor encrypt")
	}
	if req.Method != OpenPGP && req.Method != SMIME {
		return nil, errors.New("seal: no method")
	}
	if len(msg) > MaxMessageBytes {
		return nil, fmt.Errorf("seal: message over %d bytes", MaxMessageBytes)
	}
	h, body := splitMessage(msg)
	content, outer := h.partition()
	names := protectedFields
	if req.Draft {
		names = append(names[:len(names):len(names)], "Bcc")
	}
	// What goes inside must be 7-bit: the content fields, the copies
	// of the protected fields and the body.
	if err := sevenBit(append(content[:len(content):len(content)], copied(outer, names)...), body); err != nil {
		return nil, err
	}
	inner := innerEntity(content, outer, body, names)
	smime := req.Method == SMIME
	var top *entity // the new top entity: content fields and body, CRLF
	var err error
	switch {
	case req.Encrypt && req.Sign && !smime:
		top, err = encrypt(ctx, g, req, inner, req.Signer)
	case req.Encrypt && req.Sign:
		signed, err2 := sign(ctx, g, req, inner)
		if err2 != nil {
			return nil, err2
		}
		top, err = encrypt(ctx, g, req, signed.bytes(), "")
	case req.Encrypt:
		top, err = encrypt(ctx, g, req, inner, "")
	default:
		top, err = sign(ctx, g, req, inner)
	}
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for _, f := range outer {
		if req.Encrypt && strings.EqualFold(f.name, "Subject") {
			out.WriteString("Subject: ...\n")
			continue
		}
		if req.Draft && strings.EqualFold(f.name, "Bcc") {
			continue
		}
		out.WriteString(f.raw)
	}
	out.WriteString("MIME-Version: 1.0\n")
	out.Write(toLF(top.bytes()))
	return out.Bytes(), nil
}

// entity is a MIME entity being made: its header fields (each a full
// "Name: value" line without the line end) and body, CRLF.
type entity struct {
	fields []string
	body   []byte
}

func (e *entity) bytes() []byte {
	var b bytes.Buffer
	for _, f := range e.fields {
		b.WriteString(f + "\r\n")
	}
	b.WriteString("\r\n")
	b.Write(e.body)
	return b.Bytes()
}

// protectedFields are copied into the inner entity (header protection).
var protectedFields = []string{"From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To", "References"}

// innerEntity is the message's content fields, protected-headers="v1" on
// its Content-Type, the copies of protectedFields and the body, CRLF.
func innerEntity(content, outer header, body []byte, names []string) []byte {
	var b bytes.Buffer
	for _, f := range content {
		if strings.EqualFold(f.name, "Content-Type") {
			b.WriteString(toCRLF([]byte("Content-Type: " + withProtected(f.value()) + "\n")))
			continue
		}
		b.WriteString(toCRLF([]byte(f.raw)))
	}
	if content.get("Content-Type") == nil {
		b.WriteString("Content-Type: text/plain; charset=us-ascii; protected-headers=\"v1\"\r\n")
	}
	for _, f := range copied(outer, names) {
		b.WriteString(toCRLF([]byte(f.raw)))
	}
	b.WriteString("\r\n")
	b.WriteString(toCRLF(body))
	return b.Bytes()
}

// copied are the fields of outer named names, in the order of names.
func copied(outer header, names []string) header {
	var out header
	for _, name := range names {
		for _, f := range outer {
			if strings.EqualFold(f.name, name) {
				out = append(out, f)
			}
		}
	}
	return out
}

// withProtected adds protected-headers="v1" to a Content-Type value,
// keeping its other parameters (the boundary).
func withProtected(ct string) string {
	t, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return ct + `; protected-headers="v1"`
	}
	delete(params, "protected-headers")
	// Quoted, as the readers of the convention write and match it.
	return mime.FormatMediaType(t, params) + `; protected-headers="v1"`
}

// micalgs are the micalg values of the hash algorithms of SIG_CREATED
// (RFC 4880 section 9.4 numbers; RFC 3156 section 5 and RFC 8551
// section 3.4.3.2 names).
var micalgs = map[int]string{2: "sha1", 3: "ripemd160", 8: "sha256", 9: "sha384", 10: "sha512", 11: "sha224"}

// sign makes the multipart/signed entity of inner.
func sign(ctx context.Context, g *gnupg.Runner, req Request, inner []byte) (*entity, error) {
	smime := req.Method == SMIME
	res, sig, err := g.Sign(ctx, smime, req.Signer, inner, req.Passphrase)
	if err != nil {
		return nil, fmt.Errorf("seal: signing: %w", err)
	}
	if err := refusal(res, "signing"); err != nil {
		return nil, err
	}
	alg, ok := micalgs[res.HashAlgo]
	if !ok {
		return nil, fmt.Errorf("%w: unknown hash algorithm %d", ErrRefused, res.HashAlgo)
	}
	boundary, err := newBoundary()
	if err != nil {
		return nil, err
	}
	var e entity
	var part string
	if smime {
		alg = strings.Replace(alg, "sha", "sha-", 1)
		e.fields = []string{`Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=` + alg + `; boundary="` + boundary + `"`}
		part = "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n" +
			"Content-Transfer-Encoding: base64\r\n" +
			"Content-Disposition: attachment; filename=\"smime.p7s\"\r\n" +
			"Content-Description: S/MIME Cryptographic Signature\r\n\r\n" + base64Lines(sig)
	} else {
		e.fields = []string{`Content-Type: multipart/signed; protocol="application/pgp-signature"; micalg=pgp-` + alg + `; boundary="` + boundary + `"`}
		part = "Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n" +
			"Content-Description: OpenPGP digital signature\r\n" +
			"Content-Disposition: attachment; filename=\"signature.asc\"\r\n\r\n" + toCRLF(sig)
	}
	var b bytes.Buffer
	b.WriteString("This is a cryptographically signed message in MIME format.\r\n\r\n--" + boundary + "\r\n")
	b.Write(inner)
	b.WriteString("\r\n--" + boundary + "\r\n" + part + "\r\n--" + boundary + "--\r\n")
	e.body = b.Bytes()
	return &e, nil
}

// encrypt makes the encrypted entity of payload; with signer (OpenPGP
// only) gpg signs it in the same call.
func encrypt(ctx context.Context, g *gnupg.Runner, req Request, payload []byte, signer string) (*entity, error) {
	smime := req.Method == SMIME
	res, ct, err := g.Encrypt(ctx, smime, req.Recipients, req.Hidden, signer, payload, req.Passphrase)
	if err != nil {
		return nil, fmt.Errorf("seal: encrypting: %w", err)
	}
	if err := refusal(res, "encrypting"); err != nil {
		return nil, err
	}
	if smime {
		return &entity{fields: []string{
			`Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"`,
			"Content-Transfer-Encoding: base64",
			`Content-Disposition: attachment; filename="smime.p7m"`,
			"Content-Description: S/MIME Encrypted Message",
		}, body: []byte(base64Lines(ct))}, nil
	}
	boundary, err := newBoundary()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\r\n\r\n--" + boundary + "\r\n")
	b.WriteString("Content-Type: application/pgp-encrypted\r\nContent-Description: PGP/MIME version identification\r\n\r\nVersion: 1\r\n\r\n")
	b.WriteString("--" + boundary + "\r\n")
	b.WriteString("Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n" +
		"Content-Description: OpenPGP encrypted message\r\n" +
		"Content-Disposition: inline; filename=\"encrypted.asc\"\r\n\r\n")
	b.WriteString(toCRLF(ct))
	b.WriteString("\r\n--" + boundary + "--\r\n")
	return &entity{fields: []string{`Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="` + boundary + `"`},
		body: b.Bytes()}, nil
}

// refusal is the error of a Result that is not OK.
func refusal(res gnupg.Result, what string) error {
	switch {
	case res.OK:
		return nil
	case res.BadPassphrase:
		return ErrBadPassphrase
	case res.NeedPassphrase:
		return ErrNeedPassphrase
	case len(res.InvalidRecipients) > 0:
		return fmt.Errorf("%w %s: unusable recipient keys %s", ErrRefused, what, strings.Join(res.InvalidRecipients, ", "))
	case res.InvalidSigner:
		return fmt.Errorf("%w %s: the signing key is not usable", ErrRefused, what)
	}
	return fmt.Errorf("%w %s", ErrRefused, what)
}

// newBoundary is a random MIME boundary; "=_" cannot occur in base64 or
// quoted-printable text (RFC 2045 section 6.7).
func newBoundary() (string, error) {
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", errors.New("seal: no randomness for a boundary")
	}
	return "=_seal_" + hex.EncodeToString(b[:]), nil
}

// base64Lines is b in base64 lines of 76 characters, CRLF.
func base64Lines(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(s) > 76 {
		out.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	out.WriteString(s + "\r\n")
	return out.String()
}

// WithFields returns sealed with the fields named names of msg's header
// added to its header: the Bcc field of the user's Sent copy, which the
// message sent must not carry.
func WithFields(sealed, msg []byte, names ...string) []byte {
	h, _ := splitMessage(msg)
	var add bytes.Buffer
	for _, f := range h {
		for _, n := range names {
			if strings.EqualFold(f.name, n) {
				add.WriteString(f.raw)
			}
		}
	}
	if add.Len() == 0 {
		return sealed
	}
	return append(add.Bytes(), sealed...)
}
