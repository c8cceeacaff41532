package gate

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"postern/guard"
)

// TestMaybeSweep: a roll of 0 removes the counters whose window has
// passed; any other roll leaves the directory alone.
func TestMaybeSweep(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "guard")
	now := time.Now()
	g := &guard.Guard{Dir: dir, Limits: guard.Limits{Window: time.Minute}, Now: func() time.Time { return now }}
	if err := g.Fail("someone", "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		es, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	before := count()
	if before == 0 {
		t.Fatal("Fail wrote no counter")
	}
	now = now.Add(2*time.Minute + guard.MaxHold) // past the window and MaxHold
	maybeSweep(g, 1)
	if got := count(); got != before {
		t.Errorf("maybeSweep(roll 1) left %d counters, want %d untouched", got, before)
	}
	maybeSweep(g, 0)
	if got := count(); got != 0 {
		t.Errorf("maybeSweep(roll 0) left %d forgotten counters, want 0", got)
	}
}
