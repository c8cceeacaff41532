package maildir

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// sweepNow is the "now" of the sweep tests.
var sweepNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// age sets the access and modification times of path (not following a
// symbolic link) to sweepNow minus atime and mtime.
func age(t *testing.T, path string, atime, mtime time.Duration) {
	t.Helper()
	ts := []unix.Timespec{
		unix.NsecToTimespec(sweepNow.Add(-atime).UnixNano()),
		unix.NsecToTimespec(sweepNow.Add(-mtime).UnixNano()),
	}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, path, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		t.Fatal(err)
	}
}

// touch writes a file at path (making its directory) with the times given.
func touch(t *testing.T, path string, atime, mtime time.Duration) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("partial message"), 0o600); err != nil {
		t.Fatal(err)
	}
	// os.Chtimes, as the tests of the standard convention do: it follows
	// no link here, path is a regular file.
	if err := os.Chtimes(path, sweepNow.Add(-atime), sweepNow.Add(-mtime)); err != nil {
		t.Fatal(err)
	}
}

// files returns every path under root, relative, sorted, directories with
// a trailing "/", symbolic links with " ->".
func files(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case fi.IsDir():
			rel += "/"
		case fi.Mode()&os.ModeSymlink != 0:
			rel += " ->"
		}
		out = append(out, rel)
		return nil
	})
	slices.Sort(out)
	return out
}

func noRandom(int) int { return 0 }

func noClock() time.Duration { return 0 }

