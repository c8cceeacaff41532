package mailcrypto

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"strings"

	"golang.org/x/net/html"
)

// Kind says what a recognised piece of cryptographic mail is.
type Kind int

const (
	// PGPSigned is a multipart/signed with protocol
	// application/pgp-signature (RFC 3156 section 5).
	PGPSigned Kind = iota + 1
	// PGPEncrypted is a multipart/encrypted with protocol
	// application/pgp-encrypted (RFC 3156 section 4).
	PGPEncrypted
	// PGPInlineSigned is a text part holding a clearsigned block
	// ("-----BEGIN PGP SIGNED MESSAGE-----").
	PGPInlineSigned
	// PGPInlineEncrypted is a text part holding an armored message
	// ("-----BEGIN PGP MESSAGE-----").
	PGPInlineEncrypted
	// PGPEncryptedFile is an attachment holding an OpenPGP message
	// (application/pgp-encrypted, or a .pgp, .gpg or .asc file whose
	// content is one) outside a multipart/encrypted.
	PGPEncryptedFile
	// PGPKeys is an application/pgp-keys part (a key to import).
	PGPKeys
	// SMIMESigned is a multipart/signed with protocol
	// application/pkcs7-signature or application/x-pkcs7-signature
	// (RFC 8551 section 3.5.3).
	SMIMESigned
	// SMIMEOpaqueSigned is an application/pkcs7-mime part holding
	// SignedData (smime-type=signed-data, RFC 8551 section 3.5.2).
	SMIMEOpaqueSigned
	// SMIMEEnveloped is an application/pkcs7-mime part holding
	// EnvelopedData or AuthEnvelopedData (RFC 8551 sections 3.3, 3.4).
	SMIMEEnveloped
	// OrphanSignature is a signature part outside a multipart/signed (or
	// in one whose protocol is unknown): nothing says what it covers, so
	// it is not verified.
	OrphanSignature
	// UnknownSigned is a multipart/signed whose protocol is neither
	// OpenPGP nor S/MIME; its first part is shown, unverified.
	UnknownSigned
)

var kindNames = map[Kind]string{
	PGPSigned: "pgp-signed", PGPEncrypted: "pgp-encrypted",
	PGPInlineSigned: "pgp-inline-signed", PGPInlineEncrypted: "pgp-inline-encrypted",
	PGPEncryptedFile: "pgp-encrypted-file", PGPKeys: "pgp-keys",
	SMIMESigned: "smime-signed", SMIMEOpaqueSigned: "smime-opaque-signed",
	SMIMEEnveloped: "smime-enveloped", OrphanSignature: "orphan-signature",
	UnknownSigned: "unknown-signed",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return "unknown"
}

// Signed reports whether the kind carries a signature to verify.
func (k Kind) Signed() bool {
	return k == PGPSigned || k == PGPInlineSigned || k == SMIMESigned || k == SMIMEOpaqueSigned
}

// Encrypted reports whether the kind needs decrypting to be read.
func (k Kind) Encrypted() bool {
	return k == PGPEncrypted || k == PGPInlineEncrypted || k == PGPEncryptedFile || k == SMIMEEnveloped
}

// OpenPGP reports whether the kind is OpenPGP (gpg) rather than S/MIME (gpgsm).
func (k Kind) OpenPGP() bool {
	switch k {
	case PGPSigned, PGPEncrypted, PGPInlineSigned, PGPInlineEncrypted, PGPEncryptedFile, PGPKeys:
		return true
	}
	return false
}

