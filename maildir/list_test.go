package maildir

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// listFixture fills INBOX with four messages of distinct dates, senders,
// subjects and sizes.
func listFixture(t *testing.T) *Store {
	t.Helper()
	s, _ := testStore(t)
	put(t, s, Inbox, "cur", "k1:2,S", msg("carol@x", "b subject", "Mon, 01 Jan 2024 10:00:00 +0000")+strings.Repeat("x", 300))
	put(t, s, Inbox, "cur", "k2:2,FRS", msg("Alice@x", "C subject", "Mon, 01 Jan 2024 09:00:00 -0200")) // 11:00 UTC
	put(t, s, Inbox, "cur", "k3:2,", msg("bob@x", "a subject", "Sun, 31 Dec 2023 10:00:00 +0000")+strings.Repeat("x", 100))
	put(t, s, Inbox, "new", "k4", msg("dave@x", "a subject", "Sun, 31 Dec 2023 10:00:00 +0000")+strings.Repeat("x", 200))
	return s
}

func TestListSortAndPage(t *testing.T) {
	s := listFixture(t)
	tests := []struct {
		key           SortKey
		desc          bool
		offset, limit int
		want          []string
	}{
		{SortDate, false, 0, 0, []string{"k3", "k4", "k1", "k2"}}, // k3, k4 same date: by key
		{SortDate, true, 0, 0, []string{"k2", "k1", "k4", "k3"}},
		{SortFrom, false, 0, 0, []string{"k2", "k3", "k1", "k4"}}, // case-insensitive
		{SortSubject, false, 0, 0, []string{"k3", "k4", "k1", "k2"}},
		{SortSize, true, 0, 0, []string{"k1", "k4", "k3", "k2"}},
		{SortDate, false, 1, 2, []string{"k4", "k1"}},
		{SortDate, false, 3, 2, []string{"k2"}},  // short last page
		{SortDate, false, 4, 2, nil},             // past the end
		{SortDate, false, -5, 1, []string{"k3"}}, // negative offset is 0
	}
	for _, tt := range tests {
		page, total, err := s.List(Inbox, tt.key, tt.desc, tt.offset, tt.limit)
		if err != nil || total != 4 {
			t.Fatalf("List(%v) = total %d, %v, want 4, nil", tt.key, total, err)
		}
		if got := keysOf(page); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("List(%v, desc %v, %d, %d) = %v, want %v", tt.key, tt.desc, tt.offset, tt.limit, got, tt.want)
		}
	}
}

func TestListEntryFields(t *testing.T) {
	s := listFixture(t)
	page, _, err := s.List(Inbox, SortDate, false, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]Entry{}
	for _, e := range page {
		byKey[e.Key] = e
	}
	k2 := byKey["k2"]
	if !k2.Seen || !k2.Flagged || !k2.Answered || k2.Draft || k2.Trashed || k2.From != "Alice@x" || k2.Subject != "C subject" {
		t.Errorf("k2 = %+v", k2)
	}
	if k1 := byKey["k1"]; k1.Size != int64(len(msg("carol@x", "b subject", "Mon, 01 Jan 2024 10:00:00 +0000"))+300) {
		t.Errorf("k1.Size = %d", k1.Size)
	}
	if k4 := byKey["k4"]; k4.Seen {
		t.Errorf("k4 from new/ is Seen")
	}
	// new -> cur keeping the key and adding no flags.
	if got := names(t, s, Inbox, "new"); len(got) != 0 {
		t.Errorf("new/ after List = %v, want empty", got)
	}
	if _, err := os.Stat(filepath.Join(s.Root, "cur", "k4:2,")); err != nil {
		t.Errorf("k4 not moved to cur/k4:2,: %v", err)
	}
	// Flags come from the file names, not the cache.
	if err := os.Rename(filepath.Join(s.Root, "cur", "k3:2,"), filepath.Join(s.Root, "cur", "k3:2,DT")); err != nil {
		t.Fatal(err)
	}
	page, _, _ = s.List(Inbox, SortDate, false, 0, 1)
	if e := page[0]; e.Key != "k3" || !e.Draft || !e.Trashed || e.Seen {
		t.Errorf("after renaming k3: %+v", e)
	}
}

