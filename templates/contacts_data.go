package templates

// ContactRow is one contact in a list.
type ContactRow struct {
	UID    string
	Name   string
	Emails []string
	Org    string
	Groups []string
	URL    string // the contact's page
}

// GroupLink is a group of the address book.
type GroupLink struct {
	Name      string
	Members   int
	URL       string // the list of its members
	VCardURL  string // export of its members as vCard
	CSVURL    string // and as CSV
	Active    bool   // the list shows this group
	ComposeTo string // compose to the group
}

// ContactsData is the address book page: a page of contacts (all, a
// search, or a group's members), the groups and the exports.
type ContactsData struct {
	Query    string
	Group    string // the group shown, "" for all
	Rows     []ContactRow
	Total    int // contacts matching, on every page
	Book     int // contacts in the book
	Page     int
	Pages    int
	PrevURL  string
	NextURL  string
	Groups   []GroupLink
	VCardURL string // export of what the page lists (all or the group)
	CSVURL   string
	Max      int // contacts a book may hold
}

// TypedValue is a typed address or phone of the contact form.
type TypedValue struct {
	Type, Value string
	URL         string // view: write to this address
}

// ContactData is one contact: shown, or its form (new or edit).
type ContactData struct {
	Edit       bool // the form
	UID        string
	ETag       string // the version the form was made from
	Name       string
	Nickname   string
	Org        string
	Note       string
	Emails     []TypedValue
	Phones     []TypedValue
	Groups     []string
	GroupsText string // the form's groups, comma separated
	EmailTypes []string
	PhoneTypes []string
	AllGroups  []string // the book's groups, to offer
	Problem    string   // why the last save failed
	Stale      bool     // it failed because the contact changed elsewhere
	EditURL    string
	Back       string // the list to return to
}

// ImportRow is an imported contact in the preview.
type ImportRow struct {
	Name   string
	Emails []string
	Groups []string
	Of     string // a duplicate: the contact that has the address
	Dup    string // a duplicate: the address
}

// ImportSkip is an entry an import left out, and why.
type ImportSkip struct{ Where, Why string }

// ImportData is the import page: the upload form, then the preview and
// its confirm button, then what was done.
type ImportData struct {
	MaxSize    string
	Format     string // of the previewed file
	Pending    string // the id of the previewed import, for the confirm
	Add        []ImportRow
	Duplicates []ImportRow
	Skipped    []ImportSkip
	Preview    bool
	Done       bool
	Added      int
	Problem    string
}

// CollectedRow is a collected address.
type CollectedRow struct {
	Name, Address, Last string
	Count               int
	Known               bool // in the book
}

// CollectedData is the page of collected addresses.
type CollectedData struct {
	Rows       []CollectedRow
	Collecting bool
	Max        int
}

// Person is an address of a message, offered to the address book.
type Person struct {
	Name, Address string
	Known         bool // already in the book
}

// Suggestion is an entry of compose's address datalist.
type Suggestion struct {
	Value, Label string
}

// DirectoryData is the site directory's search page.
type DirectoryData struct {
	Query       string
	Searched    bool // a search was made (Query not empty)
	Unavailable bool // the directory did not answer
	More        bool // it had more than it returned
	Skipped     int  // people left out: without a usable address
	Rows        []DirectoryRow
	Back        string // this page, for the forms to come back to
}

// DirectoryRow is a person the directory found.
type DirectoryRow struct {
	Name, Org, Phone string
	Mails            []DirectoryMail
}

// DirectoryMail is one of a person's addresses.
type DirectoryMail struct {
	Address string
	WriteTo string // a new message to the person
	Known   bool   // the address book has it
}
