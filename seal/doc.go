// Package seal signs and encrypts an outgoing message, through the
// user's own GnuPG (package gnupg), as PGP/MIME (RFC 3156) or S/MIME
// (RFC 8551), with the Subject and the other header fields protected
// inside the cryptographic payload.
//
// # Contract
//
// Seal takes a complete message as package compose builds it (header,
// blank line, body; LF line ends; a body made 7-bit safe with
// compose.Draft.SevenBit) and returns the message to send, with LF line
// ends. It refuses (ErrNotSevenBit) a body or content header with 8-bit
// bytes, NUL, a bare CR or a line over 998 octets: what is signed must
// reach the reader unchanged, so it must be 7bit, quoted-printable or
// base64 (RFC 3156 section 3, RFC 8551 section 3.1.1), and a transport
// that turns 8bit into quoted-printable would break the signature.
//
// The inner entity (what is signed, encrypted, or both) is the
// message's Content-* fields and body, canonical with CRLF line ends,
// and carries copies of From, To, Cc, Reply-To, Subject, Date,
// Message-ID, In-Reply-To and References, with protected-headers="v1"
// on its Content-Type: the convention of Enigmail, Thunderbird and
// Autocrypt that draft-ietf-lamps-header-protection describes. Bcc is
// never copied inside: a recipient would read it. The outer Subject of
// an encrypted message becomes "..." (the outer Date, Message-ID,
// addresses and references stay: the mail system needs them).
//
// The forms made:
//
//   - OpenPGP signed: multipart/signed; protocol="application/pgp-signature";
//     micalg="pgp-<hash>" from gpg's SIG_CREATED, the inner entity and an
//     ASCII-armored detached signature (RFC 3156 section 5).
//   - OpenPGP encrypted: multipart/encrypted;
//     protocol="application/pgp-encrypted", with the "Version: 1" part
//     and the armored message as application/octet-stream (section 4).
//   - OpenPGP signed and encrypted: the inner entity signed and
//     encrypted in one gpg call (gpg --sign --encrypt), the combined
//     method of RFC 3156 section 6.2: one passphrase prompt, one OpenPGP
//     message, and every OpenPGP reader checks the signature inside.
//   - S/MIME signed: multipart/signed;
//     protocol="application/pkcs7-signature"; micalg=sha-256 (from
//     gpgsm's SIG_CREATED), the signature as base64
//     application/pkcs7-signature, smime.p7s (RFC 8551 section 3.5.3).
//   - S/MIME encrypted: application/pkcs7-mime;
//     smime-type=enveloped-data, smime.p7m, base64 (section 3.3).
//   - S/MIME signed and encrypted: the multipart/signed entity enveloped
//     (sign first, then encrypt: section 3.6), two gpgsm calls.
//
// Recipients and the signer are named by fingerprint only; FindRecipients
// looks the addresses up in the user's keyring (the whole listing is
// read and searched here, so no address reaches GnuPG's argv) and says
// which have no usable key or certificate (OwnKey finds the user's). The caller adds the user's
// own key to the recipients, so that the Sent copy stays readable. The
// Bcc recipients of an OpenPGP message are hidden recipients (their key
// ids are not written, gpg --hidden-recipient), so that the others cannot
// tell whom else it was encrypted to; CMS names every recipient's
// certificate, so the caller must not S/MIME-encrypt one message to Bcc
// recipients (the app refuses it).
//
// # Not done here
//
// Sending, drafts and the passphrase form are the app's. Autocrypt
// headers, key import and the choice of a key among several for one
// address (FindKeys takes every usable key of the address) are not
// done. A line of quoted-printable text that begins with "From " is not
// escaped as "=46rom ": Maildir and SMTP delivery leave it alone, an
// mbox delivery that adds ">" would break the signature. Nothing is
// written to disk: the message, the signature and the ciphertext stay
// in memory.
package seal
