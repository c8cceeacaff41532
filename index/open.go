package index

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/mattn/go-sqlite3" // the SQLite driver; build with -tags sqlite_fts5

	"postern/maildir"
)

// schemaVersion names the layout below; an index of another version is
// deleted and rebuilt. It changes also when what message.ReadDigest
// gives changes (6: the list values are read before a folder is listed
// and final once read; the sender is message.Address.ListName; headers
// are decoded more leniently).
const schemaVersion = "6"

// DefaultFile is the index's path under the Maildir when no directory is
// configured.
const DefaultFile = "postern/index.sqlite"

// TrustAfter is how old a directory's modification time must be at a scan
// for the scan to be trusted next time: a change in the same clock tick as
// the scan's read would not change the time.
const TrustAfter = 100 * time.Millisecond

// Limits bound what is read of each message.
type Limits struct {
	MaxMessageBytes int64 // bytes of a message file read (default 1 MiB: text comes first, attachments after)
	MaxPartText     int64 // decoded text indexed per text part (default 64 KiB)
}

// DefaultLimits are used for zero fields.
var DefaultLimits = Limits{MaxMessageBytes: 1 << 20, MaxPartText: 64 << 10}

// Index is one user's open index.
type Index struct {
	db     *sql.DB
	path   string
	store  *maildir.Store
	Limits Limits
	Sent   string // display name of the Sent folder, for threads
}

