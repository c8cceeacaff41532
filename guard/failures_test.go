package guard

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFailureRecord(t *testing.T) {
	g := &Guard{Dir: filepath.Join(t.TempDir(), "guard")}
	t0 := time.Unix(1_800_000_000, 0)
	in := []Failure{
		{Time: t0, IP: "192.0.2.1", Reason: "password", Browser: "Firefox"},
		// An IPv4-mapped address is stored as IPv4; a bad token as "-".
		{Time: t0.Add(time.Second), IP: "::ffff:192.0.2.2", Reason: "wrong code\n", Browser: ""},
		{Time: t0.Add(2 * time.Second), IP: "not an address", Reason: "locked", Browser: "w3m"},
	}
	for _, f := range in {
		if err := g.NoteFailure("alice", f); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.NoteFailure("bob", in[0]); err != nil {
		t.Fatal(err)
	}
	got, err := g.TakeFailures("alice")
	if err != nil {
		t.Fatal(err)
	}
	want := []Failure{
		{Time: t0, IP: "192.0.2.1", Reason: "password", Browser: "Firefox"},
		{Time: t0.Add(time.Second), IP: "192.0.2.2", Reason: "-", Browser: "-"},
		{Time: t0.Add(2 * time.Second), IP: "-", Reason: "locked", Browser: "w3m"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("TakeFailures(alice) = %v, want %v", got, want)
	}
	if got, err := g.TakeFailures("alice"); err != nil || len(got) != 0 {
		t.Errorf("TakeFailures(alice) again = %v, %v, want nothing", got, err)
	}
	if _, err := os.Stat(filepath.Join(g.Dir, failFile("alice"))); !os.IsNotExist(err) {
		t.Errorf("record of alice after the take: %v, want removed", err)
	}
	if got, _ := g.TakeFailures("bob"); len(got) != 1 {
		t.Errorf("TakeFailures(bob) = %v, want one failure", got)
	}
}

func TestFailureRecordBounded(t *testing.T) {
	g := &Guard{Dir: filepath.Join(t.TempDir(), "guard")}
	t0 := time.Unix(1_800_000_000, 0)
	for i := range MaxFailures + 7 {
		f := Failure{Time: t0.Add(time.Duration(i) * time.Second), IP: "2001:db8::1", Reason: "password", Browser: "Chrome"}
		if err := g.NoteFailure("alice", f); err != nil {
			t.Fatal(err)
		}
	}
	got, err := g.TakeFailures("alice")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != MaxFailures || !got[0].Time.Equal(t0.Add(7*time.Second)) {
		t.Errorf("TakeFailures after %d failures = %d, first at %v; want the newest %d", MaxFailures+7, len(got), got[0].Time, MaxFailures)
	}
}

func TestParseFailures(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"1 192.0.2.1 password Firefox\n", 1},
		{"1 192.0.2.1 password Firefox\n2 - locked -\n", 2},
		// One bad line does not hide the others.
		{"x 192.0.2.1 password Firefox\n2 - locked -\n", 1},
		{"1 192.0.2.1 password\n", 0},                              // a field short
		{"1 192.0.2.999 password Firefox\n", 0},                    // not an address
		{"-1 192.0.2.1 password Firefox\n", 0},                     // before the epoch
		{"1 192.0.2.1 pass/word Firefox\n", 0},                     // not a token
		{strings.Repeat("1 - password -\n", maxFailBytes/14+1), 0}, // too long: empty
	}
	for _, tt := range tests {
		if got := ParseFailures(strings.NewReader(tt.in)); len(got) != tt.want {
			t.Errorf("ParseFailures(%q) = %d failures, want %d", tt.in, len(got), tt.want)
		}
	}
}

func TestSweepFailures(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	g := &Guard{Dir: filepath.Join(t.TempDir(), "guard"), Now: func() time.Time { return now }}
	for _, u := range []string{"old", "new"} {
		if err := g.NoteFailure(u, Failure{Time: now, IP: "192.0.2.1", Reason: "password"}); err != nil {
			t.Fatal(err)
		}
	}
	old := now.Add(-FailKeep - time.Hour)
	if err := os.Chtimes(filepath.Join(g.Dir, failFile("old")), old, old); err != nil {
		t.Fatal(err)
	}
	if err := g.Sweep(); err != nil {
		t.Fatal(err)
	}
	for u, want := range map[string]bool{"old": false, "new": true} {
		_, err := os.Stat(filepath.Join(g.Dir, failFile(u)))
		if got := err == nil; got != want {
			t.Errorf("record of %s kept after Sweep = %v, want %v", u, got, want)
		}
	}
}

