package app

import (
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"postern/httpcgi"
	"postern/index"
	"postern/maildir"
	"postern/message"
	"postern/templates"
)

// searchPageSize is the number of results per search page.
const searchPageSize = 20

// finishAtOnce: a folder with at most this many messages not yet indexed
// is indexed completely before it is listed, beyond the time budget.
const finishAtOnce = 500

// index opens the user's search index once per request and brings it up
// to date within the configured budget. Errors are logged and leave the
// caller to work without the index.
func (a *app) index() (*index.Index, index.Progress, bool) {
	if a.idx != nil {
		return a.idx, a.idxProgress, true
	}
	x := a.openIndex()
	if x == nil {
		return nil, index.Progress{}, false
	}
	p, err := x.Update(a.cfg.IndexBudget)
	if err != nil {
		// A partial update still leaves a usable index.
		logf("index of %s: %v", a.acct.User, err)
	}
	a.idxInStep = err == nil
	a.idx, a.idxProgress = x, p
	return x, p, true
}

// openIndex opens the user's search index once per request, without
// bringing it up to date (index does); nil when it cannot be opened
// (logged).
func (a *app) openIndex() *index.Index {
	if a.idxOpen != nil || a.idxFailed {
		return a.idxOpen
	}
	path := index.Path(a.cfg.IndexDirFor(a.acct.User), a.acct.Maildir)
	x, err := index.Open(path, a.store)
	if err != nil {
		logf("index of %s: %v", a.acct.User, err)
		a.idxFailed = true
		return nil
	}
	x.Sent = a.cfg.Sent
	a.idxOpen = x
	afterResponse = append(afterResponse, func() {
		if err := x.Close(); err != nil {
			logf("index of %s: %v", a.acct.User, err)
		}
	})
	return x
}

// own runs change, a change of the files of folders' cur/ (flags,
// moves, deletions), through the search index when it exists
// (index.Index.Own), so that the index follows it and the next list does
// not read those cur/ again as after a change by another program.
func (a *app) own(folders []string, change func() (index.Change, error)) error {
	// A user whose index does not exist yet gets none here: the list
	// makes it.
	path := index.Path(a.cfg.IndexDirFor(a.acct.User), a.acct.Maildir)
	if _, err := os.Stat(path); err == nil || a.idxOpen != nil {
		if x := a.openIndex(); x != nil {
			return x.Own(folders, change)
		}
	}
	_, err := change()
	return err
}

// setFlags is maildir.Store.Flag through own.
func (a *app) setFlags(folder string, keys []string, add, remove string) error {
	return a.own([]string{folder}, func() (index.Change, error) {
		names, err := a.store.Flag(folder, keys, add, remove)
		return index.Change{folder: names}, err
	})
}

// move is maildir.Store.Relocate through own.
func (a *app) move(src string, keys []string, dst string) error {
	return a.own([]string{src, dst}, func() (index.Change, error) {
		out, in, err := a.store.Relocate(src, keys, dst)
		return index.Change{src: out, dst: in}, err
	})
}

// remove is maildir.Store.Remove through own.
func (a *app) remove(folder string, keys []string) error {
	return a.own([]string{folder}, func() (index.Change, error) {
		gone, err := a.store.Remove(folder, keys)
		return index.Change{folder: gone}, err
	})
}

// indexing describes unfinished indexing, "" when done.
func indexing(p index.Progress) string {
	if p.Done() {
		return ""
	}
	return "Indexed " + thousands(p.Indexed) + " of " + thousands(p.Total) +
		" messages; search finds only those so far. The rest is indexed as you go."
}

