package guard

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func newGuard(t *testing.T) (*Guard, *time.Time) {
	t.Helper()
	// The clock starts at the real time: Sweep compares it with the
	// counter files' modification times.
	now := time.Now().Truncate(time.Second)
	g := &Guard{Dir: filepath.Join(t.TempDir(), "guard"), Now: func() time.Time { return now }}
	return g, &now
}

func TestDelay(t *testing.T) {
	l := Limits{Free: 3, MaxDelay: 8 * time.Second}
	for _, tt := range []struct {
		n    int
		want time.Duration
	}{
		{0, 0},
		{3, 0}, // the last free failure
		{4, time.Second},
		{5, 2 * time.Second},
		{6, 4 * time.Second},
		{7, 8 * time.Second},
		{8, 8 * time.Second},   // capped
		{100, 8 * time.Second}, // no overflow of the shift
	} {
		if got := Delay(tt.n, l); got != tt.want {
			t.Errorf("Delay(%d) = %v, want %v", tt.n, got, tt.want)
		}
	}
}

func TestLockoutAndReset(t *testing.T) {
	g, now := newGuard(t)
	g.Limits = Limits{UserLock: 4, IPLock: 6, Window: 10 * time.Minute}
	for i := range 4 {
		v, err := g.Check("alice", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if v.Locked {
			t.Fatalf("locked after %d failures, want 4", i)
		}
		if err := g.Fail("alice", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	v, _ := g.Check("alice", "192.0.2.99")
	if !v.Locked || v.Reason != "user locked" {
		t.Errorf("Check(alice) after 4 failures = %+v, want user locked", v)
	}
	// The address has 4 failures: not locked for another name, and not
	// delayed (4 * UserLock/IPLock = 2 <= Free).
	v, _ = g.Check("bob", "192.0.2.1")
	if v.Locked || v.Delay != 0 {
		t.Errorf("Check(bob, same address) = %+v, want free", v)
	}
	if v, _ := g.Check("alice", "192.0.2.1"); v.Delay != 0 || !v.Locked {
		t.Errorf("Check(alice) locked = %+v", v)
	}
	g.Fail("bob", "192.0.2.1")
	g.Fail("carol", "192.0.2.1")
	v, _ = g.Check("dave", "192.0.2.1")
	if !v.Locked || v.Reason != "address locked" {
		t.Errorf("Check(dave) from an address with 6 failures = %+v, want address locked", v)
	}
	// Failures of one name delay it (Free = 3: the 4th waits 1s).
	g2, _ := newGuard(t)
	for range 4 {
		g2.Fail("erin", "192.0.2.50")
	}
	if v, _ := g2.Check("erin", "198.51.100.9"); v.Delay != time.Second {
		t.Errorf("Check(erin) after 4 failures = %+v, want 1s delay", v)
	}
	// A success resets the user, not the address.
	if err := g.Succeed("alice"); err != nil {
		t.Fatal(err)
	}
	if v, _ := g.Check("alice", "198.51.100.1"); v.Locked || v.Delay != 0 {
		t.Errorf("Check(alice) after Succeed = %+v, want free", v)
	}
	if v, _ := g.Check("alice", "192.0.2.1"); !v.Locked {
		t.Errorf("Check(alice, locked address) after Succeed = %+v, want address locked", v)
	}
	// The window forgets everything; Sweep removes what was not written
	// for MaxHold either.
	*now = now.Add(max(11*time.Minute, MaxHold+time.Minute))
	if v, _ := g.Check("dave", "192.0.2.1"); v.Locked || v.Delay != 0 {
		t.Errorf("Check after the window = %+v, want free", v)
	}
	// What is not a counter (the account cache's directory) is left
	// alone, and does not make Sweep fail.
	other := filepath.Join(g.Dir, "accounts")
	if err := os.Mkdir(other, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(other, "a-entry"), []byte("x"), 0o600)
	os.Chtimes(other, time.Unix(0, 0), time.Unix(0, 0))
	if err := g.Sweep(); err != nil {
		t.Fatal(err)
	}
	es, _ := os.ReadDir(g.Dir)
	if len(es) != 1 || es[0].Name() != "accounts" {
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		t.Errorf("after Sweep Dir holds %v, want only accounts", names)
	}
}

// TestUnknownUsers: a name that exists nowhere is counted like any other,
// so the answer cannot tell them apart; odd names stay inside Dir.
func TestUnknownUsers(t *testing.T) {
	g, _ := newGuard(t)
	g.Limits = Limits{UserLock: 2}
	for _, name := range []string{"../../etc/passwd", "nobody-at-all", "", "a\x00b"} {
		g.Fail(name, "2001:db8::1")
		g.Fail(name, "2001:db8::1")
		if v, _ := g.Check(name, "2001:db8::2"); !v.Locked {
			t.Errorf("Check(%q) after 2 failures = %+v, want locked", name, v)
		}
	}
	es, _ := os.ReadDir(g.Dir)
	if len(es) != 5 { // four names and one address
		t.Errorf("%d counter files, want 5", len(es))
	}
}

// TestConcurrentFailures: simultaneous writers lose no count (each
// goroutine opens its own file description, as separate processes do).
func TestConcurrentFailures(t *testing.T) {
	g, _ := newGuard(t)
	g.Limits = Limits{UserLock: 1000, IPLock: 1000}
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			if err := g.Fail("alice", "192.0.2.7"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n, err := g.count(userFile("alice")); n != 40 || err != nil {
		t.Errorf("count after 40 concurrent failures = %d, %v, want 40", n, err)
	}
	if n, _ := g.count(ipFile("::ffff:192.0.2.7")); n != 40 {
		t.Errorf("count of the mapped address = %d, want 40 (same as IPv4)", n)
	}
}

func TestDirChecks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "open")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	g := &Guard{Dir: dir}
	if _, err := g.Check("a", "192.0.2.1"); err == nil {
		t.Error("Check with a mode 755 directory succeeded, want an error")
	}
	g.Dir = "relative/dir"
	if err := g.Fail("a", "192.0.2.1"); err == nil {
		t.Error("Fail with a relative directory succeeded, want an error")
	}
	link := filepath.Join(t.TempDir(), "link")
	os.Symlink(t.TempDir(), link)
	g.Dir = link
	if _, err := g.Check("a", "192.0.2.1"); err == nil {
		t.Error("Check with a symlinked directory succeeded, want an error")
	}
}

func TestCorruptState(t *testing.T) {
	g, _ := newGuard(t)
	g.ensureDir()
	os.WriteFile(filepath.Join(g.Dir, userFile("x")), []byte("garbage here and more"), 0o600)
	if v, err := g.Check("x", "192.0.2.1"); err != nil || v.Locked || v.Delay != 0 {
		t.Errorf("Check with a corrupt counter = %+v, %v, want free", v, err)
	}
	if err := g.Fail("x", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if n, _ := g.count(userFile("x")); n != 1 {
		t.Errorf("count after a failure on a corrupt counter = %d, want 1", n)
	}
}
