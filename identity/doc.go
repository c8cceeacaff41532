// Package identity is a user's own sender identities: the From addresses
// they write as, each with a display name, a Reply-To, a plain-text
// signature and defaults for signing and encrypting.
//
// # Policy
//
// Which addresses a user may send as is the administrator's decision:
// the user's own address and the identities key of postern.conf (see
// postern.conf(5)). This package never widens it. Every function that
// adds or changes an identity takes that list (allowed) and refuses an
// address outside it with ErrNotAllowed. Resolve joins the stored
// identities with the allowed list: an allowed address without a stored
// identity is offered as it is (no name, no signature); a stored identity
// whose address the administrator no longer allows is kept and shown,
// marked Disabled, but never offered for sending, never chosen as the
// default and never deleted by this package. Addresses are compared
// without case; one identity per address.
//
// # An identity
//
//   - Address: one of the allowed addresses.
//   - Name: the display name written in From (at most MaxNameBytes, no
//     control characters).
//   - ReplyTo: an address list (at most MaxReplyTo addresses,
//     MaxReplyToBytes), read as compose reads To, written back as
//     "Name <addr>, addr"; compose writes it as the Reply-To field.
//   - Signature: plain text, at most MaxSignatureBytes and
//     MaxSignatureLines lines, no control characters but tab. Line ends
//     become LF, trailing white space of the whole is removed, and a
//     first line "-- " or "--" (a pasted separator) is dropped: postern
//     writes the separator itself. A signature may not hold a separator
//     line of its own.
//   - Placement: Below (the default) or Above the quoted text of a reply
//     or a forward.
//   - Default: the identity a new message starts with, and the one a
//     reply falls back to. At most one; when none is set, or the one set
//     is disabled, the first allowed address (the user's own) is the
//     default.
//   - Sign and Encrypt: Inherit (unset: the preferences' default
//     applies), Off, OpenPGP or SMIME, the starting value of compose's
//     Sign and Encrypt options when the identity is chosen
//     (Identity.SignDefault, Identity.EncryptDefault). This package
//     stores them; it signs and encrypts nothing.
//
// # Signatures in the text
//
// Insert adds "-- \n" (dash dash space, RFC 3676 section 4.3) and the
// signature to a body once: not when the body already holds that
// signature under a separator line. Below puts it after everything;
// Above puts it between what the user wrote and the quote (the
// attribution line and the "> " lines, or the "-------- Forwarded
// Message" block). Swap replaces the signature of one identity by
// another's when the user changes identity, only when the old one is
// still there unchanged; an edited or removed signature is left alone
// and no second one is added. A "--" line without the space is not a
// separator.
//
// ForReply chooses the identity of a reply: the first enabled identity
// whose address is among the original's To, Cc, Delivered-To and
// X-Original-To addresses (in that order, without case), else the
// default. Subaddresses (user+tag@) are not matched to user@.
//
// # Storage
//
// The identities are one JSON file, File (postern/identities in the
// Maildir), mode 600, read within MaxFileBytes, changed by Store.Update
// under an exclusive lock (File + ".lock") and replaced atomically
// (temporary file, fsync, rename). Each identity has an ETag, a digest
// of its fields but the Default flag: an edit or a delete names the ETag
// it started from and is refused with ErrStale when the identity changed
// since (another tab), never written over. A file that cannot be read
// (not JSON, an unknown version, an entry that breaks a rule) is a
// *CorruptError: Update refuses to write over it, so nothing is lost,
// and SetAside moves it out of the way on the user's request.
//
// # Not supported
//
// HTML signatures; several identities for one address; identities the
// administrator did not allow; per-folder identities.
package identity

// Limits.
const (
	// MaxIdentities bounds the stored identities.
	MaxIdentities = 64
	// MaxNameBytes bounds a display name.
	MaxNameBytes = 128
	// MaxReplyTo bounds the addresses of a Reply-To.
	MaxReplyTo = 10
	// MaxReplyToBytes bounds a Reply-To as typed.
	MaxReplyToBytes = 1000
	// MaxSignatureBytes bounds a signature.
	MaxSignatureBytes = 2048
	// MaxSignatureLines bounds the lines of a signature.
	MaxSignatureLines = 15
	// MaxFileBytes bounds the identities file.
	MaxFileBytes = 1 << 20
)
