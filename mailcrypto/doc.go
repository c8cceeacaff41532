// Package mailcrypto finds the signed and encrypted pieces of a message,
// so that none of them is shown as an anonymous attachment and each can
// be verified or decrypted by the user's own GnuPG (package gnupg).
//
// # What it recognises
//
// Recognise reads a raw message (RFC 5322, MIME RFC 2045-2049) and
// returns its Items, outer before inner:
//   - PGP/MIME (RFC 3156): multipart/signed with protocol
//     application/pgp-signature, multipart/encrypted with protocol
//     application/pgp-encrypted;
//   - inline PGP: a clearsigned block ("-----BEGIN PGP SIGNED
//     MESSAGE-----" to "-----END PGP SIGNATURE-----") or an armored
//     message ("-----BEGIN PGP MESSAGE-----") at the start of a line of a
//     text/plain part, or of the text of a text/html part (tags removed,
//     <br>, <p> and <div> read as line breaks, entities decoded); a
//     quoted block ("> -----BEGIN ...") is not the sender's and is not
//     recognised;
//   - OpenPGP files: application/pgp-encrypted parts and .pgp, .gpg or
//     .asc files whose content is an OpenPGP message; application/pgp-keys;
//   - S/MIME (RFC 8551): multipart/signed with protocol
//     application/pkcs7-signature or application/x-pkcs7-signature;
//     application/pkcs7-mime and application/x-pkcs7-mime (and
//     application/octet-stream named *.p7m) with smime-type signed-data
//     (opaque signed), enveloped-data or authEnveloped-data, or, without
//     smime-type, the CMS contentType of the content (RFC 5652);
//   - signatures outside a multipart/signed (OrphanSignature): nothing
//     says what they cover, so they are never verified;
//   - everything inside an attached message (message/rfc822), with
//     Item.Embedded naming it.
//
// Signed inside encrypted is found by recognising the decrypted content
// again: what is inside ciphertext is out of sight here.
//
// # What a signature covers
//
// Item.Covers names the part a signature covers (part 1 of a
// multipart/signed, the text part of an inline block) and Item.Whole
// says whether that is the whole body of the outer message: only a
// multipart/signed, multipart/encrypted or pkcs7-mime that is the
// message's own entity, or an inline block that is all of its top-level
// text part. A signed part beside unsigned text, a signed message
// forwarded as an attachment, a clearsigned block with a footer added by
// a mailing list: each covers its part only, never the message (the
// signature spoofing class of bugs of "Johnny, you are fired", USENIX
// Security 2019).
//
// The signed content of a multipart/signed is the first part's bytes
// exactly as they stand in the message, header included, up to but not
// including the line break before the boundary (RFC 3156 section 5, RFC
// 8551 section 3.5.3). Nothing is canonicalised here: a message stored
// with LF line ends is verified as stored, and GnuPG's verdict on it is
// the answer (gpg canonicalises text signatures itself).
//
// # Part paths
//
// Part paths are those of package message (IMAP, RFC 3501 section
// 6.4.5): "" for a message's own multipart at the top, "1" for the body
// of a single-part message, "2.1" for the first part of an attached
// message at "2". The tests check that every path named for the corpus's
// signed and encrypted messages is one package message opens.
//
// # Limits and what it does not do
//
// Limits bound the bytes read, the bytes kept per part (a longer part is
// recognised but marked Truncated and not verified), the parts and the
// nesting. Recognise never fails on broken mail: what it cannot read is
// not an item. It does no cryptography and runs no program; it decodes
// base64 and quoted-printable leniently and nothing else (no uuencode).
package mailcrypto
