package templates

// ComposeIdentity is one choice of the compose form's From select.
type ComposeIdentity struct {
	Address string // the option's value
	Label   string // "Name <address>", or the address alone
}

// IdentityRow is one identity on the identities page.
type IdentityRow struct {
	Address, Name, ReplyTo, Signature string
	Placement                         string // "below" or "above"
	Sign, Encrypt                     string // "off", "openpgp", "smime"
	Default                           bool
	Stored                            bool // set up by the user (else only allowed)
	Disabled                          bool // stored, but no longer allowed by the administrator
	EditURL                           string
}

// IdentityForm is the form of one identity, new or edited.
type IdentityForm struct {
	Key, ETag                     string   // the identity edited ("" for a new one) and its version
	Address                       string   // the chosen address
	Addresses                     []string // the addresses it may take
	Name, ReplyTo, Signature      string
	Placement, Sign, Encrypt      string
	Default, Disabled             bool
	Crypto                        []Choice // the values of Sign and Encrypt
	MaxSignatureLines, MaxSigSize int
}

// IdentitiesData is the identities page: the list, or one identity's
// form.
type IdentitiesData struct {
	Rows    []IdentityRow
	Edit    bool
	Form    IdentityForm
	Problem string // why the last change was refused
	Stale   bool   // refused because another tab changed it: Reload links the current one
	Reload  string
	Damaged string // the identities file cannot be read: why
}