func TestSweepTmp(t *testing.T) {
	s, _ := testStore(t)
	for _, f := range []string{"Drafts", "Lists.Go"} {
		if err := s.CreateFolder(f); err != nil {
			t.Fatal(err)
		}
	}
	root := s.Root
	outside := t.TempDir() // what no sweep may touch
	const old, young = 40 * time.Hour, time.Hour
	const edge = TmpMaxAge

	ages := []struct {
		path         string
		atime, mtime time.Duration
		gone         bool
	}{
		{"tmp/old", old, old, true},
		{"tmp/young", young, young, false},
		{"tmp/read-lately", young, old, false},    // atime moved: someone still uses it
		{"tmp/written-lately", old, young, false}, // mtime moved: noatime mount, still written
		{"tmp/just-36h", edge, edge, false},       // not more than TmpMaxAge
		{"tmp/36h-and-1s", edge + time.Second, edge + time.Second, true},
		{"tmp/.hidden", old, old, true}, // any name
		{".Drafts/tmp/draft-killed-mid-write", old, old, true},
		{".Lists.Go/tmp/cache", old, old, true}, // a Maildir++ subfolder
		{"cur/1.old:2,S", old, old, false},      // mail: never outside tmp/
		{"new/2.old", old, old, false},
		{"postern/tmp/old", old, old, false},       // postern's own tmp, not a folder's
		{".nofolder/tmp/old", old, old, false},     // no cur/: not a Maildir folder
		{"tmp/olddir/old-inside", old, old, false}, // no recursion
	}
	for _, a := range ages {
		touch(t, filepath.Join(root, a.path), a.atime, a.mtime)
	}
	age(t, filepath.Join(root, "tmp", "olddir"), old, old) // a directory, old
	// A symbolic link in tmp/ to an old file elsewhere, itself old: the
	// link stays and so does its target.
	touch(t, filepath.Join(outside, "target"), old, old)
	if err := os.Symlink(filepath.Join(outside, "target"), filepath.Join(root, "tmp", "link")); err != nil {
		t.Fatal(err)
	}
	age(t, filepath.Join(root, "tmp", "link"), old, old)
	// A FIFO, old.
	if err := syscall.Mkfifo(filepath.Join(root, "tmp", "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	age(t, filepath.Join(root, "tmp", "fifo"), old, old)
	// A folder whose tmp/ is a symbolic link out of the Maildir, and a
	// folder that is one: nothing behind them is touched.
	touch(t, filepath.Join(outside, "linkedtmp", "old"), old, old)
	os.MkdirAll(filepath.Join(root, ".Evil", "cur"), 0o700)
	if err := os.Symlink(filepath.Join(outside, "linkedtmp"), filepath.Join(root, ".Evil", "tmp")); err != nil {
		t.Fatal(err)
	}
	touch(t, filepath.Join(outside, "folder", "tmp", "old"), old, old)
	os.MkdirAll(filepath.Join(outside, "folder", "cur"), 0o700)
	if err := os.Symlink(filepath.Join(outside, "folder"), filepath.Join(root, ".Linked")); err != nil {
		t.Fatal(err)
	}
	before, outsideBefore := files(t, root), files(t, outside)

	got, err := s.sweepTmp(sweepNow, SweepLimits{}, noRandom, noClock)
	if err != nil {
		t.Fatalf("SweepTmp = %v", err)
	}
	var want []string
	removed := 0
	for _, p := range before {
		gone := false
		for _, a := range ages {
			if a.path == p && a.gone {
				gone = true
				removed++
			}
		}
		if !gone {
			want = append(want, p)
		}
	}
	if after := files(t, root); !slices.Equal(after, want) {
		t.Errorf("after SweepTmp the Maildir holds\n%s\nwant\n%s", strings.Join(after, "\n"), strings.Join(want, "\n"))
	}
	if after := files(t, outside); !slices.Equal(after, outsideBefore) {
		t.Errorf("SweepTmp changed what is outside the Maildir:\n%s\nwant\n%s", strings.Join(after, "\n"), strings.Join(outsideBefore, "\n"))
	}
	// Looked: the entries of tmp/ (7 files and olddir, link, fifo),
	// .Drafts/tmp and .Lists.Go/tmp (1 each).
	if wantSw := (Swept{Looked: 10 + 1 + 1, Removed: removed, Complete: true}); got != wantSw {
		t.Errorf("SweepTmp = %+v, want %+v", got, wantSw)
	}
	// A second sweep finds nothing more.
	if got, err := s.sweepTmp(sweepNow, SweepLimits{}, noRandom, noClock); err != nil || got.Removed != 0 || !got.Complete {
		t.Errorf("second SweepTmp = %+v, %v, want nothing removed, complete", got, err)
	}
}

// oldFiles puts n old files into the tmp/ of each folder given.
func oldFiles(t *testing.T, s *Store, n int, folders ...string) {
	t.Helper()
	for _, f := range folders {
		dir, err := s.folderDir(f)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			touch(t, filepath.Join(dir, "tmp", fmt.Sprintf("old%d", i)), 40*time.Hour, 40*time.Hour)
		}
	}
}

// TestSweepTmpMaxEntries: one call looks at no more than MaxEntries, over
// every folder, and later calls go on.
func TestSweepTmpMaxEntries(t *testing.T) {
	s, _ := testStore(t)
	if err := s.CreateFolder("Drafts"); err != nil {
		t.Fatal(err)
	}
	oldFiles(t, s, 3, "INBOX", "Drafts")
	lim := SweepLimits{MaxEntries: 4, Budget: time.Hour}
	want := []Swept{
		{Looked: 4, Removed: 4, Complete: false},
		{Looked: 2, Removed: 2, Complete: true},
		{Looked: 0, Removed: 0, Complete: true},
	}
	for i, w := range want {
		got, err := s.sweepTmp(sweepNow, lim, noRandom, noClock)
		if err != nil || got != w {
			t.Errorf("call %d: SweepTmp(MaxEntries 4) = %+v, %v, want %+v", i+1, got, err, w)
		}
	}
}

// TestSweepTmpBudget: a call stops once its time is up, and the random
// start lets every folder have its turn.
func TestSweepTmpBudget(t *testing.T) {
	s, _ := testStore(t)
	if err := s.CreateFolder("Drafts"); err != nil {
		t.Fatal(err)
	}
	oldFiles(t, s, 5, "INBOX", "Drafts")
	var calls time.Duration
	tick := func() time.Duration { calls += time.Millisecond; return calls } // 1 ms a look at the clock
	lim := SweepLimits{MaxEntries: 1000, Budget: 4 * time.Millisecond}
	got, err := s.sweepTmp(sweepNow, lim, func(n int) int { return n - 1 }, tick) // the last folder first
	if err != nil {
		t.Fatal(err)
	}
	if got.Complete || got.Looked == 0 || got.Looked >= 10 {
		t.Errorf("SweepTmp(Budget 4 ms, 1 ms a tick) = %+v, want it stopped after a few entries", got)
	}
	total := got.Removed
	for range 20 {
		calls = 0
		got, err := s.sweepTmp(sweepNow, lim, noRandom, tick)
		if err != nil {
			t.Fatal(err)
		}
		total += got.Removed
		if got.Complete {
			break
		}
	}
	if total != 10 {
		t.Errorf("repeated SweepTmp calls removed %d files, want all 10", total)
	}
}

// TestSweepTmpDefaults: zero limits mean the defaults, and SweepTmp
// (with the real clock and a random start) sweeps a small Maildir whole.
func TestSweepTmpDefaults(t *testing.T) {
	s, _ := testStore(t)
	dir := filepath.Join(s.Root, "tmp")
	for i := range DefaultSweepMaxEntries + 1 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("young%d", i)), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.sweepTmp(time.Now(), SweepLimits{}, noRandom, noClock)
	if want := (Swept{Looked: DefaultSweepMaxEntries}); err != nil || got != want {
		t.Errorf("SweepTmp(zero limits) over %d entries = %+v, %v, want %+v", DefaultSweepMaxEntries+1, got, err, want)
	}

	s, _ = testStore(t)
	if err := s.CreateFolder("Drafts"); err != nil {
		t.Fatal(err)
	}
	oldFiles(t, s, 2, "INBOX", "Drafts")
	got, err = s.SweepTmp(sweepNow, SweepLimits{Budget: time.Minute})
	if want := (Swept{Looked: 4, Removed: 4, Complete: true}); err != nil || got != want {
		t.Errorf("SweepTmp = %+v, %v, want %+v", got, err, want)
	}
}

