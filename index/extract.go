package index

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// extractBatch is the number of messages read per transaction.
const extractBatch = 256

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
	w, err := x.newStmts()
	if err != nil {
		return err
	}
	defer w.close()
	fr := x.newFileReader()
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
		w.begin(tx)
		for _, t := range todo {
			dir, ok := dirs[t.folder]
			if !ok {
				dir, _ = x.store.FolderDir(t.folder)
				dirs[t.folder] = dir
			}
			if err := x.extractOne(w, fr, dir, t); err != nil {
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

// extractOne reads one message and stores its columns and text. A file
// that cannot be opened (moved meanwhile) is marked done = 2 and read
// again when a scan sees it renamed.
func (x *Index) extractOne(w *stmts, fr *fileReader, dir string, t todoRow) error {
	d, err := fr.read(filepath.Join(dir, t.sub, t.name))
	if err != nil {
		if _, err := w.st[stGone].Exec(t.id); err != nil {
			return fmt.Errorf("index: extract: %w", err)
		}
		return nil
	}
	base, reply := baseSubject(d.Subject)
	thread, err := threadKey(w, d, t, base, reply)
	if err != nil {
		return err
	}
	var date int64
	if !d.Date.IsZero() {
		date = d.Date.Unix()
	} else {
		date = keyTime(t.key)
	}
	_, err = w.st[stUpdate].Exec(d.size, date, d.From, strings.ToLower(d.From), d.Subject, strings.ToLower(d.Subject),
		base, d.HasAttachment, d.Malformed, d.msgid, strings.Join(d.refs, " "), thread, t.id)
	if err != nil {
		return fmt.Errorf("index: extract: %w", err)
	}
	_, err = w.st[stText].Exec(t.id, d.Subject, d.senderText(), d.rcpt, d.body, d.attachment)
	if err != nil {
		return fmt.Errorf("index: extract: %w", err)
	}
	return nil
}
