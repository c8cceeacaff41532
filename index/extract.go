package index

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"postern/message"
)

// extractBatch is the number of messages read per transaction.
const extractBatch = 64

// Progress says how far extraction has come.
type Progress struct {
	Indexed, Total int
}

// Done reports whether every message is indexed.
func (p Progress) Done() bool { return p.Indexed >= p.Total }

// Update scans the Maildir (always) and then indexes messages not yet
// read until budget has passed (budget <= 0: all of them). It holds the
// writer lock while it works.
func (x *Index) Update(budget time.Duration) (Progress, error) {
	start := time.Now()
	if busy, err := x.changed(); err == nil && !busy {
		return x.Progress()
	}
	err := x.withLock(func() error {
		if err := x.scan(); err != nil {
			return err
		}
		return x.extract(start, budget, "")
	})
	p, perr := x.Progress()
	return p, errors.Join(err, perr)
}

// Finish indexes the rest of a folder when at most most of its messages
// are not read yet, whatever the time budget, so that a small folder's
// list is in its final order at once. It reports whether the folder is
// complete.
func (x *Index) Finish(folder string, most int) (bool, error) {
	var n int
	if err := x.db.QueryRow(`SELECT count(*) FROM msgs INDEXED BY msgs_todo_folder WHERE done = 0 AND folder = ?`, folder).Scan(&n); err != nil {
		return false, fmt.Errorf("index: finish: %w", err)
	}
	if n == 0 {
		return true, nil
	}
	if n > most {
		return false, nil
	}
	err := x.withLock(func() error { return x.extract(time.Now(), 0, folder) })
	return err == nil, err
}

// Progress counts indexed and known messages (read and unreadable ones
// count as indexed).
func (x *Index) Progress() (Progress, error) {
	var p Progress
	var todo int
	if err := x.db.QueryRow(`SELECT coalesce(sum(n), 0) FROM counts`).Scan(&p.Total); err != nil {
		return p, fmt.Errorf("index: progress: %w", err)
	}
	if err := x.db.QueryRow(`SELECT count(*) FROM msgs INDEXED BY msgs_todo WHERE done = 0`).Scan(&todo); err != nil {
		return p, fmt.Errorf("index: progress: %w", err)
	}
	p.Indexed = p.Total - todo
	return p, nil
}

// todoRow is a message to read.
type todoRow struct {
	id                int64
	folder, sub, name string
	key               string
}

