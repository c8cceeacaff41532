package index

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// The statements of extraction, in the order of stmtSQL.
const (
	stGone            = iota // a file gone: read it again when it shows up
	stHead                   // a message's list columns, unless final already
	stUpdate                 // its other columns
	stText                   // its text
	stThreadByID             // the thread of a message-id (threadKey)
	stThreadBySubject        // the thread of the last message with a base subject
	stCount
)

// stmtSQL holds the text of the statements of extraction.
var stmtSQL = [stCount]string{
	stGone:   `UPDATE msgs SET done = 2 WHERE id = ?`,
	stHead:   headSQL,
	stUpdate: `UPDATE msgs SET base = ?, msgid = ?, refs = ?, thread = ?, done = 1 WHERE id = ?`,
	stText:   `INSERT INTO fts(rowid, subject, sender, rcpt, body, attach) VALUES(?, ?, ?, ?, ?, ?)`,
	// "msgid <> ''" lets SQLite use the partial index msgs_msgid.
	stThreadByID:      `SELECT thread FROM msgs WHERE msgid = ? AND msgid <> '' AND thread <> '' LIMIT 1`,
	stThreadBySubject: `SELECT thread FROM msgs WHERE base = ? AND base <> '' AND thread <> '' AND id <> ? ORDER BY date DESC LIMIT 1`,
}

// stmts holds the statements of extraction: prepared once per Update
// (SQLite parses them once) and bound to each batch's transaction.
type stmts struct {
	prepared [stCount]*sql.Stmt
	st       [stCount]*sql.Stmt // bound to the current transaction
}

func (x *Index) newStmts() (*stmts, error) {
	w := &stmts{}
	for i, q := range stmtSQL {
		st, err := x.db.Prepare(q)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("index: extract: %w", err)
		}
		w.prepared[i] = st
	}
	return w, nil
}

// begin binds the statements to the transaction of the next batch; the
// transaction's end releases them.
func (w *stmts) begin(tx *sql.Tx) {
	for i, st := range w.prepared {
		w.st[i] = tx.Stmt(st)
	}
}

func (w *stmts) close() error {
	var errs []error
	for _, st := range w.prepared {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// write stores the columns and text of one message. A file that could
// not be read (d nil: moved meanwhile) is marked done = 2 and read again
// when a scan sees it renamed.
func (w *stmts) write(t todoRow, d *doc) error {
	if d == nil {
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
	// The list columns first: the thread joins its conversation (a
	// trigger on done) with its final date.
	if _, err := w.st[stHead].Exec(headArgs(t.id, t.key, d.size, d.Summary)...); err != nil {
		return fmt.Errorf("index: extract: %w", err)
	}
	_, err = w.st[stUpdate].Exec(base, d.msgid, strings.Join(d.refs, " "), thread, t.id)
	if err != nil {
		return fmt.Errorf("index: extract: %w", err)
	}
	_, err = w.st[stText].Exec(t.id, d.Subject, d.senderText(), d.rcpt, d.body, d.attachment)
	if err != nil {
		return fmt.Errorf("index: extract: %w", err)
	}
	return nil
}