var schema = []string{
	`CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID`,
	`CREATE TABLE IF NOT EXISTS dirs(folder TEXT NOT NULL, sub TEXT NOT NULL, mtime INTEGER NOT NULL,
		PRIMARY KEY(folder, sub)) WITHOUT ROWID`,
	`CREATE TABLE IF NOT EXISTS msgs(
		id INTEGER PRIMARY KEY,
		folder TEXT NOT NULL, key TEXT NOT NULL, sub TEXT NOT NULL, name TEXT NOT NULL,
		flags TEXT NOT NULL DEFAULT '', size INTEGER NOT NULL DEFAULT 0, date INTEGER NOT NULL DEFAULT 0,
		sender TEXT NOT NULL DEFAULT '', sender_fold TEXT NOT NULL DEFAULT '',
		subject TEXT NOT NULL DEFAULT '', subject_fold TEXT NOT NULL DEFAULT '', base TEXT NOT NULL DEFAULT '',
		attach INTEGER NOT NULL DEFAULT 0, malformed INTEGER NOT NULL DEFAULT 0,
		msgid TEXT NOT NULL DEFAULT '', refs TEXT NOT NULL DEFAULT '', thread TEXT NOT NULL DEFAULT '',
		done INTEGER NOT NULL DEFAULT 0, head INTEGER NOT NULL DEFAULT 0,
		UNIQUE(folder, key))`,
	`CREATE INDEX IF NOT EXISTS msgs_date ON msgs(folder, date, key)`,
	`CREATE INDEX IF NOT EXISTS msgs_sender ON msgs(folder, sender_fold, key)`,
	`CREATE INDEX IF NOT EXISTS msgs_subject ON msgs(folder, subject_fold, key)`,
	`CREATE INDEX IF NOT EXISTS msgs_size ON msgs(folder, size, key)`,
	`CREATE INDEX IF NOT EXISTS msgs_alldate ON msgs(date)`,
	`CREATE INDEX IF NOT EXISTS msgs_todo ON msgs(date) WHERE done = 0`,
	`CREATE INDEX IF NOT EXISTS msgs_todo_folder ON msgs(folder, date) WHERE done = 0`,
	// The rows whose list columns are still from the file name
	// (heads.go).
	`CREATE INDEX IF NOT EXISTS msgs_heads ON msgs(folder) WHERE head = 0`,
	// Counting a folder's rows would read its whole index: keep counts,
	// of all messages, of the unread ones (no S flag) and of the
	// conversations.
	`CREATE TABLE IF NOT EXISTS counts(folder TEXT PRIMARY KEY, n INTEGER NOT NULL, unread INTEGER NOT NULL DEFAULT 0,
		threads INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID`,
	// A folder's conversations, for its list by conversation: grouping
	// the folder's rows at every request would read its whole index.
	// Kept by the triggers below; the list pages through threads_last.
	`CREATE TABLE IF NOT EXISTS threads(folder TEXT NOT NULL, thread TEXT NOT NULL, last INTEGER NOT NULL,
		n INTEGER NOT NULL, unread INTEGER NOT NULL, PRIMARY KEY(folder, thread)) WITHOUT ROWID`,
	`CREATE INDEX IF NOT EXISTS threads_last ON threads(folder, last DESC, thread)`,
	`CREATE TRIGGER IF NOT EXISTS threads_ins AFTER INSERT ON threads BEGIN
		UPDATE counts SET threads = threads + 1 WHERE folder = new.folder;
	END`,
	`CREATE TRIGGER IF NOT EXISTS threads_del AFTER DELETE ON threads BEGIN
		UPDATE counts SET threads = threads - 1 WHERE folder = old.folder;
	END`,
	// A message joins its conversation once it is read (done = 1: until
	// then its thread is unknown, and the list by conversation leaves it
	// out, as search does); leaving one drops it when it was the last
	// message, else recomputes the last date from the rows left
	// (msgs_folder_thread). No statement changes the flags and the
	// thread, date or done of a row at once, so each trigger sees the
	// other columns as they are.
	`CREATE TRIGGER IF NOT EXISTS msgs_count_ins AFTER INSERT ON msgs BEGIN
		INSERT INTO counts(folder, n, unread) VALUES(new.folder, 1, instr(new.flags, 'S') = 0)
			ON CONFLICT(folder) DO UPDATE SET n = n + 1, unread = unread + (instr(new.flags, 'S') = 0);
		INSERT INTO threads(folder, thread, last, n, unread)
			SELECT new.folder, new.thread, new.date, 1, instr(new.flags, 'S') = 0 WHERE new.done = 1
			ON CONFLICT(folder, thread) DO UPDATE SET last = max(last, excluded.last), n = n + 1, unread = unread + excluded.unread;
	END`,
	`CREATE TRIGGER IF NOT EXISTS msgs_count_del AFTER DELETE ON msgs BEGIN
		UPDATE counts SET n = n - 1, unread = unread - (instr(old.flags, 'S') = 0) WHERE folder = old.folder;
		DELETE FROM threads WHERE old.done = 1 AND folder = old.folder AND thread = old.thread AND n = 1;
		UPDATE threads SET n = n - 1, unread = unread - (instr(old.flags, 'S') = 0),
			last = coalesce((SELECT max(date) FROM msgs WHERE folder = old.folder AND thread = old.thread AND done = 1), 0)
			WHERE old.done = 1 AND folder = old.folder AND thread = old.thread;
	END`,
	`CREATE TRIGGER IF NOT EXISTS msgs_count_upd AFTER UPDATE OF flags ON msgs
		WHEN (instr(old.flags, 'S') = 0) <> (instr(new.flags, 'S') = 0) BEGIN
		UPDATE counts SET unread = unread + (instr(new.flags, 'S') = 0) - (instr(old.flags, 'S') = 0)
			WHERE folder = new.folder;
		UPDATE threads SET unread = unread + (instr(new.flags, 'S') = 0) - (instr(old.flags, 'S') = 0)
			WHERE new.done = 1 AND folder = new.folder AND thread = new.thread;
	END`,
	`CREATE TRIGGER IF NOT EXISTS msgs_thread_upd AFTER UPDATE OF done, thread, date ON msgs
		WHEN (old.done = 1 OR new.done = 1) AND (old.done <> new.done OR old.thread <> new.thread OR old.date <> new.date) BEGIN
		DELETE FROM threads WHERE old.done = 1 AND folder = old.folder AND thread = old.thread AND n = 1;
		UPDATE threads SET n = n - 1, unread = unread - (instr(old.flags, 'S') = 0),
			last = coalesce((SELECT max(date) FROM msgs WHERE folder = old.folder AND thread = old.thread AND done = 1 AND id <> new.id), 0)
			WHERE old.done = 1 AND folder = old.folder AND thread = old.thread;
		INSERT INTO threads(folder, thread, last, n, unread)
			SELECT new.folder, new.thread, new.date, 1, instr(new.flags, 'S') = 0 WHERE new.done = 1
			ON CONFLICT(folder, thread) DO UPDATE SET last = max(last, excluded.last), n = n + 1, unread = unread + excluded.unread;
	END`,
	// Comparing a folder's rows with its cur/ directory reads only this.
	`CREATE INDEX IF NOT EXISTS msgs_names ON msgs(folder, key, name)`,
	`CREATE INDEX IF NOT EXISTS msgs_msgid ON msgs(msgid) WHERE msgid <> ''`,
	`CREATE INDEX IF NOT EXISTS msgs_thread ON msgs(thread, date)`,
	`CREATE INDEX IF NOT EXISTS msgs_folder_thread ON msgs(folder, thread, date, flags)`,
	`CREATE INDEX IF NOT EXISTS msgs_base ON msgs(base, date) WHERE base <> ''`,
	`CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(subject, sender, rcpt, body, attach,
		content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`,
}