func TestListCacheIncremental(t *testing.T) {
	s, calls := testStore(t)
	for i := range 5 {
		put(t, s, Inbox, "cur", fmt.Sprintf("k%d:2,", i), msg("a", "s", ""))
	}
	list := func() []string {
		t.Helper()
		page, _, err := s.List(Inbox, SortDate, false, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return keysOf(page)
	}
	list()
	if n := calls.Swap(0); n != 5 {
		t.Errorf("cold List called Summarize %d times, want 5", n)
	}
	list()
	if n := calls.Swap(0); n != 0 {
		t.Errorf("warm List called Summarize %d times, want 0", n)
	}
	put(t, s, Inbox, "new", "k9", msg("a", "s", ""))
	if got := list(); len(got) != 6 {
		t.Errorf("List after delivery = %v", got)
	}
	if n := calls.Swap(0); n != 1 {
		t.Errorf("List after one delivery called Summarize %d times, want 1", n)
	}
	os.Remove(filepath.Join(s.Root, "cur", "k0:2,"))
	list()
	if c := loadCache(s.Root); len(c) != 5 || calls.Load() != 0 {
		t.Errorf("after removing k0: cache has %d entries, Summarize called %d times; want 5, 0", len(c), calls.Load())
	}
}

func TestListCorruptCacheRebuilt(t *testing.T) {
	s, calls := testStore(t)
	put(t, s, Inbox, "cur", "k1:2,", msg("a", "hello", ""))
	put(t, s, Inbox, "cur", "k2:2,", msg("b", "world", ""))
	if _, _, err := s.List(Inbox, SortDate, false, 0, 0); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.Root, CacheFile)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 0x40
	for name, data := range map[string][]byte{
		"truncated": good[:len(good)-3],
		"flipped":   flipped,
		"empty":     {},
		"garbage":   []byte("not a cache at all"),
		"magic":     []byte(cacheMagic),
	} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		calls.Store(0)
		page, total, err := s.List(Inbox, SortSubject, false, 0, 0)
		if err != nil || total != 2 || page[0].Subject != "hello" || page[1].Subject != "world" {
			t.Errorf("%s cache: List = %+v, %d, %v", name, page, total, err)
		}
		if calls.Load() != 2 {
			t.Errorf("%s cache: Summarize called %d times, want 2", name, calls.Load())
		}
		if c, err := os.ReadFile(path); err != nil || string(c[:8]) != cacheMagic {
			t.Errorf("%s cache: not rewritten", name)
		}
	}
}

