package app

import (
	"net/url"
	"strconv"
	"time"

	"postern/httpcgi"
	"postern/maildir"
	"postern/message"
	"postern/templates"
)

// sortColumns are the list's sortable columns, in display order.
var sortColumns = []struct{ key, label string }{
	{"date", "Date"}, {"from", "From"}, {"subject", "Subject"}, {"size", "Size"},
}

// list shows one page of a folder.
func (a *app) list(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	q := r.URL.Query()
	folder := q.Get("f")
	if folder == "" {
		folder = "INBOX"
	}
	if err := a.checkFolder(folder); err != nil {
		return err
	}
	sortName := q.Get("sort")
	if sortName == "" {
		sortName = "date"
	}
	validSort := false
	for _, c := range sortColumns {
		validSort = validSort || c.key == sortName
	}
	if !validSort {
		return badRequest("Unknown sort order.", nil)
	}
	desc := q.Get("order") != "asc"
	if q.Get("order") == "" && sortName != "date" && sortName != "size" {
		desc = false // names and subjects read best A to Z
	}
	pageNo := 1
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return badRequest("Bad page number.", err)
		}
		pageNo = n
	}
	size := a.prefs().PageSize
	threads := q.Get("view") == "threads"
	entries, threadRows, total, err := a.listPage(r, folder, maildir.ParseSortKey(sortName), desc, (pageNo-1)*size, size, threads)
	if err != nil {
		return err
	}
	pagesN := (total + size - 1) / size
	if pagesN == 0 {
		pagesN = 1
	}
	if pageNo > pagesN {
		// Past the end (the folder shrank): show the last page.
		pageNo = pagesN
		entries, threadRows, total, err = a.listPage(r, folder, maildir.ParseSortKey(sortName), desc, (pageNo-1)*size, size, threads)
		if err != nil {
			return err
		}
	}

	order := "asc"
	if desc {
		order = "desc"
	}
	at := func(n int) string {
		v := url.Values{"f": {folder}, "sort": {sortName}, "order": {order}}
		if threads {
			v.Set("view", "threads")
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		return link(r, "/list", v)
	}
	d := &templates.ListData{
		Folder:  folder,
		IsTrash: folder == a.cfg.Trash,
		IsJunk:  folder == a.cfg.Junk,
		Total:   total,
		Page:    pageNo,
		Pages:   pagesN,
		Back:    at(pageNo),
	}
	if total > 0 {
		d.First = (pageNo-1)*size + 1
		d.Last = d.First + len(entries) - 1
	}
	if pageNo > 1 {
		d.PrevURL, d.FirstURL = at(pageNo-1), at(1)
	}
	if pageNo < pagesN {
		d.NextURL, d.LastURL = at(pageNo+1), at(pagesN)
	}
	for _, c := range sortColumns {
		l := templates.SortLink{Label: c.label, Active: c.key == sortName}
		o := "asc"
		if l.Active && !desc {
			o = "desc"
		}
		if !l.Active && (c.key == "date" || c.key == "size") {
			o = "desc"
		}
		l.Desc = l.Active && desc
		l.URL = link(r, "/list", url.Values{"f": {folder}, "sort": {c.key}, "order": {o}})
		d.Sort = append(d.Sort, l)
	}
	now := time.Now()
	d.Rows, d.Threads, d.Indexing = threadRows, threads, indexing(a.idxProgress)
	d.ViewURL = link(r, "/list", url.Values{"f": {folder}, "view": {"threads"}})
	if threads {
		d.ViewURL = link(r, "/list", url.Values{"f": {folder}})
	}
	for _, e := range entries {
		d.Rows = append(d.Rows, templates.ListRow{
			ID: e.Key, From: e.From, FromWarning: message.SenderWarning(e.From), Subject: e.Subject,
			Date: shortDate(e.Date, now), Size: templates.HumanSize(e.Size),
			Seen: e.Seen, Flagged: e.Flagged, Answered: e.Answered, Draft: e.Draft,
			Attach: e.HasAttachment, Malformed: e.Malformed,
			URL: link(r, "/msg", url.Values{"f": {folder}, "id": {e.Key}}),
		})
	}
	if d.Targets, err = a.targetItems(); err != nil {
		return err
	}
	p := a.page(r, folder)
	p.Folder = folder
	p.Notice = actionNotice(q)
	p.List = d
	render(w, httpcgi.StatusOK, "list", p)
	return nil
}

// shortDate shows a time the way mail lists do: the time today, the day
// this year, the full date before.
func shortDate(t, now time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(now.Location())
	switch {
	case t.Year() == now.Year() && t.YearDay() == now.YearDay():
		return t.Format("15:04")
	case t.Year() == now.Year():
		return t.Format("Jan 2")
	}
	return t.Format("2006-01-02")
}