// extract reads messages not yet indexed, newest first, batch by batch
// until the budget is spent.
func (x *Index) extract(start time.Time, budget time.Duration, folder string) error {
	dirs := map[string]string{}
	for budget <= 0 || time.Since(start) < budget {
		todo, err := x.todo(folder)
		if err != nil || len(todo) == 0 {
			return err
		}
		tx, err := x.db.Begin()
		if err != nil {
			return fmt.Errorf("index: extract: %w", err)
		}
		for _, t := range todo {
			dir, ok := dirs[t.folder]
			if !ok {
				dir, _ = x.store.FolderDir(t.folder)
				dirs[t.folder] = dir
			}
			if err := x.extractOne(tx, dir, t); err != nil {
				tx.Rollback()
				return err
			}
			if budget > 0 && time.Since(start) >= budget {
				break
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("index: extract: %w", err)
		}
	}
	return nil
}

func (x *Index) todo(folder string) ([]todoRow, error) {
	q := `SELECT id, folder, sub, name, key FROM msgs INDEXED BY msgs_todo WHERE done = 0 ORDER BY date DESC LIMIT ?`
	args := []any{extractBatch}
	if folder != "" {
		q = `SELECT id, folder, sub, name, key FROM msgs INDEXED BY msgs_todo_folder WHERE done = 0 AND folder = ? ORDER BY date DESC LIMIT ?`
		args = []any{folder, extractBatch}
	}
	rows, err := x.db.Query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("index: extract: %w", err)
	}
	defer rows.Close()
	var out []todoRow
	for rows.Next() {
		var t todoRow
		if err := rows.Scan(&t.id, &t.folder, &t.sub, &t.name, &t.key); err != nil {
			return nil, fmt.Errorf("index: extract: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// doc is what is kept of one message.
type doc struct {
	message.Summary
	size                   int64
	msgid                  string
	refs                   []string // References then In-Reply-To, oldest first
	rcpt, body, attachment string
	senderAll              string // name and address of the From
}

func (d *doc) senderText() string {
	if d.senderAll != "" {
		return d.senderAll
	}
	return d.From
}

// extractOne reads one message and stores its columns and text. A file
// that cannot be opened (moved meanwhile) is marked done = 2 and read
// again when a scan sees it renamed.
func (x *Index) extractOne(tx *sql.Tx, dir string, t todoRow) error {
	d, err := x.read(filepath.Join(dir, t.sub, t.name))
	if err != nil {
		_, err = tx.Exec(`UPDATE msgs SET done = 2 WHERE id = ?`, t.id)
		if err != nil {
			return fmt.Errorf("index: extract: %w", err)
		}
		return nil
	}
	base, reply := baseSubject(d.Subject)
	thread, err := threadKey(tx, d, t, base, reply)
	if err != nil {
		return err
	}
	var date int64
	if !d.Date.IsZero() {
		date = d.Date.Unix()
	} else {
		date = keyTime(t.key)
	}
	_, err = tx.Exec(`UPDATE msgs SET size = ?, date = ?, sender = ?, sender_fold = ?, subject = ?, subject_fold = ?,
		base = ?, attach = ?, malformed = ?, msgid = ?, refs = ?, thread = ?, done = 1 WHERE id = ?`,
		d.size, date, d.From, strings.ToLower(d.From), d.Subject, strings.ToLower(d.Subject),
		base, d.HasAttachment, d.Malformed, d.msgid, strings.Join(d.refs, " "), thread, t.id)
	if err != nil {
		return fmt.Errorf("index: extract: %w", err)
	}
	_, err = tx.Exec(`INSERT INTO fts(rowid, subject, sender, rcpt, body, attach) VALUES(?, ?, ?, ?, ?, ?)`,
		t.id, d.Subject, d.senderText(), d.rcpt, d.body, d.attachment)
	if err != nil {
		return fmt.Errorf("index: extract: %w", err)
	}
	return nil
}

// read parses one message file within the limits.
func (x *Index) read(path string) (*doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	lim := x.Limits
	if lim.MaxMessageBytes <= 0 {
		lim.MaxMessageBytes = DefaultLimits.MaxMessageBytes
	}
	if lim.MaxPartText <= 0 {
		lim.MaxPartText = DefaultLimits.MaxPartText
	}
	d := &doc{size: fi.Size()}
	d.Summary = message.Summarize(io.LimitReader(f, lim.MaxMessageBytes))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	v := message.Parse(io.LimitReader(f, lim.MaxMessageBytes), message.Limits{MaxTextBytes: lim.MaxPartText})
	d.fill(v)
	return d, nil
}

// fill takes the headers, text and attachment names of a parsed message.
func (d *doc) fill(v *message.View) {
	d.msgid = v.MessageID
	var refs, irt []string
	for _, h := range v.Headers {
		switch strings.ToLower(h.Name) {
		case "references":
			refs = append(refs, messageIDs(h.Value)...)
		case "in-reply-to":
			irt = append(irt, messageIDs(h.Value)...)
		}
	}
	// RFC 5256 REFERENCES step 1A: References, else the first id of
	// In-Reply-To; a parent given only by In-Reply-To is added last.
	if len(irt) > 0 && (len(refs) == 0 || refs[len(refs)-1] != irt[0]) {
		refs = append(refs, irt[0])
	}
	if len(refs) > maxRefs {
		refs = append(refs[:1], refs[len(refs)-maxRefs+1:]...)
	}
	d.refs = refs
	var rc []string
	for _, a := range append(append([]message.Address{}, v.To...), v.Cc...) {
		rc = append(rc, a.Name, a.Addr)
	}
	d.rcpt = strings.Join(rc, " ")
	if len(v.From) > 0 {
		d.senderAll = v.From[0].Name + " " + v.From[0].Addr
	}
	d.body = v.BodyText()
	var names []string
	for _, a := range v.Attachments {
		if a.Filename != "" {
			names = append(names, a.Filename)
		}
	}
	d.attachment = strings.Join(names, " ")
}