// Item is one recognised piece of cryptographic mail.
type Item struct {
	Kind Kind
	// Part is the part path of the container: the multipart/signed or
	// multipart/encrypted ("" for a message's own multipart at the top,
	// as in package message), or the leaf part.
	Part string
	// Covers is the part path of what the signature covers or the
	// encryption hides, when that is a MIME part: part 1 of a
	// multipart/signed, the inline text part, the opaque part itself.
	Covers string
	// Whole is set when Covers is the whole body of the outer message:
	// the container is the message's own entity, not a part of it and
	// not inside an attached message. Only then may a page say that the
	// message is signed or encrypted.
	Whole bool
	// Embedded is the part path of the innermost message/rfc822 holding
	// the item, "" for the outer message.
	Embedded string
	// Parts lists every part path that belongs to the item's machinery
	// and is no attachment of its own: the signature part, the
	// application/pgp-encrypted version part, the ciphertext part, the
	// opaque pkcs7-mime part.
	Parts []string
	// HTML is set for an inline block found in a text/html part.
	HTML bool
	// From is the address (lower case) of the From field of the
	// message holding the item (the attached message's for an item
	// inside one), "" when there is none or it holds several: what a
	// signer's address is compared with.
	From string

	// Signed is the signed content exactly as sent: for a
	// multipart/signed, the raw bytes of its first part, header
	// included (RFC 3156 section 5, RFC 8551 section 3.5.3); for an
	// inline block, the armored text.
	Signed []byte
	// Signature is the decoded signature (a detached OpenPGP or CMS
	// signature), or the decoded opaque SignedData.
	Signature []byte
	// Ciphertext is the decoded encrypted data (an OpenPGP message or a
	// CMS EnvelopedData).
	Ciphertext []byte
	// Truncated is set when a part was longer than Limits.MaxPartBytes:
	// the item is recognised but not verified or decrypted.
	Truncated bool
}

// armor markers of inline OpenPGP (RFC 4880 section 6.2, RFC 9580 section 6.2).
var (
	beginSigned  = []byte("-----BEGIN PGP SIGNED MESSAGE-----")
	beginMessage = []byte("-----BEGIN PGP MESSAGE-----")
	endSignature = []byte("-----END PGP SIGNATURE-----")
	endMessage   = []byte("-----END PGP MESSAGE-----")
)

// RecogniseBytes returns the cryptographic items of the message raw (the
// caller reads it within Limits.MaxMessageBytes), in the order of their
// parts, outer before inner. It never fails on broken mail: what it
// cannot read is not an item.
func RecogniseBytes(raw []byte, lim Limits) []Item {
	lim = lim.withDefaults()
	rc := &recogniser{raw: raw, lim: lim, from: map[string]string{}}
	rc.walk(parseTree(raw, lim), "")
	return rc.items
}

type recogniser struct {
	raw   []byte
	lim   Limits
	items []Item
	from  map[string]string // embedded path -> From address
}

// walk visits e, inside the attached message at path embedded ("" for
// the outer message).
func (rc *recogniser) walk(e *entity, embedded string) {
	// Only the outer message's own entity is its whole body.
	outer := e.isTop && embedded == ""
	if e.isTop {
		rc.from[embedded] = fromAddress(e.header["from"])
	}
	switch {
	case e.typ == "multipart/signed":
		rc.signed(e, embedded, outer)
		return
	case e.typ == "multipart/encrypted":
		if rc.encrypted(e, embedded, outer) {
			return
		}
	case e.typ == "application/pkcs7-mime" || e.typ == "application/x-pkcs7-mime" ||
		(e.typ == "application/octet-stream" && strings.HasSuffix(strings.ToLower(e.filename), ".p7m")):
		rc.pkcs7(e, embedded, outer)
		return
	case e.typ == "application/pgp-signature" || e.typ == "application/pkcs7-signature" ||
		e.typ == "application/x-pkcs7-signature" || e.typ == "application/x-pgp-signature":
		rc.add(Item{Kind: OrphanSignature, Part: e.path, Embedded: embedded, Parts: []string{e.path}})
		return
	case e.typ == "application/pgp-keys":
		rc.add(Item{Kind: PGPKeys, Part: e.path, Embedded: embedded, Parts: []string{e.path}})
		return
	case e.typ == "application/pgp-encrypted" || e.typ == "application/pgp" || pgpFileName(e.filename):
		if data, trunc := rc.decode(e); trunc || looksPGPMessage(data) {
			rc.add(Item{Kind: PGPEncryptedFile, Part: e.path, Covers: e.path, Embedded: embedded,
				Parts: []string{e.path}, Ciphertext: data, Truncated: trunc})
			return
		}
	case e.typ == "text/plain" || e.typ == "text/html":
		if e.disp != "attachment" {
			rc.inline(e, embedded, outer)
		}
		return
	}
	if e.embedded != nil {
		rc.walk(e.embedded, e.path)
		return
	}
	for _, c := range e.children {
		rc.walk(c, embedded)
	}
}

