package templates

// CryptoNote is what the message page says of one signed or encrypted
// piece, shown next to exactly the part it covers (TextPart.Crypto) or,
// when no shown text part is inside it, above the body
// (MessageData.Crypto).
type CryptoNote struct {
	Kind  string // "signed" or "encrypted"
	Part  string // the part path it covers ("" : the whole message)
	Whole bool   // it covers the whole message
	// State is a class name: unchecked, good, untrusted, bad,
	// unknown-key, expired, revoked, failed, missing, unverifiable;
	// encrypted, decrypted, need-passphrase, wrong-passphrase,
	// no-secret-key, no-integrity.
	State string
	Text  string // the sentence shown
	// Signers are the signatures, one line each.
	Signers []SignerNote
	// VerifyURL checks the signatures (GET /verify), when crypto is on.
	VerifyURL string
	// FrameURL, on the message page that runs nothing (GET /msg), is
	// the frame that checks this piece's signatures and shows only
	// their status (GET /verify?frame=1): in an <iframe sandbox>, with
	// VerifyURL as the fallback of text browsers.
	FrameURL string
	// Decrypt is the decryption form, when crypto is on.
	Decrypt *DecryptForm
	// Content is what was decrypted or what the signature covers when
	// GnuPG gives it back (opaque S/MIME), shown as text.
	Content []TextPart
	// Frames are decrypted HTML parts, sanitized (package sanitize, no
	// remote content), each shown in its own frame with an empty
	// sandbox (no script, no same origin, no popup) and never merged
	// with the rest of the message; Content then holds their text too.
	// Strings, not template.HTML: html/template escapes them into the
	// srcdoc attribute (it would strip the tags of a template.HTML).
	Frames []string
	// Inner are the notes of signatures inside decrypted content.
	Inner []CryptoNote
	// Quote is the "reply quoting the decrypted text" form of decrypted
	// content (EFAIL: a reply quotes decrypted text only when asked).
	Quote *QuoteForm
	// ProtectedSubject is the Subject protected inside decrypted content
	// (mailcrypto.ProtectedHeaders); the message page shows it in place
	// of the outer one when the note covers the whole message.
	ProtectedSubject string
}

// QuoteForm starts a reply that quotes decrypted text (POST
// /compose/quote): the text travels in the form, as the page shows it,
// and is never stored by the server unless the reply is saved (then as
// an encrypted draft, Encrypt being on).
type QuoteForm struct {
	Action, CSRF string // the form's URL and token
	Folder, ID   string // the message replied to
	Method       string // "openpgp" or "smime": the reply's encryption
	Subject      string // the protected Subject, when the outer one hides it
	Text         string // the decrypted text, to quote
}

// SignerNote is one signature of a CryptoNote.
type SignerNote struct {
	Text        string // "Good signature by Alice <alice@example.org>"
	Fingerprint string
	FromMatches bool
	// FromWarning says that the signer's addresses are not the From
	// address, when the signature is valid.
	FromWarning string
}

// DecryptForm is the form that decrypts one encrypted piece (POST
// /decrypt, with the CSRF token; the passphrase is never in a URL).
type DecryptForm struct {
	Action, CSRF     string // the form's URL (the page's base + /decrypt) and token
	Folder, ID, Item string
	Wrong            bool // the passphrase given was wrong
	// Remember is the session's idle timeout ("30 minutes"): the form
	// offers "remember my passphrase for this session", which the
	// user's agent does when it keeps a passphrase no longer than that
	// after its last use.
	Remember string
}
