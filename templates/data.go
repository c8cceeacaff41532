package templates

import "html/template"

// Page is what every page is rendered from. Exactly one of the *Data
// fields is set, matching the page.
type Page struct {
	Site   string // site name from the configuration
	Title  string
	Base   string // the script's URL path (SCRIPT_NAME); links are Base + "/..."
	CSRF   string // the session's CSRF token, "" when logged out
	User   string // the logged-in user, "" when logged out
	Folder string // the current folder, for the navigation
	Notice string // one line of feedback ("3 messages moved to Archive")
	// LoginNotice is shown on the first page after a login, once: "Last
	// login: <time> from <IP>; N failed attempts since."
	LoginNotice string
	Error       string // the public text of an error
	Status      int    // the HTTP status of an error page
	Style       template.CSS
	Logo        bool   // the site has a logo, served at Base + "/logo"
	Query       string // the search box's text

	FiltersOn bool // the site writes filters: the Filters and Vacation links
	// DirectoryOn: the site has a directory: the Directory link.
	DirectoryOn bool
	Quota       *QuotaData

	Login   *LoginData
	Folders *FoldersData
	List    *ListData
	Message *MessageData
	Prefs   *PrefsData
	Compose *ComposeData
	Search  *SearchData
	Thread  *ThreadData

	Filters  *FiltersData
	Spam     *SpamData
	Vacation *VacationData

	Security  *SecurityData
	TOTPLogin *TOTPLoginData

	Contacts   *ContactsData
	Contact    *ContactData
	Import     *ImportData
	Collected  *CollectedData
	Directory  *DirectoryData
	Identities *IdentitiesData

	Keys   *KeysData
	KeysOn bool // crypto is on: the Keys link

	// Bare renders the content alone, without the header and the
	// navigation: a page shown in a frame of another (verifyframe).
	Bare bool
	// VerifyFrame are the checked signatures of one signed piece, the
	// whole content of the frame that the message page embeds.
	VerifyFrame []CryptoNote
}

// LoginData is the login page.
type LoginData struct {
	User         string // to prefill after a failure
	Failed       bool
	Expired      bool // the session ended (timeout, logout elsewhere, IP changed)
	LoggedOut    bool
	AllowUnbound bool // offer "do not bind my session to my IP address"
	NeedHTTPS    bool // the request is not over HTTPS and passwords are refused
	Remembered   bool // User came from the "remember my user name" cookie
	Locked       bool // refused: the network or the client certificate is not allowed

	Passwordless  bool // offer "Log in with a passkey" (webauthn_passwordless)
	PasskeyFailed bool // a passwordless login was refused
}

// FolderItem is one folder in a tree.
type FolderItem struct {
	Name      string // display name, "INBOX" or "Lists.golang"
	Leaf      string
	Depth     int
	Total     int
	Unread    int
	NoSelect  bool // a parent that exists only as a name
	Protected bool // INBOX and Trash: no rename or delete
}

// FoldersData is the folder management page.
type FoldersData struct {
	Folders []FolderItem
	Trash   string
}

// ListRow is one message in a list.
type ListRow struct {
	ID, From, Subject, Date, Size  string
	FromWarning                    string // the name in From shows another address: why From is marked
	Seen, Flagged, Answered, Draft bool
	Attach, Malformed              bool
	URL                            string // the message
	ThreadURL                      string // list by thread: the conversation
	Count                          int    // list by thread: its messages in the folder
}

// SortLink is a column header of the message list.
type SortLink struct {
	Label, URL string
	Active     bool
	Desc       bool
}

// ListData is a page of a folder's messages.
type ListData struct {
	Folder    string
	IsTrash   bool
	IsJunk    bool // the Spam buttons say "Not spam"
	Rows      []ListRow
	Targets   []FolderItem // folders to move or copy to
	Total     int
	Page      int
	Pages     int
	First     int // 1-based index of the first row shown
	Last      int
	PrevURL   string
	NextURL   string
	FirstURL  string
	LastURL   string
	Sort      []SortLink
	Back      string // this page's URL, to come back after an action
	PageSizes []int
	Threads   bool   // listed by conversation
	ViewURL   string // the other view (by thread / by message)
	Indexing  string // "Indexed 12,000 of 100,000 messages…" while incomplete
}

// Span is a run of text, a link when URL is set.
type Span struct{ Text, URL string }

// Line is a line (or a flowed paragraph) of a text part.
type Line struct {
	Quote int
	Spans []Span
}

