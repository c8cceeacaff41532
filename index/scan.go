package index

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"postern/maildir"
)

// dirKey names one scanned directory.
type dirKey struct{ folder, sub string }

// scan brings the rows in step with the files (step 1 of Update). The
// caller holds the writer lock.
func (x *Index) scan() error {
	folders, err := x.store.FolderNames()
	if err != nil {
		return fmt.Errorf("index: scan: %w", err)
	}
	known, err := x.dirTimes()
	if err != nil {
		return err
	}
	present := map[string]bool{}
	var errs []error
	for _, f := range folders {
		present[f] = true
		if err := x.scanFolder(f, known); err != nil {
			errs = append(errs, err) // one broken folder never hides the rest
		}
	}
	for k := range known {
		if !present[k.folder] {
			errs = append(errs, x.dropFolder(k.folder))
		}
	}
	return errors.Join(errs...)
}

// dirTimes returns the recorded modification times of every directory.
func (x *Index) dirTimes() (map[dirKey]int64, error) {
	rows, err := x.db.Query(`SELECT folder, sub, mtime FROM dirs`)
	if err != nil {
		return nil, fmt.Errorf("index: scan: %w", err)
	}
	defer rows.Close()
	out := map[dirKey]int64{}
	for rows.Next() {
		var k dirKey
		var t int64
		if err := rows.Scan(&k.folder, &k.sub, &t); err != nil {
			return nil, fmt.Errorf("index: scan: %w", err)
		}
		out[k] = t
	}
	return out, rows.Err()
}

func mtime(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.ModTime().UnixNano(), nil
}

// trusted returns the time to record for a directory read at now: its
// modification time, or 0 (read it again) when that is too recent.
func trusted(t int64, now time.Time) int64 {
	if now.UnixNano()-t < int64(TrustAfter) {
		return 0
	}
	return t
}

// scanFolder handles new/ then cur/ of one folder.
func (x *Index) scanFolder(folder string, known map[dirKey]int64) error {
	dir, err := x.store.FolderDir(folder)
	if err != nil {
		return fmt.Errorf("index: scan %q: %w", folder, err)
	}
	curPath, newPath := filepath.Join(dir, "cur"), filepath.Join(dir, "new")
	curTime, err := mtime(curPath)
	if err != nil {
		return fmt.Errorf("index: scan %q: %w", folder, err)
	}
	newTime, err := mtime(newPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("index: scan %q: %w", folder, err)
	}
	curKnown, curSeen := known[dirKey{folder, "cur"}]
	curFresh := curSeen && curKnown == curTime && curTime != 0
	if nt, ok := known[dirKey{folder, "new"}]; !ok || nt != newTime || newTime == 0 {
		moved, raced, err := x.store.MoveNew(folder)
		if err != nil {
			return fmt.Errorf("index: scan %q: %w", folder, err)
		}
		if len(moved) > 0 && curFresh {
			// cur/ held what the index knew (its time was the recorded
			// one) plus what this scan just moved: add those rows and
			// record the time the moves gave cur/, so that the next
			// request does not read a cur/ of 100,000 names again for
			// messages it knows (ownTime). When another process moved or
			// removed a message of new/ meanwhile, read cur/ again.
			if err := x.addMoved(folder, curPath, moved); err != nil {
				return err
			}
			curTime = 0
			if !raced {
				curTime = ownTime(curPath)
			}
			if err := x.setDirTime(folder, "cur", curTime); err != nil {
				return err
			}
		}
		t, _ := mtime(newPath)
		if err := x.setDirTime(folder, "new", trusted(t, time.Now())); err != nil {
			return err
		}
	}
	if curFresh {
		return nil
	}
	now := time.Now()
	if err := x.diff(folder, curPath); err != nil {
		return err
	}
	return x.setDirTime(folder, "cur", trusted(curTime, now))
}

// ownTime is the time to record for cur/ after this process changed it
// itself, when cur/ was in step with the rows before (its time was the
// recorded one) and the rows were made to match the change: its time now,
// which a later change by another process moves, or 0 (read it again)
// when it cannot be read.
//
// Deliberate divergence from the rule of trusted: a change by another
// process to the same cur/ in the same clock tick as this process's own
// (microseconds on a kernel with fine-grained directory times, a jiffy
// otherwise) is seen only at the next change of that directory, not at
// the next request. Reading cur/ again after every change postern makes
// itself (a delivery moved from new/, a message marked read) instead
// costs the next request a read of the whole directory: half a second of
// CPU at 100,000 messages.
func ownTime(cur string) int64 {
	t, err := mtime(cur)
	if err != nil {
		return 0
	}
	return t
}

