// Package mailcrypto finds the signed and encrypted pieces of a message,
// so that none of them is shown as an anonymous attachment and each can
// be verified or decrypted by the user's own GnuPG (package gnupg).
//
// # What it recognises
//
// RecogniseBytes reads a raw message (RFC 5322, MIME RFC 2045-2049) and
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
// The signed content of a multipart/signed (Item.Signed) is the first
// part's bytes exactly as they stand in the message, header included,
// up to but not including the line break before the boundary (RFC 3156
// section 5, RFC 8551 section 3.5.3). Verify gives it to GnuPG with
// every bare LF made CRLF, the canonical form both RFCs sign (a Maildir
// stores LF); nothing else is changed.
//
// # Verifying and decrypting
//
// Verify asks the user's GnuPG (a Verifier: gnupg.Runner) about one
// signed item and returns a State per signature (Good, Untrusted: valid
// but by a key or chain the user's GnuPG does not hold valid, Bad,
// UnknownKey with its key id, Expired, Revoked, Failed, Missing,
// Unverifiable) with the signer's user id or certificate subject, its
// fingerprint, its addresses from the user's keyring and whether one of
// them is the From address of the message holding the part
// (Item.From: the attached message's for an item inside one). Content
// is the text GnuPG says it verified (clearsigned, opaque), kept only
// when the signature is good: that, not the part around it, is what a
// page may show as signed.
//
// Decrypt decrypts one encrypted item with a passphrase that is only
// passed on (gnupg puts it on a pipe) and returns the plaintext in
// memory, with the items recognised inside it (signed inside encrypted:
// their Whole is relative to the plaintext) and the signatures gpg
// checked while decrypting. An OpenPGP message without integrity
// protection is refused (NoIntegrity) and its plaintext never returned.
// The caller keeps plaintext for the one request: no disk, no cache, no
// index, no log.
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
// nesting. RecogniseBytes never fails on broken mail: what it cannot read is
// not an item. RecogniseBytes does no cryptography and runs no program
// (Verify and Decrypt do, through their Verifier and Decrypter); it
// decodes base64 and quoted-printable leniently and nothing else (no
// uuencode). The From address is read with net/mail, or as the last
// <...> when net/mail refuses the field; a From with several addresses
// matches no signer. Not done here: S/MIME signatures inside OpenPGP
// encryption are found but verified like any other, CRL and OCSP checks
// (see package gnupg).
//
// # Protected headers
//
// ProtectedHeaders reads the Subject that a sender protected inside the
// encryption (RFC 9788, Header Protection, from the IETF LAMPS work, and
// its "Memory Hole" predecessor): the header of the cryptographic
// payload (the decrypted entity, or the first part of a multipart/signed
// inside it) when its Content-Type says protected-headers="v1" or it has
// an HP-Outer field, else a legacy text/rfc822-headers first part. Only
// Subject is read, RFC 2047 decoded, without control characters,
// within MaxProtectedHeaderBytes and MaxSubjectRunes; the other protected
// fields (From, To, ...) are not compared with the outer ones.
package mailcrypto
