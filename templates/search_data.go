package templates

// SearchData is a page of search results.
type SearchData struct {
	Q        string // the query as typed
	Scope    string // "all" or "folder"
	Folder   string // the folder of scope "folder"
	Hits     []SearchHit
	Total    int
	Page     int
	Pages    int
	First    int
	Last     int
	PrevURL  string
	NextURL  string
	Indexing string // "Indexed 12,000 of 100,000 messages…" while incomplete
	Empty    bool   // nothing to search for (no word and no filter)
}

// SearchHit is one result: where it is and an excerpt with the terms
// marked.
type SearchHit struct {
	Folder, ID, URL       string
	From, Subject, Date   string
	FromWarning           string // as ListRow.FromWarning
	Seen, Flagged, Attach bool
	Excerpt               []Segment
	ThreadURL             string
}

// Segment is a run of excerpt text; Mark is a matched term.
type Segment struct {
	Text string
	Mark bool
}

// ThreadData is a conversation read top to bottom.
type ThreadData struct {
	Folder   string
	Subject  string
	Messages []ThreadItem
	ListURL  string
	Cut      bool // longer than shown
}

// ThreadItem is one message of a conversation.
type ThreadItem struct {
	Folder, ID, URL     string
	From, Subject, Date string
	FromWarning         string // as ListRow.FromWarning
	Depth               int
	Seen, Flagged       bool
	Blocks              []TextBlock
	Attachments         []Attachment
}

// TextBlock is a run of lines of a message: quoted blocks are folded.
type TextBlock struct {
	Quoted bool
	Lines  []Line
}
