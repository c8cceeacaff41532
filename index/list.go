package index

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"postern/maildir"
)

// entryCols are the columns scanEntry reads, in its order.
const entryCols = `id, folder, key, flags, size, date, sender, subject, attach, malformed, done`

// row is a message row as read.
type row struct {
	id     int64
	folder string
	done   int
	maildir.Entry
}

func scanEntry(rs *sql.Rows) (row, error) {
	var r row
	var date int64
	var flags string
	err := rs.Scan(&r.id, &r.folder, &r.Key, &flags, &r.Size, &date, &r.From, &r.Subject, &r.HasAttachment, &r.Malformed, &r.done)
	if date != 0 {
		r.Date = time.Unix(date, 0)
	}
	setFlags(&r.Entry, flags)
	return r, err
}

// sortColumn maps a sort key to its column.
func sortColumn(k maildir.SortKey) string {
	switch k {
	case maildir.SortFrom:
		return "sender_fold"
	case maildir.SortSubject:
		return "subject_fold"
	case maildir.SortSize:
		return "size"
	}
	return "date"
}

// Count returns the number of messages of a folder.
func (x *Index) Count(folder string) (int, error) {
	var n int
	err := x.db.QueryRow(`SELECT n FROM counts WHERE folder = ?`, folder).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("index: count: %w", err)
	}
	return n, nil
}

// FolderCount is what the index holds of a folder.
type FolderCount struct{ Total, Unread int }

// FolderCounts returns the message and unread counts of every folder the
// index knows, as of its last Update.
func (x *Index) FolderCounts() (map[string]FolderCount, error) {
	rows, err := x.db.Query(`SELECT folder, n, unread FROM counts`)
	if err != nil {
		return nil, fmt.Errorf("index: counts: %w", err)
	}
	defer rows.Close()
	out := map[string]FolderCount{}
	for rows.Next() {
		var f string
		var c FolderCount
		if err := rows.Scan(&f, &c.Total, &c.Unread); err != nil {
			return nil, fmt.Errorf("index: counts: %w", err)
		}
		out[f] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("index: counts: %w", err)
	}
	return out, nil
}

// List returns one page of a folder as the maildir package's List does
// (sorted by key, ties by message key, reversed when desc) with the total.
// Messages of the folder whose list columns are still those of their
// file name are read first (readHeads), so that the order is the same
// at every stage of extraction. The page's rows are found through the
// sort column's index; a page past the middle is read from the other
// end, so every page costs the same. pending is the number of the page's
// messages whose text is not indexed yet.
func (x *Index) List(folder string, key maildir.SortKey, desc bool, offset, limit int) (page []maildir.Entry, total, pending int, err error) {
	if err := x.readHeads(folder); err != nil {
		return nil, 0, 0, err
	}
	total, err = x.Count(folder)
	if err != nil {
		return nil, 0, 0, err
	}
	offset = max(offset, 0)
	if limit <= 0 {
		limit = total
	}
	if offset >= total {
		return []maildir.Entry{}, total, 0, nil
	}
	limit = min(limit, total-offset)
	reverse := offset > total/2
	dir := desc
	off := offset
	if reverse {
		dir = !desc
		off = total - offset - limit
	}
	order := "ASC"
	if dir {
		order = "DESC"
	}
	col := sortColumn(key)
	q := fmt.Sprintf(`SELECT %s FROM msgs WHERE id IN (SELECT id FROM msgs WHERE folder = ? ORDER BY %s %s, key %s LIMIT ? OFFSET ?)`,
		entryCols, col, order, order)
	rs, err := x.db.Query(q, folder, limit, off)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("index: list: %w", err)
	}
	defer rs.Close()
	var rows []row
	for rs.Next() {
		r, err := scanEntry(rs)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("index: list: %w", err)
		}
		rows = append(rows, r)
	}
	if err := rs.Err(); err != nil {
		return nil, 0, 0, fmt.Errorf("index: list: %w", err)
	}
	sortRows(rows, key, desc)
	page = make([]maildir.Entry, len(rows))
	for i, r := range rows {
		page[i] = r.Entry
		if r.done == 0 {
			pending++
		}
	}
	return page, total, pending, nil
}

// sortRows orders a page as SQLite did (lower-cased text columns, ties by
// key), reversed when desc.
func sortRows(rows []row, key maildir.SortKey, desc bool) {
	slices.SortFunc(rows, func(a, b row) int {
		c := 0
		switch key {
		case maildir.SortFrom:
			c = strings.Compare(strings.ToLower(a.From), strings.ToLower(b.From))
		case maildir.SortSubject:
			c = strings.Compare(strings.ToLower(a.Subject), strings.ToLower(b.Subject))
		case maildir.SortSize:
			c = cmpInt(a.Size, b.Size)
		default:
			c = cmpInt(a.Date.Unix(), b.Date.Unix())
			if a.Date.IsZero() != b.Date.IsZero() {
				c = cmpInt(unixOrZero(a.Date), unixOrZero(b.Date))
			}
		}
		if c == 0 {
			c = strings.Compare(a.Key, b.Key)
		}
		if desc {
			c = -c
		}
		return c
	})
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
