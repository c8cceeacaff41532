package index

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"postern/message"
)

// A row's list columns (size, date, sender, subject and their folded
// forms, attach, malformed) are what the list sorts by and shows. The
// scan fills them from the file name; they become final when the
// message is read, by List before it lists the folder (readHeads) or by
// extraction, whichever comes first, and never change after that: the
// column head says which rows are final.
const (
	headName  = 0 // from the file name only
	headFinal = 1 // read from the message
	headGone  = 2 // the file could not be read: from its name until a scan sees it renamed
)

// headBatch is the number of messages readHeads reads per transaction.
const headBatch = 512

// headSQL writes a message's list columns unless they are final already.
const headSQL = `UPDATE msgs SET size = ?, date = ?, sender = ?, sender_fold = ?, subject = ?, subject_fold = ?,
	attach = ?, malformed = ?, head = 1 WHERE id = ? AND head <> 1`

// headArgs are the arguments of headSQL for a message of key whose file
// has size bytes and reads as s. A message without a readable Date is
// dated by its delivery time (the key's leading Unix time).
func headArgs(id int64, key string, size int64, s message.Summary) []any {
	date := keyTime(key)
	if !s.Date.IsZero() {
		date = s.Date.Unix()
	}
	return []any{size, date, s.From, strings.ToLower(s.From), s.Subject, strings.ToLower(s.Subject),
		s.HasAttachment, s.Malformed, id}
}

// readHeads makes the list columns of every message of folder final, so
// that the folder's order is the one it has once fully indexed, whatever
// extraction has read so far. Each message not read yet is summarized
// (message.Summarize of the same first Limits.MaxMessageBytes bytes that
// extraction reads: the same values, as message.Digest promises). When
// every row is final already it costs one look-up and takes no lock.
func (x *Index) readHeads(folder string) error {
	var one int
	err := x.db.QueryRow(`SELECT 1 FROM msgs INDEXED BY msgs_heads WHERE folder = ? AND head = 0 LIMIT 1`, folder).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("index: read headers of %q: %w", folder, err)
	}
	return x.withLock(func() error {
		dir, err := x.store.FolderDir(folder)
		if err != nil {
			return fmt.Errorf("index: read headers of %q: %w", folder, err)
		}
		restore, err := x.bulk()
		if err != nil {
			return err
		}
		defer restore()
		fr := x.newFileReader()
		for {
			todo, err := x.headTodo(folder)
			if err != nil || len(todo) == 0 {
				return err
			}
			if err := x.writeHeads(dir, fr, todo); err != nil {
				return err
			}
		}
	})
}

// headTodo returns at most headBatch rows of folder whose list columns
// are from the name.
func (x *Index) headTodo(folder string) ([]todoRow, error) {
	rows, err := x.db.Query(`SELECT id, sub, name, key FROM msgs INDEXED BY msgs_heads WHERE folder = ? AND head = 0 LIMIT ?`, folder, headBatch)
	if err != nil {
		return nil, fmt.Errorf("index: read headers of %q: %w", folder, err)
	}
	defer rows.Close()
	var out []todoRow
	for rows.Next() {
		t := todoRow{folder: folder}
		if err := rows.Scan(&t.id, &t.sub, &t.name, &t.key); err != nil {
			return nil, fmt.Errorf("index: read headers of %q: %w", folder, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// writeHeads reads and stores the list columns of todo in one
// transaction; a file that cannot be read is marked headGone.
func (x *Index) writeHeads(dir string, fr *fileReader, todo []todoRow) error {
	tx, err := x.db.Begin()
	if err != nil {
		return fmt.Errorf("index: read headers: %w", err)
	}
	defer tx.Rollback()
	head, err := tx.Prepare(headSQL)
	if err != nil {
		return fmt.Errorf("index: read headers: %w", err)
	}
	defer head.Close()
	gone, err := tx.Prepare(`UPDATE msgs SET head = 2 WHERE id = ?`)
	if err != nil {
		return fmt.Errorf("index: read headers: %w", err)
	}
	defer gone.Close()
	for _, t := range todo {
		data, size, err := readHead(filepath.Join(dir, t.sub, t.name), &fr.buf, fr.lim.MaxMessageBytes)
		if err != nil {
			_, err = gone.Exec(t.id)
		} else {
			_, err = head.Exec(headArgs(t.id, t.key, size, message.Summarize(bytes.NewReader(data)))...)
		}
		if err != nil {
			return fmt.Errorf("index: read headers: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("index: read headers: %w", err)
	}
	return nil
}
