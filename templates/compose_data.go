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

	Sent    bool   // the message was sent (or already had been)
	SentURL string // the copy in the Sent folder, "" if unknown
	Drafts  string // the drafts folder's name
}

// ComposeAttachment is a file attached to the form, named by its upload
// id (never a path).
type ComposeAttachment struct {
	ID, Name, Type, Size string
}