// thousands writes n with comma separators.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// search shows a page of search results.
func (a *app) search(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	q := r.URL.Query()
	text := q.Get("q")
	scope := q.Get("scope")
	folder := q.Get("f")
	if scope != "folder" {
		scope = "all"
	}
	if scope == "folder" {
		if folder == "" {
			folder = "INBOX"
		}
		if err := a.checkFolder(folder); err != nil {
			return err
		}
	}
	pageNo := 1
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100000 {
			return badRequest("Bad page number.", err)
		}
		pageNo = n
	}
	query := index.ParseQuery(text)
	if scope == "folder" && query.Folder == "" {
		query.Folder = folder
	}
	d := &templates.SearchData{Q: text, Scope: scope, Folder: folder, Page: pageNo, Empty: query.Empty()}
	x, prog, ok := a.index()
	if !ok {
		return &httpError{status: httpcgi.StatusServiceUnavailable, public: "Search is not available right now."}
	}
	d.Indexing = indexing(prog)
	if !d.Empty {
		hits, total, err := x.Search(query, (pageNo-1)*searchPageSize, searchPageSize)
		if err != nil {
			return err
		}
		x.Excerpts(hits, query)
		d.Total = total
		d.Pages = max(1, (total+searchPageSize-1)/searchPageSize)
		if len(hits) > 0 {
			d.First = (pageNo-1)*searchPageSize + 1
			d.Last = d.First + len(hits) - 1
		}
		at := func(n int) string {
			v := url.Values{"q": {text}, "scope": {scope}, "page": {strconv.Itoa(n)}}
			if scope == "folder" {
				v.Set("f", folder)
			}
			return link(r, "/search", v)
		}
		if pageNo > 1 {
			d.PrevURL = at(pageNo - 1)
		}
		if pageNo < d.Pages {
			d.NextURL = at(pageNo + 1)
		}
		now := time.Now()
		for _, h := range hits {
			ref := url.Values{"f": {h.Folder}, "id": {h.Key}}
			sh := templates.SearchHit{
				Folder: h.Folder, ID: h.Key, URL: link(r, "/msg", ref),
				From: h.From, FromWarning: message.SenderWarning(h.From), Subject: h.Subject, Date: shortDate(h.Date, now),
				Seen: h.Seen, Flagged: h.Flagged, Attach: h.HasAttachment,
				ThreadURL: link(r, "/thread", ref),
			}
			for _, s := range h.Excerpt {
				sh.Excerpt = append(sh.Excerpt, templates.Segment{Text: s.Text, Mark: s.Mark})
			}
			d.Hits = append(d.Hits, sh)
		}
	}
	p := a.page(r, "Search")
	if scope == "folder" {
		p.Folder = folder
	}
	p.Query = text
	p.Search = d
	render(w, httpcgi.StatusOK, "search", p)
	return nil
}

// thread shows a conversation top to bottom, quoted text folded.
func (a *app) thread(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	q := r.URL.Query()
	m, err := a.parseRef(q)
	if err != nil {
		return err
	}
	x, _, ok := a.index()
	if !ok {
		return &httpError{status: httpcgi.StatusServiceUnavailable, public: "Conversations are not available right now."}
	}
	msgs, err := x.Thread(m.folder, m.id)
	if err != nil {
		return err
	}
	d := &templates.ThreadData{Folder: m.folder, ListURL: link(r, "/list", url.Values{"f": {m.folder}})}
	d.Cut = len(msgs) >= index.MaxThread
	now := time.Now()
	for _, tm := range msgs {
		ref := url.Values{"f": {tm.Folder}, "id": {tm.Key}}
		it := templates.ThreadItem{
			Folder: tm.Folder, ID: tm.Key, URL: link(r, "/msg", ref),
			From: tm.From, FromWarning: message.SenderWarning(tm.From), Subject: tm.Subject, Date: shortDate(tm.Date, now),
			Depth: tm.Depth, Seen: tm.Seen, Flagged: tm.Flagged,
		}
		if v := a.readView(tm.Folder, tm.Key); v != nil {
			it.Blocks = blocks(v)
			if len(v.From) > 0 {
				it.From, it.FromWarning = v.From[0].String(), v.From[0].Warning()
			}
			for _, att := range v.Attachments {
				pq := url.Values{"f": {tm.Folder}, "id": {tm.Key}, "part": {att.Part}}
				it.Attachments = append(it.Attachments, templates.Attachment{
					Name: displayName(att), Type: att.ContentType, Size: templates.HumanSize(att.Size),
					URL: link(r, "/part", pq),
				})
			}
		}
		if d.Subject == "" {
			d.Subject = tm.Subject
		}
		d.Messages = append(d.Messages, it)
	}
	p := a.page(r, d.Subject)
	p.Folder = m.folder
	p.Thread = d
	render(w, httpcgi.StatusOK, "thread", p)
	return nil
}

