package templates

// ComposeData is the compose form: everything the user wrote, kept
// across an attach round trip, a saved draft and a failed send.
type ComposeData struct {
	Identities []ComposeIdentity // the From addresses the user may choose, in the policy's order
	From       string            // the chosen one
	// FromShown is the identity whose signature the text was given
	// (the From of the form as it was shown): when From differs, the
	// signature is swapped (identity.Swap).
	FromShown  string
	To, Cc     string
	Bcc        string
	Subject    string
	Body       string
	InReplyTo  string // message id without <>
	References string // message ids without <>, separated by spaces
	Token      string // idempotency token of this form
	Draft      string // key of the saved draft in the Drafts folder, "" if none
	// The message replied to or forwarded, flagged answered (R) or
	// passed (P) once this one is sent.
	OrigFolder, OrigID, OrigMark string

	Attachments []ComposeAttachment
	MaxFile     string // the size limit of one attachment, for people

	Problem string // why the last action failed ("" when it did not)
	Output  string // the mail system's error output after a failed send

	// Suggestions fill the datalist of To, Cc and Bcc: collected
	// addresses, contacts, groups (bounded).
	Suggestions []Suggestion

	// Crypto is the Sign and Encrypt fieldset, nil when the site offers
	// neither OpenPGP nor S/MIME (crypto = no).
	Crypto *ComposeCrypto

	// Unlock, when set, is the form that opens an encrypted draft
	// instead of the compose form.
	Unlock *DraftUnlock

	Sent    bool   // the message was sent (or already had been)
	SentURL string // the copy in the Sent folder, "" if unknown
	Drafts  string // the drafts folder's name
}

// ComposeAttachment is a file attached to the form, named by its upload
// id (never a path).
type ComposeAttachment struct {
	ID, Name, Type, Size string
}

// ComposeCrypto is the signing and encryption choice of the compose form.
type ComposeCrypto struct {
	Sign, Encrypt bool
	Method        string   // "openpgp" or "smime"
	Methods       []Choice // the methods the site offers
	// Checked: the recipients' keys were looked up ("Check keys" or a
	// refused send); Missing are the recipients without one, Found the
	// others.
	Checked        bool
	Missing, Found []string
	// Untrusted are those of Missing whose S/MIME certificate is in
	// the keyring but not valid (its chain ends at no trusted root).
	Untrusted []string
	// WrongPassphrase marks the passphrase field after a wrong or
	// missing passphrase.
	WrongPassphrase bool
}

// Choice is one option of a select.
type Choice struct {
	Value, Label string
}

// DraftUnlock is the form that opens a draft stored encrypted to the
// user's own key.
type DraftUnlock struct {
	Draft  string // its key in the Drafts folder
	Method string // "OpenPGP" or "S/MIME"
	Wrong  bool   // the last passphrase did not open the key
}