func TestCacheRoundTrip(t *testing.T) {
	s := listFixture(t)
	page, _, err := s.List(Inbox, SortDate, false, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := loadCache(s.Root)
	for _, e := range page {
		got, ok := c[e.Key]
		if !ok || !got.Date.Equal(e.Date) || got.From != e.From || got.Subject != e.Subject || got.Size != e.Size {
			t.Errorf("cache[%q] = %+v, %v, want %+v", e.Key, got, ok, e)
		}
		if _, off := got.Date.Zone(); e.Key == "k2" && off != -2*3600 {
			t.Errorf("cache[k2] zone offset = %d, want -7200", off)
		}
	}
}

func TestListMalformed(t *testing.T) {
	s, _ := testStore(t)
	put(t, s, Inbox, "cur", "good:2,", msg("a", "fine", ""))
	put(t, s, Inbox, "cur", "panic:2,", "PANIC")
	put(t, s, Inbox, "cur", "junk:2,", "\x00\x01 no header here")
	if err := os.Mkdir(filepath.Join(s.Root, "cur", "dir:2,"), 0o700); err != nil { // unreadable
		t.Fatal(err)
	}
	put(t, s, Inbox, "cur", "bad\x01key:2,", msg("a", "hidden", "")) // invalid key: not listed
	s.Summarize = func(r io.Reader) Summary {
		b, _ := io.ReadAll(r)
		if string(b) == "PANIC" {
			panic("summarizer bug")
		}
		return headerSummary(strings.NewReader(string(b)))
	}
	page, total, err := s.List(Inbox, SortSubject, false, 0, 0)
	if err != nil || total != 4 {
		t.Fatalf("List = %v, %d, %v, want 4 entries", keysOf(page), total, err)
	}
	for _, e := range page {
		if want := e.Key != "good"; e.Malformed != want {
			t.Errorf("%s: Malformed = %v, want %v", e.Key, e.Malformed, want)
		}
	}
	if _, ok := loadCache(s.Root)["dir"]; ok {
		t.Errorf("an unreadable message was cached")
	}
}

func TestListLimitsRead(t *testing.T) {
	s, _ := testStore(t)
	put(t, s, Inbox, "cur", "big:2,", msg("a", "s", "")+strings.Repeat("x", 2*MaxSummarizeBytes))
	var n int64
	s.Summarize = func(r io.Reader) Summary {
		n, _ = io.Copy(io.Discard, r)
		return Summary{}
	}
	page, _, err := s.List(Inbox, SortDate, false, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n != MaxSummarizeBytes || page[0].Size <= MaxSummarizeBytes {
		t.Errorf("Summarize read %d bytes (size %d), want %d", n, page[0].Size, MaxSummarizeBytes)
	}
}

func TestListErrors(t *testing.T) {
	s, _ := testStore(t)
	if _, _, err := s.List("Nope", SortDate, false, 0, 10); !errors.Is(err, ErrNotFound) {
		t.Errorf("List(Nope) = %v, want ErrNotFound", err)
	}
	if _, _, err := s.List("../x", SortDate, false, 0, 10); !errors.Is(err, ErrInvalid) {
		t.Errorf("List(../x) = %v, want ErrInvalid", err)
	}
	s.Summarize = nil
	if _, _, err := s.List(Inbox, SortDate, false, 0, 10); err == nil {
		t.Errorf("List with nil Summarize = nil error")
	}
}

// TestListConcurrent runs List from several goroutines, standing in for
// concurrent CGI processes of one user, while mail arrives; the cache must
// end valid and complete.
func TestListConcurrent(t *testing.T) {
	s, _ := testStore(t)
	for i := range 200 {
		put(t, s, Inbox, "new", fmt.Sprintf("k%03d", i), msg("a", fmt.Sprint(i), ""))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				name := filepath.Join(s.Root, "new", fmt.Sprintf("g%d-%d", g, i))
				if err := os.WriteFile(name, []byte(msg("a", "late", "")), 0o600); err != nil {
					errs <- err
				}
				if _, _, err := s.List(Inbox, SortSubject, g%2 == 0, 0, 50); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent List: %v", err)
	}
	_, total, err := s.List(Inbox, SortDate, false, 0, 1)
	if err != nil || total != 240 {
		t.Fatalf("final List = %d, %v, want 240", total, err)
	}
	data, err := os.ReadFile(filepath.Join(s.Root, CacheFile))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := decodeCache(data); err != nil || len(c) != 240 {
		t.Errorf("cache after concurrent List: %d entries, %v; want 240, nil", len(c), err)
	}
	if left := names(t, s, Inbox, "tmp"); len(left) != 0 {
		t.Errorf("tmp/ holds %v", left)
	}
}

func TestParseSortKey(t *testing.T) {
	for _, k := range []SortKey{SortDate, SortFrom, SortSubject, SortSize} {
		if got := ParseSortKey(k.String()); got != k {
			t.Errorf("ParseSortKey(%q) = %v, want %v", k.String(), got, k)
		}
	}
	if got := ParseSortKey("bogus"); got != SortDate {
		t.Errorf("ParseSortKey(bogus) = %v, want date", got)
	}
}

// FuzzDecodeCache checks that any bytes either fail to decode or decode to
// a cache that encodes and decodes to the same records.
func FuzzDecodeCache(f *testing.F) {
	f.Add(encodeCache(map[string]*cached{"k1": {Summary: Summary{From: "a", Subject: "s"}, Size: 3}}))
	f.Add([]byte(cacheMagic + "\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := decodeCache(b)
		if err != nil {
			return
		}
		again, err := decodeCache(encodeCache(c))
		if err != nil || len(again) != len(c) {
			t.Fatalf("re-decoding = %d records, %v, want %d", len(again), err, len(c))
		}
		for k, e := range c {
			if g := again[k]; g == nil || g.From != e.From || g.Subject != e.Subject || g.Size != e.Size || !g.Date.Equal(e.Date) {
				t.Fatalf("record %q = %+v, want %+v", k, g, e)
			}
		}
	})
}