// TextPart is a text part shown in the message body, in its place: as
// text, or as sanitized HTML in a sandboxed frame when Frame is set (then
// Lines are not shown).
type TextPart struct {
	Lines     []Line
	FromHTML  bool
	Truncated bool
	Frame     *HTMLFrame
	Part      string      // its part path
	Crypto    *CryptoNote // the signature or encryption that covers it, shown before it
}

// Attachment is a part offered for download.
type Attachment struct {
	Name, Type, Size string
	URL              string // download
	ViewURL          string // message/rfc822: view as a message
	ImageURL         string // an image shown inline
	// KeyPart, when set, is the part path of a public key or
	// certificate: the page offers to import it (POST /keys/import-part).
	KeyPart string
}

// Field is a header field.
type Field struct{ Name, Value string }

// Addr is an address as shown: "Name <addr>" or the address alone.
// Warning, when set, says that the name shows another address than the
// real one; the address is then marked.
type Addr struct{ Text, Warning string }

// MessageData is one message.
type MessageData struct {
	Folder  string
	ID      string
	Part    string // non-empty for an attached message
	Subject string
	// OuterSubject, when set, is the Subject of the message's header,
	// and Subject the one protected inside its encryption (decrypted on
	// this page only).
	OuterSubject string
	// Autocrypt offers to import the sender's key from the Autocrypt
	// header (POST /keys/autocrypt).
	Autocrypt   *AutocryptOffer
	From        []Addr
	To          []Addr
	Cc          []Addr
	ReplyTo     []Addr
	Date        string
	Headers     []Field
	AllHeaders  bool
	Text        []TextPart // the body, in order: text and HTML frames
	Frames      int        // the number of HTML frames in Text
	Attachments []Attachment
	Images      []Attachment
	Problems    []string
	Seen        bool
	Flagged     bool
	PlainURL    string // show as plain text (in HTML view)
	RichURL     string // show the HTML (in text view, when there is HTML)
	Blocked     int    // remote resources blocked in the HTML
	Phishing    int    // links whose text names another site
	RemoteURL   string // load remote content for this message
	Sender      string // for "always load remote content from this sender"
	RemoteOn    bool   // remote content is being loaded
	RawURL      string
	HeadersURL  string
	ListURL     string
	Targets     []FolderItem
	IsTrash     bool
	Back        string
	EditURL     string // a draft: resume it in the compose form
	IsJunk      bool   // the spam button says "Not spam"
	Verdicts    []Verdict
	RuleLinks   []Link // "make a rule from this message", when filters are on
	// Reply, reply to all, forward inline and as an attachment. (Links
	// with more than one parameter are made here: a literal "&" in a
	// template's attribute costs html/template a table of every HTML
	// entity, built in each CGI process.)
	ReplyURL, ReplyAllURL, ForwardURL, ForwardAttachURL string
	People                                              []Person // its addresses, for "Add to contacts"
	URL                                                 string   // this page, to come back to
	// Crypto are the signed and encrypted pieces that cover no shown
	// text part (an encrypted body, a signed attachment).
	Crypto []CryptoNote
}

// PrefsData is the preferences page.
type PrefsData struct {
	PageSize      int
	PageSizes     []int
	PreferText    bool
	LoginAlert    bool // mail me at a login from a new network or browser
	RemoteSenders []string
	NoCollect     bool // do not remember the addresses mail is sent to
	// Crypto holds the compose form's Sign and Encrypt defaults; nil
	// when the site offers neither OpenPGP nor S/MIME.
	Crypto *ComposeCrypto
	// AutocryptOffered: the site offers OpenPGP, so the user may put
	// an Autocrypt header with their own key on outgoing mail
	// (Autocrypt, the preference).
	AutocryptOffered, Autocrypt bool
}

// HTMLFrame is one sanitized HTML part of a message; its URL addresses
// that part.
type HTMLFrame struct {
	URL     string // the sanitized document, for the sandboxed frame
	Sandbox string // the frame's sandbox attribute
}

// Verdict is a spam or authentication verdict in words; Bad is a warning.
type Verdict struct {
	Text string
	Bad  bool
}

// Link is a labelled local URL.
type Link struct {
	Label, URL string
}

// QuotaData is the quota bar of every page, when the Maildir has a quota.
type QuotaData struct {
	Used, Limit string // "9.0 MB", "10 MB"; messages when the count is the limit that binds
	Percent     int
	Warn        bool // over quota.WarnPercent
}

// SpamData confirms the Spam / Not spam button of the message list in a
// browser that sent the list's form to /action (no formaction support).
type SpamData struct {
	Folder, Back, Learn, Junk string
	IDs                       []string
}
