package index

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
)

// TestWALKept checks what Close leaves: the write-ahead log kept but
// empty (its pages folded into the database, so that the database file
// alone holds every message indexed), and the shared-memory file kept;
// and that the next Open reads them as usual.
func TestWALKept(t *testing.T) {
	b := newBox(t)
	b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "one", "apples"))
	b.put("INBOX", "new", "", mail("a@example.org", "b@example.org", "two", "pears"))
	if p := b.update(); p.Total != 2 {
		t.Fatalf("Update = %+v, want 2", p)
	}
	path := Path("", b.root)
	if st, err := os.Stat(path + "-wal"); err != nil || st.Size() == 0 {
		t.Fatalf("before Close the log should hold the new pages: %v, %v", st, err)
	}
	b.x.Close()
	for _, s := range []string{"-wal", "-shm"} {
		st, err := os.Stat(path + s)
		if err != nil {
			t.Fatalf("Close removed %s: %v", s, err)
		}
		if s == "-wal" && st.Size() != 0 {
			t.Errorf("Close left %d bytes in the log, want it emptied", st.Size())
		}
	}
	// The database file alone: a copy without the log sees both messages.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	alone := t.TempDir() + "/copy.sqlite"
	if err := os.WriteFile(alone, data, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Open(alone, b.store)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if hits, _, err := c.Search(ParseQuery("pears"), 0, 10); err != nil || len(hits) != 1 {
		t.Errorf("the database file alone: Search(pears) = %+v, %v; want the message", hits, err)
	}
	b.open()
	if got := b.search("apples"); len(got) != 1 {
		t.Errorf("after reopening: Search(apples) = %q", got)
	}
}

// TestEveryConnection checks that each connection of the driver, not
// only the first, keeps temporary data in memory and empties the log:
// database/sql may open another one.
func TestEveryConnection(t *testing.T) {
	db, err := sql.Open(driverName, filepath.Join(t.TempDir(), "x.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for i := range 2 {
		c, err := db.Conn(ctx) // both held: two connections
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var store, limit int
		if err := c.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&store); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA journal_size_limit`).Scan(&limit); err != nil {
			t.Fatal(err)
		}
		if store != 2 || limit != 0 {
			t.Errorf("connection %d: temp_store %d, journal_size_limit %d; want 2 (memory) and 0", i, store, limit)
		}
	}
}