// Path returns where the index of a user lives: in dir, the user's own
// directory of index_dir with its "%u" already replaced
// (config.IndexDirFor), or DefaultFile under the Maildir when dir is
// empty.
func Path(dir, maildirRoot string) string {
	if dir == "" {
		return filepath.Join(maildirRoot, DefaultFile)
	}
	return filepath.Join(dir, "index.sqlite")
}

// Open opens (creating it and its directory, mode 700, when missing) the
// index at path for the Maildir of store. An index that cannot be read or
// is of another layout is deleted and created again.
func Open(path string, store *maildir.Store) (*Index, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	x, err := open(path, store)
	if err == nil {
		return x, nil
	}
	// A cache: when it is damaged or old, start again.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	return open(path, store)
}

func open(path string, store *maildir.Store) (*Index, error) {
	v := url.Values{}
	v.Set("_busy_timeout", "10000")
	// Statements run with a query string are kept prepared for the next
	// run of the same string (the scan runs one per new message).
	v.Set("_stmt_cache_size", "32")
	v.Set("_journal_mode", "WAL")
	v.Set("_synchronous", "NORMAL")
	v.Set("_foreign_keys", "0")
	db, err := sql.Open(driverName, "file:"+url.PathEscape(path)+"?"+v.Encode())
	if err != nil {
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	// One connection: a CGI request is one goroutine, and one connection
	// keeps the page cache warm between statements.
	db.SetMaxOpenConns(1)
	x := &Index{db: db, path: path, store: store, Limits: DefaultLimits, Sent: "Sent"}
	var ver string
	err = db.QueryRow(`SELECT v FROM meta WHERE k = 'version'`).Scan(&ver)
	switch {
	case err == nil && ver == schemaVersion:
		return x, nil
	case err == nil:
		db.Close()
		return nil, fmt.Errorf("index: %s has layout %q, want %q", path, ver, schemaVersion)
	case !errors.Is(err, sql.ErrNoRows) && !isNoTable(err):
		db.Close()
		return nil, fmt.Errorf("index: open %s: %w", path, err)
	}
	if err := x.withLock(func() error { return x.create() }); err != nil {
		db.Close()
		return nil, err
	}
	return x, nil
}

// driverName is the SQLite driver with connect, registered once.
const driverName = "postern-sqlite3"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: connect})
}

// connect sets up every connection the index opens, after the driver has
// applied the DSN's settings: temporary tables and statement journals in
// memory (no file outside the index's directory: the Landlock sandbox
// allows only that), and the write-ahead log emptied (truncated to
// nothing) when the last connection closes, and kept, as is the
// shared-memory file (SQLITE_FCNTL_PERSIST_WAL), instead of being
// removed: creating the two files and removing them again cost every
// request two inodes of the file system (2-3% of a warm list's CPU on
// ext4), and an empty log is as cheap to open as none. Per connection,
// so that a connection database/sql opens again has them too.
func connect(c *sqlite3.SQLiteConn) error {
	if _, err := c.Exec(`PRAGMA temp_store = MEMORY; PRAGMA journal_size_limit = 0`, nil); err != nil {
		return err
	}
	return c.SetFileControlInt("main", sqlite3.SQLITE_FCNTL_PERSIST_WAL, 1)
}

func isNoTable(err error) bool {
	return err != nil && len(err.Error()) >= 13 && err.Error()[:13] == "no such table"
}

// create makes the tables of a new index.
func (x *Index) create() error {
	tx, err := x.db.Begin()
	if err != nil {
		return fmt.Errorf("index: create: %w", err)
	}
	defer tx.Rollback()
	for _, s := range schema {
		if _, err := tx.Exec(s); err != nil {
			return fmt.Errorf("index: create: %w", err)
		}
	}
	if _, err := tx.Exec(`INSERT OR REPLACE INTO meta(k, v) VALUES('version', ?)`, schemaVersion); err != nil {
		return fmt.Errorf("index: create: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("index: create: %w", err)
	}
	return nil
}

// Close closes the database. The last connection to close folds the
// write-ahead log into the database and empties it, so that the next
// process does not have to read it back: close the index when done, do not
// just exit. The empty log and the shared-memory file stay (open).
func (x *Index) Close() error {
	return x.db.Close()
}

// withLock runs fn holding the writer lock, an exclusive flock on
// "<path>.lock".
func (x *Index) withLock(fn func() error) error {
	f, err := os.OpenFile(x.path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("index: lock: %w", err)
	}
	defer f.Close()
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("index: lock: %w", err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return fn()
}
