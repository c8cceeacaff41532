package mailcrypto

import (
	"bytes"
	"strings"
	"testing"
)

// crlf turns a test message's line ends into CRLF.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

const pgpSigned = `From: a@example.org
Content-Type: multipart/signed; micalg=pgp-sha256;
 protocol="application/pgp-signature"; boundary="b1"

preamble
--b1
Content-Type: text/plain

signed text
--b1
Content-Type: application/pgp-signature; name="signature.asc"

-----BEGIN PGP SIGNATURE-----
AAAA
-----END PGP SIGNATURE-----
--b1--
`

const forwardedSigned = `From: b@example.org
Content-Type: multipart/mixed; boundary="m"

--m
Content-Type: text/plain

unsigned words of the forwarder
--m
Content-Type: message/rfc822

From: a@example.org
Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="s"

--s
Content-Type: text/plain

inner
--s
Content-Type: application/pkcs7-signature; name=smime.p7s
Content-Transfer-Encoding: base64

MIIB
--s--
--m--
`

const pgpEncrypted = `From: a@example.org
Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="e"

--e
Content-Type: application/pgp-encrypted

Version: 1
--e
Content-Type: application/octet-stream; name="encrypted.asc"

-----BEGIN PGP MESSAGE-----
hQ
-----END PGP MESSAGE-----
--e--
`

const smimeEnveloped = `From: a@example.org
Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m
Content-Transfer-Encoding: base64

MIAGCSqGSIb3DQEHA6CAMIACAQAxggE=
`

const smimeOpaqueNoType = `From: a@example.org
Content-Type: application/x-pkcs7-mime; name=smime.p7m
Content-Transfer-Encoding: base64

MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwGg
`

const inlineSigned = `From: a@example.org
Content-Type: text/plain

-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

hello
-----BEGIN PGP SIGNATURE-----
AAAA
-----END PGP SIGNATURE-----
`

const inlineSignedWithFooter = inlineSigned + "\n-- \nmailing list footer\n"

const inlineQuoted = `From: a@example.org
Content-Type: text/plain

> -----BEGIN PGP SIGNED MESSAGE-----
> hello
> -----END PGP SIGNATURE-----
`

const inlineHTML = `From: a@example.org
Content-Type: text/html

<html><body><p>-----BEGIN PGP MESSAGE-----<br>
<br>hQEMA&amp;x<br>-----END PGP MESSAGE-----<br></p></body></html>
`

const strippedSig = `From: a@example.org
Content-Type: multipart/signed; protocol="application/pgp-signature"; boundary="b"

--b
Content-Type: text/plain

only text
--b--
`

const noProtocol = `From: a@example.org
Content-Type: multipart/signed; boundary="b"

--b
Content-Type: text/plain

t
--b
Content-Type: application/x-pkcs7-signature

MIIB
--b--
`

func TestRecognise(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		want string // kind@part covers whole, one per item
	}{
		{"pgp/mime signed", pgpSigned, "pgp-signed@ 1 whole"},
		{"pgp/mime signed crlf", crlf(pgpSigned), "pgp-signed@ 1 whole"},
		// A forwarded signed message is no signature of the outer one.
		{"forwarded", forwardedSigned, "smime-signed@2 2.1 part"},
		{"pgp/mime encrypted", pgpEncrypted, "pgp-encrypted@ 2 whole"},
		{"smime enveloped", smimeEnveloped, "smime-enveloped@1 1 whole"},
		// No smime-type: the CMS content type says SignedData.
		{"opaque without smime-type", smimeOpaqueNoType, "smime-opaque-signed@1 1 whole"},
		{"inline signed", inlineSigned, "pgp-inline-signed@1 1 whole"},
		// Text after the block is not signed: not the whole message.
		{"inline signed and footer", inlineSignedWithFooter, "pgp-inline-signed@1 1 part"},
		// A quoted block is not the sender's.
		{"inline quoted", inlineQuoted, ""},
		{"inline in html", inlineHTML, "pgp-inline-encrypted@1 1 whole"},
		// The signature was stripped: still signed, nothing to verify.
		{"stripped", strippedSig, "pgp-signed@ 1 whole"},
		// QUIRK: no protocol; the signature part's type tells.
		{"no protocol", noProtocol, "smime-signed@ 1 whole"},
		{"plain", "From: a@example.org\n\nhello\n", ""},
	}
	for _, tt := range tests {
		items := RecogniseBytes([]byte(tt.msg), Limits{})
		var got []string
		for _, it := range items {
			w := "part"
			if it.Whole {
				w = "whole"
			}
			got = append(got, it.Kind.String()+"@"+it.Part+" "+it.Covers+" "+w)
		}
		if g := strings.Join(got, "; "); g != tt.want {
			t.Errorf("%s: RecogniseBytes = %q, want %q", tt.name, g, tt.want)
		}
	}
}

// TestSignedBytes checks that the signed content is the first part
// exactly as sent, header included, without the line break that belongs
// to the boundary (RFC 3156 section 5).
func TestSignedBytes(t *testing.T) {
	tests := []struct{ msg, want string }{
		{pgpSigned, "Content-Type: text/plain\n\nsigned text"},
		{crlf(pgpSigned), "Content-Type: text/plain\r\n\r\nsigned text"},
	}
	for _, tt := range tests {
		items := RecogniseBytes([]byte(tt.msg), Limits{})
		if len(items) != 1 {
			t.Fatalf("RecogniseBytes: %d items, want 1", len(items))
		}
		if got := string(items[0].Signed); got != tt.want {
			t.Errorf("Signed = %q, want %q", got, tt.want)
		}
		if got := string(items[0].Signature); !strings.HasPrefix(got, "-----BEGIN PGP SIGNATURE-----") {
			t.Errorf("Signature = %q, want the armored signature", got)
		}
	}
	items := RecogniseBytes([]byte(smimeOpaqueNoType), Limits{})
	if len(items) != 1 || !bytes.HasPrefix(items[0].Signature, []byte{0x30, 0x80, 0x06, 0x09}) {
		t.Errorf("opaque items = %+v, want one with the decoded DER", items)
	}
}

func TestLimits(t *testing.T) {
	items := RecogniseBytes([]byte(pgpSigned), Limits{MaxPartBytes: 8})
	if len(items) != 1 || !items[0].Truncated || items[0].Signed != nil {
		t.Errorf("RecogniseBytes with MaxPartBytes 8 = %+v, want one truncated item without Signed", items)
	}
}
