package maildir

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// SortKey selects the order of List.
type SortKey int

const (
	SortDate SortKey = iota // the default
	SortFrom
	SortSubject
	SortSize
)

// ParseSortKey maps "date", "from", "subject", "size" to a SortKey; anything
// else is SortDate.
func ParseSortKey(s string) SortKey {
	switch s {
	case "from":
		return SortFrom
	case "subject":
		return SortSubject
	case "size":
		return SortSize
	}
	return SortDate
}

// String returns the name ParseSortKey accepts.
func (k SortKey) String() string {
	switch k {
	case SortFrom:
		return "from"
	case SortSubject:
		return "subject"
	case SortSize:
		return "size"
	}
	return "date"
}

// Entry is one row of the message list.
type Entry struct {
	Key string // Maildir unique key (file name before ":2,")
	Summary
	Size                                    int64
	Seen, Flagged, Answered, Draft, Trashed bool
}

// List moves new/ messages to cur/ (keeping their key, adding no flags), then
// returns one page (offset, at most limit entries; limit <= 0 means all) of
// the folder sorted by key, ties broken by message key for a stable order,
// the whole order reversed when desc, and the folder's total count. Only
// messages missing from the list cache are read.
func (s *Store) List(folder string, key SortKey, desc bool, offset, limit int) (page []Entry, total int, err error) {
	if s.Summarize == nil {
		return nil, 0, errors.New("maildir: list: no Summarize function")
	}
	dir, err := s.existingDir(folder)
	if err != nil {
		return nil, 0, err
	}
	if _, _, err := moveNew(dir); err != nil {
		return nil, 0, fmt.Errorf("maildir: list %q: %w", folder, err)
	}
	msgs, err := scan(dir, "cur")
	if err != nil {
		return nil, 0, fmt.Errorf("maildir: list %q: %w", folder, err)
	}
	rows := s.rows(dir, msgs)
	sortRows(rows, key, desc)
	total = len(rows)
	offset = max(offset, 0)
	if offset >= total {
		return []Entry{}, total, nil
	}
	end := total
	if limit > 0 {
		end = min(offset+limit, total)
	}
	page = make([]Entry, 0, end-offset)
	for _, r := range rows[offset:end] {
		e := Entry{Key: r.m.key, Summary: r.c.Summary, Size: r.c.Size}
		setFlags(&e, r.m.flags)
		page = append(page, e)
	}
	return page, total, nil
}

// row is one message being listed: its file, its summary and, when sorting
// by a text field, that field folded to lower case.
type row struct {
	m    *msgFile
	c    *cached
	fold string
}

// rows joins the files with their cached summaries, summarizing the
// messages the cache lacks and saving the cache when it changed.
func (s *Store) rows(dir string, msgs []msgFile) []row {
	c := loadCache(dir)
	changed := len(c) != len(msgs)
	rows := make([]row, len(msgs))
	for i := range msgs {
		m := &msgs[i]
		e, ok := c[m.key]
		if !ok {
			sum, good := summarize(s.Summarize, m.path(dir))
			e = &sum
			if good {
				c[m.key] = e
				changed = true
			}
		}
		rows[i] = row{m: m, c: e}
	}
	if changed {
		keep := make(map[string]*cached, len(msgs))
		for _, m := range msgs {
			if e, ok := c[m.key]; ok {
				keep[m.key] = e
			}
		}
		// The cache is only an optimization: failing to save it must not
		// fail the listing.
		_ = saveCache(dir, keep)
	}
	return rows
}

func setFlags(e *Entry, flags string) {
	e.Seen = strings.IndexByte(flags, 'S') >= 0
	e.Flagged = strings.IndexByte(flags, 'F') >= 0
	e.Answered = strings.IndexByte(flags, 'R') >= 0
	e.Draft = strings.IndexByte(flags, 'D') >= 0
	e.Trashed = strings.IndexByte(flags, 'T') >= 0
}

// sortRows orders rows by key then message key, reversed when desc.
func sortRows(rows []row, key SortKey, desc bool) {
	for i := range rows {
		switch key {
		case SortFrom:
			rows[i].fold = strings.ToLower(rows[i].c.From)
		case SortSubject:
			rows[i].fold = strings.ToLower(rows[i].c.Subject)
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		c := 0
		switch key {
		case SortDate:
			c = a.c.Date.Compare(b.c.Date)
		case SortSize:
			c = cmp.Compare(a.c.Size, b.c.Size)
		default:
			c = strings.Compare(a.fold, b.fold)
		}
		if c == 0 {
			c = strings.Compare(a.m.key, b.m.key)
		}
		if desc {
			c = -c
		}
		return c
	})
}
