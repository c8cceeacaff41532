package maildir

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkListWarm10k lists a 10,000-message folder whose cache is warm:
// the cost is readdir, the cache read, the sort and the page.
func BenchmarkListWarm10k(b *testing.B) {
	s, calls := testStore(b)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 10000 {
		name := filepath.Join(s.Root, "cur", fmt.Sprintf("%d.M%dP1.host:2,S", 1700000000+i, i))
		if err := os.WriteFile(name, []byte("x"), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	n := 0
	s.Summarize = func(io.Reader) Summary {
		calls.Add(1)
		n++
		return Summary{Date: base.Add(time.Duration(n*7919%10000) * time.Minute), From: fmt.Sprint("sender", n%97), Subject: fmt.Sprint("subject ", n)}
	}
	if _, _, err := s.List(Inbox, SortDate, true, 0, 50); err != nil {
		b.Fatal(err)
	}
	calls.Store(0)
	b.Run("readdir-only", func(b *testing.B) { // the baseline List adds to
		for b.Loop() {
			if n, err := readNames(filepath.Join(s.Root, "cur")); err != nil || len(n) != 10000 {
				b.Fatal(len(n), err)
			}
		}
	})
	for _, bc := range []struct {
		name   string
		key    SortKey
		offset int
	}{
		{"page1", SortDate, 0},
		{"deep", SortDate, 9000},
		{"subject", SortSubject, 5000},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				page, total, err := s.List(Inbox, bc.key, true, bc.offset, 50)
				if err != nil || total != 10000 || len(page) != 50 {
					b.Fatalf("List = %d entries, total %d, %v", len(page), total, err)
				}
			}
		})
	}
	if calls.Load() != 0 {
		b.Errorf("warm List called Summarize %d times", calls.Load())
	}
}