func (x *Index) setDirTime(folder, sub string, t int64) error {
	_, err := x.db.Exec(`INSERT OR REPLACE INTO dirs(folder, sub, mtime) VALUES(?, ?, ?)`, folder, sub, t)
	if err != nil {
		return fmt.Errorf("index: scan %q: %w", folder, err)
	}
	return nil
}

// addMoved records messages this process moved from new/ to cur/.
func (x *Index) addMoved(folder, curPath string, keys []string) error {
	tx, err := x.db.Begin()
	if err != nil {
		return fmt.Errorf("index: scan %q: %w", folder, err)
	}
	defer tx.Rollback()
	for _, k := range keys {
		name := k + ":2,"
		if err := insertFile(tx, folder, curPath, k, name); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// diff reads cur/ and makes the folder's rows match it. The rows are
// compared through the index of (folder, key, name) alone; only those that
// differ are read further. At 100,000 messages this is what a request
// after a change by another program costs, so it allocates nothing per
// unchanged message.
func (x *Index) diff(folder, curPath string) error {
	names, err := readNames(curPath)
	if err != nil {
		return fmt.Errorf("index: scan %q: %w", folder, err)
	}
	files := keysOf(names)
	tx, err := x.db.Begin()
	if err != nil {
		return fmt.Errorf("index: scan %q: %w", folder, err)
	}
	defer tx.Rollback()
	rows, err := tx.Query(`SELECT key, name FROM msgs INDEXED BY msgs_names WHERE folder = ?`, folder)
	if err != nil {
		return fmt.Errorf("index: scan %q: %w", folder, err)
	}
	seen := make([]bool, len(names))
	var gone, renamed []string
	var key, name sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&key, &name); err != nil {
			rows.Close()
			return fmt.Errorf("index: scan %q: %w", folder, err)
		}
		i, ok := files[string(key)]
		switch {
		case !ok:
			gone = append(gone, string(key))
		case names[i] != string(name):
			renamed = append(renamed, string(key))
		}
		if ok {
			seen[i] = true
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return fmt.Errorf("index: scan %q: %w", folder, err)
	}
	for _, k := range gone {
		var id int64
		var done int
		if err := tx.QueryRow(`SELECT id, done FROM msgs WHERE folder = ? AND key = ?`, folder, k).Scan(&id, &done); err != nil {
			return fmt.Errorf("index: scan %q: %w", folder, err)
		}
		if err := deleteRow(tx, id, done); err != nil {
			return err
		}
	}
	for _, k := range renamed {
		n := names[files[k]]
		_, err := tx.Exec(`UPDATE msgs SET name = ?, sub = 'cur', flags = ?,
			done = CASE WHEN done = 2 THEN 0 ELSE done END, head = CASE WHEN head = 2 THEN 0 ELSE head END
			WHERE folder = ? AND key = ?`, n, flagsOf(n), folder, k)
		if err != nil {
			return fmt.Errorf("index: scan %q: %w", folder, err)
		}
	}
	var added []string
	for k, i := range files {
		if !seen[i] {
			added = append(added, k)
		}
	}
	// In key order (a key starts with its delivery time), rows and most
	// index entries go at the end of their b-trees, not all over them.
	slices.Sort(added)
	for _, k := range added {
		if err := insertFile(tx, folder, curPath, k, names[files[k]]); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// readNames returns the names in a directory.
func readNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}

// keysOf maps the message key of each name in a cur/ directory to its
// index in names, one file per key (the least name, as the maildir package
// picks). Names that are not messages are left out.
func keysOf(names []string) map[string]int {
	out := make(map[string]int, len(names))
	for i, n := range names {
		if n == "" || n[0] == '.' {
			continue
		}
		key, _, _ := strings.Cut(n, ":")
		if maildir.ValidKey(key) != nil {
			continue
		}
		if old, dup := out[key]; dup && names[old] < n {
			continue
		}
		out[key] = i
	}
	return out
}

// flagsOf returns the flag letters of a file name in cur/.
func flagsOf(name string) string {
	_, info, _ := strings.Cut(name, ":")
	f, _ := strings.CutPrefix(info, "2,")
	return f
}

// insertFile adds a message known by its file name only: its date is the
// Unix time that starts its key and its size the ",S=" of its name (else
// the file's). Extract fills in the rest.
func insertFile(tx *sql.Tx, folder, curPath, key, name string) error {
	size := sizeOf(name)
	if size < 0 {
		if fi, err := os.Stat(filepath.Join(curPath, name)); err == nil {
			size = fi.Size()
		} else {
			size = 0
		}
	}
	// Until it is read, a message is a conversation of its own.
	_, err := tx.Exec(`INSERT INTO msgs(folder, key, sub, name, flags, size, date, thread) VALUES(?, ?, 'cur', ?, ?, ?, ?, ?)
		ON CONFLICT(folder, key) DO UPDATE SET name = excluded.name, sub = 'cur', flags = excluded.flags`,
		folder, key, name, flagsOf(name), size, keyTime(key), "k:"+folder+"/"+key)
	if err != nil {
		return fmt.Errorf("index: scan %q: %w", folder, err)
	}
	return nil
}

// sizeOf reads the ",S=<size>" field of a Maildir file name; -1 if none.
func sizeOf(name string) int64 {
	base, _, _ := strings.Cut(name, ":")
	i := strings.Index(base, ",S=")
	if i < 0 {
		return -1
	}
	s := base[i+3:]
	if j := strings.IndexByte(s, ','); j >= 0 {
		s = s[:j]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// keyTime is the Unix time a Maildir key starts with, else 0.
func keyTime(key string) int64 {
	i := 0
	for i < len(key) && i < 12 && key[i] >= '0' && key[i] <= '9' {
		i++
	}
	n, _ := strconv.ParseInt(key[:i], 10, 64)
	return n
}

// deleteRow removes a message and, when it was indexed, its text.
func deleteRow(tx *sql.Tx, id int64, done int) error {
	if done == 1 {
		if _, err := tx.Exec(`DELETE FROM fts WHERE rowid = ?`, id); err != nil {
			return fmt.Errorf("index: delete: %w", err)
		}
	}
	if _, err := tx.Exec(`DELETE FROM msgs WHERE id = ?`, id); err != nil {
		return fmt.Errorf("index: delete: %w", err)
	}
	return nil
}

// dropFolder forgets a folder that no longer exists.
func (x *Index) dropFolder(folder string) error {
	tx, err := x.db.Begin()
	if err != nil {
		return fmt.Errorf("index: drop %q: %w", folder, err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`DELETE FROM fts WHERE rowid IN (SELECT id FROM msgs WHERE folder = ? AND done = 1)`, folder); err != nil {
		return fmt.Errorf("index: drop %q: %w", folder, err)
	}
	for _, q := range []string{`DELETE FROM msgs WHERE folder = ?`, `DELETE FROM dirs WHERE folder = ?`} {
		if _, err := tx.Exec(q, folder); err != nil {
			return fmt.Errorf("index: drop %q: %w", folder, err)
		}
	}
	return tx.Commit()
}

// changed reports, without the writer lock, whether a scan or extraction
// has anything to do: a directory whose time differs from the recorded
// one (or was not trusted), a folder added or gone, or a message not yet
// read. Concurrent requests that find nothing to do never wait for each
// other.
func (x *Index) changed() (bool, error) {
	folders, err := x.store.FolderNames()
	if err != nil {
		return true, nil
	}
	known, err := x.dirTimes()
	if err != nil {
		return true, err
	}
	seen := 0
	for _, f := range folders {
		dir, err := x.store.FolderDir(f)
		if err != nil {
			return true, nil
		}
		for _, sub := range []string{"cur", "new"} {
			t, err := mtime(filepath.Join(dir, sub))
			rec, ok := known[dirKey{f, sub}]
			if err != nil || !ok || rec == 0 || rec != t {
				return true, nil
			}
			seen++
		}
	}
	if seen != len(known) {
		return true, nil
	}
	var one int
	err = x.db.QueryRow(`SELECT 1 FROM msgs INDEXED BY msgs_todo WHERE done = 0 LIMIT 1`).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return true, err
}
