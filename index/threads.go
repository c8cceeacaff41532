package index

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"postern/maildir"
)

// MaxThread bounds the messages of one conversation shown.
const MaxThread = 200

// ThreadMsg is one message of a conversation in reading order.
type ThreadMsg struct {
	Folder string
	maildir.Entry
	Depth int
}

// Thread returns the conversation of message key of folder: the messages
// of the same thread in that folder and in the Sent folder, in RFC 5256
// order (oldest root first, replies under their parent).
func (x *Index) Thread(folder, key string) ([]ThreadMsg, error) {
	var th string
	err := x.db.QueryRow(`SELECT thread FROM msgs WHERE folder = ? AND key = ?`, folder, key).Scan(&th)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &maildir.NotFoundError{Folder: folder, Key: key}
	}
	if err != nil {
		return nil, fmt.Errorf("index: thread: %w", err)
	}
	if th == "" { // not read yet: the message alone
		th = "\x00none"
	}
	rs, err := x.db.Query(`SELECT `+entryCols+`, msgid, refs FROM msgs
		WHERE (thread = ? AND folder IN (?, ?)) OR (folder = ? AND key = ?) ORDER BY date LIMIT ?`,
		th, folder, x.Sent, folder, key, MaxThread)
	if err != nil {
		return nil, fmt.Errorf("index: thread: %w", err)
	}
	defer rs.Close()
	var in []ThreadInput
	for rs.Next() {
		var r row
		var date int64
		var flags, msgid, refs string
		if err := rs.Scan(&r.id, &r.folder, &r.Key, &flags, &r.Size, &date, &r.From, &r.Subject,
			&r.HasAttachment, &r.Malformed, &r.done, &msgid, &refs); err != nil {
			return nil, fmt.Errorf("index: thread: %w", err)
		}
		if date != 0 {
			r.Date = time.Unix(date, 0)
		}
		setFlags(&r.Entry, flags)
		m := &ThreadMsg{Folder: r.folder, Entry: r.Entry}
		in = append(in, ThreadInput{MessageID: msgid, Refs: strings.Fields(refs), Subject: r.Subject, Date: r.Date, Ref: m})
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("index: thread: %w", err)
	}
	var out []ThreadMsg
	for _, f := range Flatten(BuildThreads(in)) {
		m := f.Msg.Ref.(*ThreadMsg)
		m.Depth = f.Depth
		out = append(out, *m)
	}
	return out, nil
}

func setFlags(e *maildir.Entry, flags string) {
	e.Seen = strings.IndexByte(flags, 'S') >= 0
	e.Flagged = strings.IndexByte(flags, 'F') >= 0
	e.Answered = strings.IndexByte(flags, 'R') >= 0
	e.Draft = strings.IndexByte(flags, 'D') >= 0
	e.Trashed = strings.IndexByte(flags, 'T') >= 0
}

// ThreadRow is one conversation of a folder's list by thread: its latest
// message, how many messages it has in the folder and how many are unread.
type ThreadRow struct {
	maildir.Entry
	Count, Unread int
}

// Threads returns one page of a folder's conversations, the most recently
// active first, and how many there are: of the messages read so far (a
// message not read yet has no known conversation; Progress tells). The conversations, their counts
// and their last dates are kept in the threads table (the triggers of
// msgs), read in order through threads_last; then the latest message of
// each conversation on the page. The cost follows the page, not the
// folder.
func (x *Index) Threads(folder string, offset, limit int) ([]ThreadRow, int, error) {
	var total int
	err := x.db.QueryRow(`SELECT threads FROM counts WHERE folder = ?`, folder).Scan(&total)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, 0, fmt.Errorf("index: threads: %w", err)
	}
	rs, err := x.db.Query(`SELECT thread, last, n, unread FROM threads INDEXED BY threads_last
		WHERE folder = ? ORDER BY last DESC, thread LIMIT ? OFFSET ?`,
		folder, max(limit, 1), max(offset, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("index: threads: %w", err)
	}
	type group struct {
		thread        string
		count, unread int
	}
	var groups []group
	for rs.Next() {
		var g group
		var last int64
		if err := rs.Scan(&g.thread, &last, &g.count, &g.unread); err != nil {
			rs.Close()
			return nil, 0, fmt.Errorf("index: threads: %w", err)
		}
		groups = append(groups, g)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, 0, fmt.Errorf("index: threads: %w", err)
	}
	out := make([]ThreadRow, 0, len(groups))
	for _, g := range groups {
		// Through the conversation's own rows: by msgs_date, SQLite
		// would walk the folder's newest messages until one is of it.
		rs, err := x.db.Query(`SELECT `+entryCols+` FROM msgs INDEXED BY msgs_folder_thread
			WHERE folder = ? AND thread = ? AND done = 1 ORDER BY date DESC, key DESC LIMIT 1`, folder, g.thread)
		if err != nil {
			return nil, 0, fmt.Errorf("index: threads: %w", err)
		}
		if rs.Next() {
			r, err := scanEntry(rs)
			if err != nil {
				rs.Close()
				return nil, 0, fmt.Errorf("index: threads: %w", err)
			}
			out = append(out, ThreadRow{Entry: r.Entry, Count: g.count, Unread: g.unread})
		}
		rs.Close()
	}
	return out, total, nil
}
