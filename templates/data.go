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
	Error  string // the public text of an error
	Status int    // the HTTP status of an error page
	Style  template.CSS
	Logo   bool // the site has a logo, served at Base + "/logo"

	Login   *LoginData
	Folders *FoldersData
	List    *ListData
	Message *MessageData
	Prefs   *PrefsData
}

// LoginData is the login page.
type LoginData struct {
	User         string // to prefill after a failure
	Failed       bool
	Expired      bool // the session ended (timeout, logout elsewhere, IP changed)
	LoggedOut    bool
	AllowUnbound bool // offer "do not bind my session to my IP address"
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
	Seen, Flagged, Answered, Draft bool
	Attach, Malformed              bool
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
}

// Span is a run of text, a link when URL is set.
type Span struct{ Text, URL string }

// Line is a line (or a flowed paragraph) of a text part.
type Line struct {
	Quote int
	Spans []Span
}

// TextPart is a text part shown in the message body.
type TextPart struct {
	Lines     []Line
	FromHTML  bool
	Truncated bool
}

// Attachment is a part offered for download.
type Attachment struct {
	Name, Type, Size string
	URL              string // download
	ViewURL          string // message/rfc822: view as a message
	ImageURL         string // an image shown inline
}

// Field is a header field.
type Field struct{ Name, Value string }

// MessageData is one message.
type MessageData struct {
	Folder      string
	ID          string
	Part        string // non-empty for an attached message
	Subject     string
	From        string
	To          string
	Cc          string
	ReplyTo     string
	Date        string
	Headers     []Field
	AllHeaders  bool
	Text        []TextPart
	Attachments []Attachment
	Images      []Attachment
	Problems    []string
	Seen        bool
	Flagged     bool
	RawURL      string
	HeadersURL  string
	ListURL     string
	Targets     []FolderItem
	IsTrash     bool
	Back        string
}

// PrefsData is the preferences page.
type PrefsData struct {
	PageSize  int
	PageSizes []int
}
