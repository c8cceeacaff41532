package index

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Change is what a change of the app's own did to the cur/ of each
// folder it touched (by display name): by message key, the name in cur/
// of every message it renamed, moved in or left as it was, and "" for
// every message it removed from the folder.
type Change map[string]map[string]string

// Own runs change, a change this process makes itself to the files of the
// cur/ of folders (flags set, messages moved from one folder to another or
// deleted), and keeps the index in step with it, so that the next request
// does not read those cur/ again as after a change by another program (at
// 100,000 messages, half a second of CPU). change reports what it did.
//
// For each folder whose cur/ was in step before the change (its time the
// recorded one), the rows of the keys change reports take their new
// names and flags, are added (as by a scan: read later) or go, and the
// time the change gave cur/ is recorded (ownTime); all of that only when
// change returned no error and the writer lock was free: Own never waits
// for it. Otherwise Own only runs change, and the next scan reads cur/ as
// before. A change by another program to the same cur/ in the same clock
// tick as change is seen at the next change of cur/ (see ownTime).
//
// The error is change's; an error of the index after it is not returned
// (the next scan repairs what it left).
func (x *Index) Own(folders []string, change func() (Change, error)) error {
	unlock, ok := x.tryLock()
	if !ok {
		_, err := change()
		return err
	}
	defer unlock()
	inStep := map[string]string{} // folder -> its cur/
	for _, f := range folders {
		dir, err := x.store.FolderDir(f)
		if err != nil {
			continue
		}
		cur := filepath.Join(dir, "cur")
		before, err := mtime(cur)
		var rec int64
		qerr := x.db.QueryRow(`SELECT mtime FROM dirs WHERE folder = ? AND sub = 'cur'`, f).Scan(&rec)
		if err == nil && qerr == nil && rec != 0 && rec == before {
			inStep[f] = cur
		}
	}
	c, err := change()
	if err != nil {
		return err
	}
	for f, cur := range inStep {
		x.owned(f, cur, c[f])
	}
	return nil
}

// owned brings the rows of names in step with their files in folder's
// cur/ and records cur/'s time, or 0 (read it again) when anything fails.
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