func (rc *recogniser) add(it Item) {
	it.From = rc.from[it.Embedded]
	rc.items = append(rc.items, it)
}

// signed recognises a multipart/signed (RFC 1847) and walks its content.
func (rc *recogniser) signed(e *entity, embedded string, outer bool) {
	proto := strings.ToLower(e.params["protocol"])
	it := Item{Part: e.path, Embedded: embedded, Whole: outer}
	switch proto {
	case "application/pgp-signature", "application/x-pgp-signature":
		it.Kind = PGPSigned
	case "application/pkcs7-signature", "application/x-pkcs7-signature":
		it.Kind = SMIMESigned
	default:
		it.Kind = UnknownSigned
	}
	if len(e.children) > 0 {
		c := e.children[0]
		it.Covers = c.path
		it.Signed = rc.raw[c.start:c.end]
		if int64(len(it.Signed)) > rc.lim.MaxPartBytes {
			it.Signed, it.Truncated = nil, true
		}
	}
	if len(e.children) > 1 {
		s := e.children[1]
		it.Parts = append(it.Parts, s.path)
		sig, trunc := rc.decode(s)
		it.Signature, it.Truncated = sig, it.Truncated || trunc
		if it.Kind == UnknownSigned && isSignatureType(s.typ) {
			// QUIRK: a wrong or missing protocol parameter; the
			// signature part's own type says which it is.
			if strings.Contains(s.typ, "pgp") {
				it.Kind = PGPSigned
			} else {
				it.Kind = SMIMESigned
			}
		}
	}
	rc.add(it)
	for i, c := range e.children {
		if i != 1 {
			rc.walk(c, embedded)
		}
	}
}

// isSignatureType reports whether typ is a detached signature's type.
func isSignatureType(typ string) bool {
	switch typ {
	case "application/pgp-signature", "application/x-pgp-signature",
		"application/pkcs7-signature", "application/x-pkcs7-signature":
		return true
	}
	return false
}

// encrypted recognises a PGP/MIME multipart/encrypted (RFC 3156 section
// 4); it reports false for another protocol, whose parts are walked.
func (rc *recogniser) encrypted(e *entity, embedded string, outer bool) bool {
	proto := strings.ToLower(e.params["protocol"])
	if proto != "application/pgp-encrypted" && !(len(e.children) == 2 && e.children[0].typ == "application/pgp-encrypted") {
		return false
	}
	it := Item{Kind: PGPEncrypted, Part: e.path, Embedded: embedded, Whole: outer}
	for _, c := range e.children {
		it.Parts = append(it.Parts, c.path)
	}
	if len(e.children) >= 2 {
		c := e.children[1]
		it.Covers = c.path
		it.Ciphertext, it.Truncated = rc.decode(c)
	}
	rc.add(it)
	return true
}

// pkcs7 recognises an application/pkcs7-mime part (RFC 8551 section
// 3.2.2): smime-type says which, else the CMS content type does.
func (rc *recogniser) pkcs7(e *entity, embedded string, outer bool) {
	data, trunc := rc.decode(e)
	it := Item{Part: e.path, Covers: e.path, Embedded: embedded, Parts: []string{e.path},
		Whole: outer, Truncated: trunc}
	switch st := strings.ToLower(e.params["smime-type"]); {
	case st == "signed-data":
		it.Kind = SMIMEOpaqueSigned
	case st == "enveloped-data" || st == "authenveloped-data":
		it.Kind = SMIMEEnveloped
	case cmsType(data) == cmsSigned:
		it.Kind = SMIMEOpaqueSigned
	default:
		// enveloped-data is what a missing smime-type most often means
		// (RFC 8551 section 3.2.2: smime.p7m), and what it is safest to
		// assume: nothing is shown as verified.
		it.Kind = SMIMEEnveloped
	}
	if it.Kind == SMIMEOpaqueSigned {
		it.Signature = data
	} else {
		it.Ciphertext = data
	}
	rc.add(it)
}