// readView parses one message for the conversation view; nil when it is
// gone.
func (a *app) readView(folder, key string) *message.View {
	path, err := a.store.MessagePath(folder, key)
	if err != nil {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	return message.Parse(io.Reader(f), message.DefaultLimits)
}

// blocks groups a message's lines into runs, quoted runs apart so that
// the page folds them.
func blocks(v *message.View) []templates.TextBlock {
	var out []templates.TextBlock
	for _, tp := range v.Text {
		for _, l := range tp.Lines {
			quoted := l.Quote > 0
			if n := len(out); n == 0 || out[n-1].Quoted != quoted {
				out = append(out, templates.TextBlock{Quoted: quoted})
			}
			tl := templates.Line{Quote: l.Quote}
			for _, s := range l.Spans {
				tl.Spans = append(tl.Spans, templates.Span{Text: s.Text, URL: s.URL})
			}
			b := &out[len(out)-1]
			b.Lines = append(b.Lines, tl)
		}
	}
	// An "On ... wrote:" line before a quote belongs to the quote.
	for i := 1; i < len(out); i++ {
		prev := &out[i-1]
		if out[i].Quoted && !prev.Quoted && len(prev.Lines) > 1 {
			last := prev.Lines[len(prev.Lines)-1]
			if t := spanText(last); strings.HasSuffix(strings.TrimSpace(t), ":") && len(t) < 200 {
				prev.Lines = prev.Lines[:len(prev.Lines)-1]
				out[i].Lines = append([]templates.Line{last}, out[i].Lines...)
			}
		}
	}
	return out
}

func spanText(l templates.Line) string {
	var b strings.Builder
	for _, s := range l.Spans {
		b.WriteString(s.Text)
	}
	return b.String()
}

// listFromIndex is one page of a folder from the index, which reads the
// list values of the messages it has not read yet before it lists them,
// so that the order does not change between pages while the index fills.
// ok is false when the index is not usable (the caller falls back to
// maildir.Store.List).
func (a *app) listFromIndex(folder string, key maildir.SortKey, desc bool, offset, limit int) (page []maildir.Entry, total int, ok bool) {
	x, prog, ok := a.index()
	if !ok {
		return nil, 0, false
	}
	// A small folder is indexed whole now (its text for search and its
	// conversations), not over the next requests.
	if _, err := x.Finish(folder, finishAtOnce); err != nil {
		logf("index of %s: %v", a.acct.User, err)
	}
	page, total, _, err := x.List(folder, key, desc, offset, limit)
	if err != nil {
		logf("index list of %s: %v", a.acct.User, err)
		return nil, 0, false
	}
	a.idxProgress = prog
	return page, total, true
}

// threadRows is one page of a folder by conversation.
func (a *app) threadRows(r *httpcgi.Request, folder string, offset, limit int) ([]templates.ListRow, int, error) {
	x, _, ok := a.index()
	if !ok {
		return nil, 0, &httpError{status: httpcgi.StatusServiceUnavailable, public: "Conversations are not available right now."}
	}
	rows, total, err := x.Threads(folder, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	now := time.Now()
	var out []templates.ListRow
	for _, t := range rows {
		e := t.Entry
		out = append(out, templates.ListRow{
			ID: e.Key, From: e.From, FromWarning: message.SenderWarning(e.From), Subject: e.Subject,
			Date: shortDate(e.Date, now), Size: templates.HumanSize(e.Size),
			Seen: t.Unread == 0, Flagged: e.Flagged, Answered: e.Answered, Draft: e.Draft,
			Attach: e.HasAttachment, Malformed: e.Malformed,
			URL:       link(r, "/msg", url.Values{"f": {folder}, "id": {e.Key}}),
			ThreadURL: link(r, "/thread", url.Values{"f": {folder}, "id": {e.Key}}),
			Count:     t.Count,
		})
	}
	return out, total, nil
}

// listPage is one page of a folder: conversations (threads) or messages,
// from the index when it is usable, else from maildir.Store.List.
func (a *app) listPage(r *httpcgi.Request, folder string, key maildir.SortKey, desc bool, offset, limit int, threads bool) ([]maildir.Entry, []templates.ListRow, int, error) {
	if threads {
		rows, total, err := a.threadRows(r, folder, offset, limit)
		return nil, rows, total, err
	}
	if page, total, ok := a.listFromIndex(folder, key, desc, offset, limit); ok {
		return page, nil, total, nil
	}
	page, total, err := a.store.List(folder, key, desc, offset, limit)
	return page, nil, total, err
}

// targetItems lists the folders a message can be moved or copied to,
// without counting their messages (maildir.Store.Folders reads every
// folder, which at 100,000 messages costs more than the rest of a page).
func (a *app) targetItems() ([]templates.FolderItem, error) {
	names, err := a.store.FolderNames()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(names, func(x, y string) int {
		switch {
		case x == y:
			return 0
		case x == maildir.Inbox:
			return -1
		case y == maildir.Inbox:
			return 1
		}
		if c := strings.Compare(strings.ToLower(x), strings.ToLower(y)); c != 0 {
			return c
		}
		return strings.Compare(x, y)
	})
	out := make([]templates.FolderItem, 0, len(names))
	for _, n := range names {
		leaf := n[strings.LastIndexByte(n, '.')+1:]
		out = append(out, templates.FolderItem{
			Name: n, Leaf: leaf, Depth: strings.Count(n, "."),
			Protected: n == maildir.Inbox || n == a.cfg.Trash,
		})
	}
	return out, nil
}
