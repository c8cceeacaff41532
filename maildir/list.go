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
	if err := moveNew(dir); err != nil {
		return nil, 0, fmt.Errorf("maildir: list %q: %w", folder, err)
	}
	msgs, err := scan(dir, "cur")
	if err != nil {
		return nil, 0, fmt.Errorf("maildir: list %q: %w", folder, err)
	}
	entries := s.entries(dir, msgs)
	sortEntries(entries, key, desc)
	total = len(entries)
	offset = max(offset, 0)
	if offset >= total {
		return []Entry{}, total, nil
	}
	end := total
	if limit > 0 {
		end = min(offset+limit, total)
	}
	return entries[offset:end], total, nil
}

// entries joins the files with their cached summaries, summarizing the
// messages the cache lacks and saving the cache when it changed.
func (s *Store) entries(dir string, msgs []msgFile) []Entry {
	c := loadCache(dir)
	changed := len(c) != len(msgs)
	entries := make([]Entry, len(msgs))
	for i, m := range msgs {
		e, ok := c[m.key]
		if !ok {
			var good bool
			e, good = summarize(s.Summarize, m.path(dir))
			if good {
				c[m.key] = e
				changed = true
			}
		}
		entries[i] = Entry{Key: m.key, Summary: e.Summary, Size: e.Size}
		setFlags(&entries[i], m.flags)
	}
	if changed {
		keep := make(map[string]cached, len(msgs))
		for _, m := range msgs {
			if e, ok := c[m.key]; ok {
				keep[m.key] = e
			}
		}
		// The cache is only an optimization: failing to save it must not
		// fail the listing.
		_ = saveCache(dir, keep)
	}
	return entries
}

func setFlags(e *Entry, flags string) {
	e.Seen = strings.IndexByte(flags, 'S') >= 0
	e.Flagged = strings.IndexByte(flags, 'F') >= 0
	e.Answered = strings.IndexByte(flags, 'R') >= 0
	e.Draft = strings.IndexByte(flags, 'D') >= 0
	e.Trashed = strings.IndexByte(flags, 'T') >= 0
}

// sortEntries orders entries by key then message key, reversed when desc.
func sortEntries(entries []Entry, key SortKey, desc bool) {
	var fold []string
	if key == SortFrom || key == SortSubject {
		fold = make([]string, len(entries))
		for i := range entries {
			if key == SortFrom {
				fold[i] = strings.ToLower(entries[i].From)
			} else {
				fold[i] = strings.ToLower(entries[i].Subject)
			}
		}
	}
	idx := make([]int, len(entries))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		ea, eb := &entries[a], &entries[b]
		c := 0
		switch key {
		case SortDate:
			c = ea.Date.Compare(eb.Date)
		case SortSize:
			c = cmp.Compare(ea.Size, eb.Size)
		default:
			c = strings.Compare(fold[a], fold[b])
		}
		if c == 0 {
			c = strings.Compare(ea.Key, eb.Key)
		}
		if desc {
			c = -c
		}
		return c
	})
	sorted := make([]Entry, len(entries))
	for i, j := range idx {
		sorted[i] = entries[j]
	}
	copy(entries, sorted)
}