// inline recognises armored OpenPGP blocks in a text part.
func (rc *recogniser) inline(e *entity, embedded string, outer bool) {
	data, trunc := rc.decode(e)
	isHTML := e.typ == "text/html"
	if isHTML {
		if !bytes.Contains(data, []byte("-----BEGIN PGP ")) {
			return
		}
		data = htmlText(data)
	}
	it := Item{Part: e.path, Covers: e.path, Embedded: embedded, HTML: isHTML, Truncated: trunc,
		Whole: outer}
	if b, ok := armorBlock(data, beginSigned, endSignature); ok {
		// Text around the block is not signed: the part is whole only
		// when the block is all of it.
		it.Whole = outer && len(bytes.TrimSpace(b)) == len(bytes.TrimSpace(data))
		it.Kind, it.Signed = PGPInlineSigned, b
		rc.add(it)
		return
	}
	if b, ok := armorBlock(data, beginMessage, endMessage); ok {
		it.Whole = outer && len(bytes.TrimSpace(b)) == len(bytes.TrimSpace(data))
		it.Kind, it.Ciphertext = PGPInlineEncrypted, b
		rc.add(it)
	}
}

// armorBlock returns the first block from a line starting with begin to
// the end of the line starting with end. Leading spaces and quote marks
// are not accepted: a quoted block is not the sender's.
func armorBlock(data, begin, end []byte) ([]byte, bool) {
	i := lineStartIndex(data, begin)
	if i < 0 {
		return nil, false
	}
	j := lineStartIndex(data[i:], end)
	if j < 0 {
		return nil, false
	}
	stop := i + j + len(end)
	if nl := bytes.IndexByte(data[stop:], '\n'); nl >= 0 {
		stop += nl + 1
	} else {
		stop = len(data)
	}
	return data[i:stop], true
}

// lineStartIndex returns the index of the first occurrence of marker at
// the start of a line of data, or -1.
func lineStartIndex(data, marker []byte) int {
	off := 0
	for {
		k := bytes.Index(data[off:], marker)
		if k < 0 {
			return -1
		}
		k += off
		if k == 0 || data[k-1] == '\n' {
			return k
		}
		off = k + 1
	}
}

// htmlText returns the text of an HTML part with line breaks where
// <br>, <p> and <div> put them, entities decoded, for finding and
// verifying an inline block that a mailer wrapped in HTML.
func htmlText(data []byte) []byte {
	var b bytes.Buffer
	z := html.NewTokenizer(bytes.NewReader(data))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.Bytes()
		case html.TextToken:
			b.Write(bytes.ReplaceAll(z.Text(), []byte("\u00a0"), []byte(" ")))
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "br", "p", "div":
				if b.Len() > 0 && !bytes.HasSuffix(b.Bytes(), []byte("\n")) || string(name) == "br" {
					b.WriteByte('\n')
				}
			}
		}
	}
}

// decode returns e's body with its transfer encoding undone, at most
// MaxPartBytes of it; trunc says that there was more.
func (rc *recogniser) decode(e *entity) (data []byte, trunc bool) {
	body := rc.raw[e.bodyStart:e.end]
	var r io.Reader = bytes.NewReader(body)
	switch e.cte {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, &base64Cleaner{r: r})
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	}
	data, _ = io.ReadAll(io.LimitReader(r, rc.lim.MaxPartBytes+1))
	if int64(len(data)) > rc.lim.MaxPartBytes {
		return data[:rc.lim.MaxPartBytes], true
	}
	return data, false
}

// pgpFileName reports whether a file name says OpenPGP data.
func pgpFileName(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".pgp") || strings.HasSuffix(n, ".gpg") || strings.HasSuffix(n, ".asc")
}

// looksPGPMessage reports whether data is an armored OpenPGP message or
// starts with a packet that begins one (PKESK, SKESK, encrypted data).
func looksPGPMessage(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	if bytes.HasPrefix(t, beginMessage) {
		return true
	}
	if len(data) == 0 || data[0]&0x80 == 0 {
		return false
	}
	tag := int(data[0]&0x3c) >> 2 // old format
	if data[0]&0x40 != 0 {
		tag = int(data[0] & 0x3f) // new format
	}
	switch tag {
	case 1, 3, 18, 20: // PKESK, SKESK, SEIPD, AEAD
		return true
	}
	return false
}
