package index

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Own runs change, a change this process makes itself to the files of
// folder's cur/ (flags set on messages, messages moved away or deleted;
// not messages added), and keeps the index in step with it, so that the
// next request does not read cur/ again as after a change by another
// program (at 100,000 messages, half a second of CPU). change reports, by
// key, the name in cur/ of every message it renamed or left as it was,
// and "" for every message it removed from the folder.
//
// The rows of those keys take their new names and flags (or go), and the
// time the change gave cur/ is recorded (ownTime), all only when cur/ was
// in step before the change (its time the recorded one), change returned
// no error, and the writer lock was free: Own never waits for it. Else
// Own only runs change, and the next scan reads cur/ as before. A change
// by another program to the same cur/ in the same clock tick as change is
// seen at the next change of cur/ (see ownTime).
//
// The error is change's; an error of the index after it is not returned
// (the next scan repairs what it left).
func (x *Index) Own(folder string, change func() (map[string]string, error)) error {
	unlock, ok := x.tryLock()
	if !ok {
		_, err := change()
		return err
	}
	defer unlock()
	dir, derr := x.store.FolderDir(folder)
	cur := filepath.Join(dir, "cur")
	before, merr := mtime(cur)
	var rec int64
	qerr := x.db.QueryRow(`SELECT mtime FROM dirs WHERE folder = ? AND sub = 'cur'`, folder).Scan(&rec)
	names, err := change()
	if err != nil || derr != nil || merr != nil || qerr != nil || rec == 0 || rec != before {
		return err
	}
	x.owned(folder, cur, names)
	return nil
}

// owned brings the rows of names in step with their files and records
// cur/'s time, or 0 (read it again) when anything fails.
func (x *Index) owned(folder, cur string, names map[string]string) {
	t := ownTime(cur)
	tx, err := x.db.Begin()
	if err != nil {
		return
	}
	defer tx.Rollback()
	for key, name := range names {
		if err = ownRow(tx, folder, cur, key, name); err != nil {
			t = 0
			break
		}
	}
	if _, err := tx.Exec(`INSERT OR REPLACE INTO dirs(folder, sub, mtime) VALUES(?, 'cur', ?)`, folder, t); err != nil {
		return
	}
	tx.Commit()
}

// ownRow makes the row of key match its file name in cur/, or removes it
// when name is "".
func ownRow(tx *sql.Tx, folder, cur, key, name string) error {
	if name == "" {
		var id int64
		var done int
		err := tx.QueryRow(`SELECT id, done FROM msgs WHERE folder = ? AND key = ?`, folder, key).Scan(&id, &done)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("index: own %q: %w", folder, err)
		}
		return deleteRow(tx, id, done)
	}
	res, err := tx.Exec(`UPDATE msgs SET name = ?, sub = 'cur', flags = ?,
		done = CASE WHEN done = 2 THEN 0 ELSE done END, head = CASE WHEN head = 2 THEN 0 ELSE head END
		WHERE folder = ? AND key = ? AND name <> ?`, name, flagsOf(name), folder, key, name)
	if err != nil {
		return fmt.Errorf("index: own %q: %w", folder, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	// No row changed: it has that name already, or there is none (a
	// message of new/ that the change moved to cur/).
	return insertFile(tx, folder, cur, key, name)
}

// tryLock takes the writer lock if it is free.
func (x *Index) tryLock() (unlock func(), ok bool) {
	f, err := os.OpenFile(x.path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, false
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, true
}
