package index

import (
	"cmp"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"time"
)

// Extraction reads a batch of messages, then writes it in one
// transaction: each step keeps its own data in the processor's caches.
const (
	// extractBatch is the number of messages per batch, and budgetBatch
	// that of a run with a time budget: the budget is checked while
	// reading, so the writing of the last batch comes on top of it.
	extractBatch = 512
	budgetBatch  = 64
	// maxBatchText bounds the text of a batch held in memory between
	// reading and writing (one message may exceed it on its own).
	maxBatchText = 8 << 20
	// writeCache is SQLite's page cache while Update and Finish write, in
	// KiB, and writeCheckpoint the pages the write-ahead log may hold
	// before they are copied to the database: a new message goes into a
	// dozen b-trees at places all over them, so a small cache reads and
	// writes the same pages again and again.
	writeCache      = 16 << 10
	writeCheckpoint = 8000
)

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
		restore, err := x.bulk()
		if err != nil {
			return err
		}
		defer restore()
		if err := x.scan(); err != nil {
			return err
		}
		return x.extract(start, budget, "")
	})
	p, perr := x.Progress()
	return p, errors.Join(err, perr)
}

// Finish indexes the rest of a folder when at most most of its messages
// are not read yet, whatever the time budget, so that a small folder is
// searched and listed by conversation in full at once (its list by
// message is in its final order anyway: see List). It reports whether
// the folder is complete.
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
	err := x.withLock(func() error {
		restore, err := x.bulk()
		if err != nil {
			return err
		}
		defer restore()
		return x.extract(time.Now(), 0, folder)
	})
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
	batch := extractBatch
	if budget > 0 {
		batch = budgetBatch
	}
	dirs := map[string]string{}
	for budget <= 0 || time.Since(start) < budget {
		todo, err := x.todo(folder, batch)
		if err != nil || len(todo) == 0 {
			return err
		}
		var docs []*doc
		text := 0
		for _, t := range todo {
			dir, ok := dirs[t.folder]
			if !ok {
				dir, _ = x.store.FolderDir(t.folder)
				dirs[t.folder] = dir
			}
			d, err := fr.read(filepath.Join(dir, t.sub, t.name))
			if err != nil {
				d = nil // gone: see write
			} else {
				text += len(d.body)
			}
			docs = append(docs, d)
			if budget > 0 && time.Since(start) >= budget || text >= maxBatchText {
				break
			}
		}
		if err := x.writeBatch(w, todo[:len(docs)], docs); err != nil {
			return err
		}
	}
	return nil
}

// bulk sets the page cache and the checkpoint size for writing many
// rows (writeCache, writeCheckpoint); restore sets them back.
func (x *Index) bulk() (restore func(), err error) {
	var cache, checkpoint int64
	if err := x.db.QueryRow(`PRAGMA cache_size`).Scan(&cache); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	if err := x.db.QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&checkpoint); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	set := func(c, w int64) error {
		if _, err := x.db.Exec(fmt.Sprintf(`PRAGMA cache_size = %d`, c)); err != nil {
			return fmt.Errorf("index: %w", err)
		}
		if _, err := x.db.Exec(fmt.Sprintf(`PRAGMA wal_autocheckpoint = %d`, w)); err != nil {
			return fmt.Errorf("index: %w", err)
		}
		return nil
	}
	if err := set(-writeCache, writeCheckpoint); err != nil {
		return nil, err
	}
	return func() { set(cache, checkpoint) }, nil
}

// writeBatch stores the messages read, in one transaction, in the order
// of their ids: FTS5 writes its pending terms out as a new segment
// whenever a rowid is lower than the one before (newest first would make
// one segment per message, and merging them would cost more than the
// rest of the indexing).
func (x *Index) writeBatch(w *stmts, todo []todoRow, docs []*doc) error {
	order := make([]int, len(todo))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(todo[a].id, todo[b].id) })
	tx, err := x.db.Begin()
	if err != nil {
		return fmt.Errorf("index: extract: %w", err)
	}
	w.begin(tx)
	for _, i := range order {
		if err := w.write(todo[i], docs[i]); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("index: extract: %w", err)
	}
	return nil
}

// todo returns at most n messages not yet read, newest first.
func (x *Index) todo(folder string, n int) ([]todoRow, error) {
	q := `SELECT id, folder, sub, name, key FROM msgs INDEXED BY msgs_todo WHERE done = 0 ORDER BY date DESC LIMIT ?`
	args := []any{n}
	if folder != "" {
		q = `SELECT id, folder, sub, name, key FROM msgs INDEXED BY msgs_todo_folder WHERE done = 0 AND folder = ? ORDER BY date DESC LIMIT ?`
		args = []any{folder, n}
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
