package index

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"postern/maildir"
)

// TestMain lets the test binary act as one of several writer processes.
func TestMain(m *testing.M) {
	if root := os.Getenv("POSTERN_INDEX_WRITER"); root != "" {
		os.Exit(writer(root))
	}
	os.Exit(m.Run())
}

// writer is one child of TestConcurrentWriters: it delivers messages and
// updates the index in a loop, as concurrent requests would.
func writer(root string) int {
	s, err := maildir.Open(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	id, _ := strconv.Atoi(os.Getenv("POSTERN_INDEX_ID"))
	for i := 0; i < 15; i++ {
		x, err := Open(Path("", root), s)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		name := fmt.Sprintf("%d.M%dP%dQ%d.writer", time.Now().Unix(), i, id, i)
		body := fmt.Sprintf("From: w%d@example.org\r\nSubject: writer %d message %d\r\n\r\nconcurrent text\r\n", id, id, i)
		tmp := filepath.Join(root, "tmp", name)
		os.WriteFile(tmp, []byte(body), 0o600)
		os.Rename(tmp, filepath.Join(root, "new", name))
		if _, err := x.Update(20 * time.Millisecond); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if _, _, err := x.Search(ParseQuery("concurrent"), 0, 10); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		x.Close()
	}
	return 0
}

func TestConcurrentWriters(t *testing.T) {
	b := newBox(t)
	for i := 0; i < 50; i++ {
		b.put("INBOX", "cur", "S", mail("a@example.org", "b@example.org", "old", "concurrent old text"))
	}
	b.x.Close()
	const procs = 4
	var cmds []*exec.Cmd
	for i := 0; i < procs; i++ {
		c := exec.Command(os.Args[0], "-test.run=^$")
		c.Env = append(os.Environ(), "POSTERN_INDEX_WRITER="+b.root, "POSTERN_INDEX_ID="+strconv.Itoa(i))
		c.Stderr = os.Stderr
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c)
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	b.open()
	p := b.update()
	if p.Total != 50+procs*15 || !p.Done() {
		t.Errorf("Update after writers = %+v, want %d done", p, 50+procs*15)
	}
	var ok string
	if err := b.x.db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check = %q, %v", ok, err)
	}
	if _, err := b.x.db.Exec(`INSERT INTO fts(fts, rank) VALUES('integrity-check', 0)`); err != nil {
		t.Errorf("fts integrity-check: %v", err)
	}
	if got := b.search("concurrent"); len(got) != 50+procs*15 {
		t.Errorf("Search(concurrent) = %d hits, want %d", len(got), 50+procs*15)
	}
}