// TestSweepTmpUnremovable: files that cannot be removed are reported,
// the first by name and the others counted, and the other folders are
// swept all the same.
func TestSweepTmpUnremovable(t *testing.T) {
	s, _ := testStore(t)
	if err := s.CreateFolder("Drafts"); err != nil {
		t.Fatal(err)
	}
	oldFiles(t, s, 2, "Drafts")
	for _, name := range []string{"stuck0", "stuck1"} {
		touch(t, filepath.Join(s.Root, "tmp", name), 40*time.Hour, 40*time.Hour)
	}
	unlinkat = func(dir int, name string, flags int) error {
		if strings.HasPrefix(name, "stuck") {
			return unix.EACCES
		}
		return unix.Unlinkat(dir, name, flags)
	}
	t.Cleanup(func() { unlinkat = unix.Unlinkat })
	got, err := s.sweepTmp(sweepNow, SweepLimits{}, noRandom, noClock)
	tmp := filepath.Join(s.Root, "tmp")
	if err == nil || !strings.Contains(err.Error(), "maildir: sweep "+tmp+": unlink stuck") || !strings.Contains(err.Error(), "(and 1 more)") {
		t.Errorf("SweepTmp with two files it cannot remove: error %v, want the first unlink failure and a count", err)
	}
	if want := (Swept{Looked: 4, Removed: 2, Complete: true}); got != want {
		t.Errorf("SweepTmp with two files it cannot remove = %+v, want %+v", got, want)
	}
	if left := files(t, filepath.Join(s.Root, ".Drafts", "tmp")); len(left) != 0 {
		t.Errorf("Drafts' tmp/ after SweepTmp holds %q, want nothing", left)
	}
}

// BenchmarkSweepTmp: one call over 20 folders whose tmp/ holds nothing to
// remove (what a request pays), 100 young files in the INBOX's.
func BenchmarkSweepTmp(b *testing.B) {
	s, _ := testStore(b)
	for i := range 20 {
		if err := s.CreateFolder(fmt.Sprintf("F%d", i)); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 100 {
		os.WriteFile(filepath.Join(s.Root, "tmp", fmt.Sprintf("young%d", i)), nil, 0o600)
	}
	for b.Loop() {
		if sw, err := s.SweepTmp(time.Now(), SweepLimits{Budget: time.Minute}); err != nil || !sw.Complete || sw.Removed != 0 {
			b.Fatalf("SweepTmp = %+v, %v", sw, err)
		}
	}
}