// TestSweepFailuresCap: past the cap, the oldest records go first.
func TestSweepFailuresCap(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	g := &Guard{Dir: filepath.Join(t.TempDir(), "guard"), Now: func() time.Time { return now }}
	names := []string{"a", "b", "c", "d"}
	for i, u := range names {
		if err := g.NoteFailure(u, Failure{Time: now, IP: "192.0.2.1", Reason: "password"}); err != nil {
			t.Fatal(err)
		}
		at := now.Add(time.Duration(i-10) * time.Minute)
		if err := os.Chtimes(filepath.Join(g.Dir, failFile(u)), at, at); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.sweepFailures(entries, 2); err != nil {
		t.Fatal(err)
	}
	for i, u := range names {
		_, err := os.Stat(filepath.Join(g.Dir, failFile(u)))
		if got, want := err == nil, i >= 2; got != want {
			t.Errorf("record %s kept = %v, want %v (the 2 newest)", u, got, want)
		}
	}
}

func TestFailureConcurrent(t *testing.T) {
	g := &Guard{Dir: filepath.Join(t.TempDir(), "guard")}
	const n = 20
	done := make(chan error)
	for i := range n {
		go func() {
			done <- g.NoteFailure("alice", Failure{Time: time.Unix(int64(i), 0), IP: fmt.Sprintf("192.0.2.%d", i), Reason: "password"})
		}()
	}
	for range n {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := g.TakeFailures("alice"); len(got) != n {
		t.Errorf("after %d concurrent failures the record has %d", n, len(got))
	}
}

// BenchmarkNoteFailure is the cost the record adds to a failed login.
func BenchmarkNoteFailure(b *testing.B) {
	g := &Guard{Dir: filepath.Join(b.TempDir(), "guard")}
	f := Failure{Time: time.Now(), IP: "192.0.2.1", Reason: "password", Browser: "Firefox"}
	for b.Loop() {
		if err := g.NoteFailure("alice", f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTakeFailures is the cost it adds to a successful login (with
// a full record: the worst case).
func BenchmarkTakeFailures(b *testing.B) {
	g := &Guard{Dir: filepath.Join(b.TempDir(), "guard")}
	f := Failure{Time: time.Now(), IP: "192.0.2.1", Reason: "password", Browser: "Firefox"}
	for b.Loop() {
		b.StopTimer()
		for range MaxFailures {
			g.NoteFailure("alice", f)
		}
		b.StartTimer()
		if _, err := g.TakeFailures("alice"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTakeFailuresNone is the cost at a login with no failures.
func BenchmarkTakeFailuresNone(b *testing.B) {
	g := &Guard{Dir: filepath.Join(b.TempDir(), "guard")}
	for b.Loop() {
		if _, err := g.TakeFailures("alice"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFail is the guard's cost of a failed login before the record
// (the counters), to compare BenchmarkNoteFailure with.
func BenchmarkFail(b *testing.B) {
	g := &Guard{Dir: filepath.Join(b.TempDir(), "guard"), Limits: Limits{UserLock: 1 << 30, IPLock: 1 << 30}}
	for b.Loop() {
		if err := g.Fail("alice", "192.0.2.1"); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzParseFailures: what ParseFailures keeps formats back to lines it
// reads the same.
func FuzzParseFailures(f *testing.F) {
	f.Add([]byte("1 192.0.2.1 password Firefox\n2 - locked -\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got := ParseFailures(strings.NewReader(string(b)))
		var s strings.Builder
		for _, x := range got {
			s.WriteString(formatFailure(x))
		}
		again := ParseFailures(strings.NewReader(s.String()))
		if !reflect.DeepEqual(again, got) && !(len(got) == 0 && len(again) == 0) {
			t.Errorf("ParseFailures(format(ParseFailures(%q))) = %v, want %v", b, again, got)
		}
	})
}
