package maildir

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// TmpMaxAge is how long a file may lie in a tmp/ untouched before SweepTmp
// removes it: 36 hours, the Maildir convention (qmail's maildir(5),
// Dovecot, Courier). A writer done with a file renames it out of tmp/ at
// once; one left there longer was abandoned by a killed process (a draft
// save, a copy, a list cache write, a delivery).
const TmpMaxAge = 36 * time.Hour

// Default limits of one SweepTmp call, for a web request: the work is a
// readdir of each folder's tmp/ and an lstat per entry, so 1,000 entries
// take a few milliseconds.
const (
	DefaultSweepMaxEntries = 1000
	DefaultSweepBudget     = 25 * time.Millisecond
)

// SweepLimits bound one SweepTmp call. A zero or negative field means its
// default.
type SweepLimits struct {
	// MaxEntries is how many entries of tmp/ directories the call looks at,
	// over all folders.
	MaxEntries int
	// Budget is the wall time after which the call stops, at the next
	// entry.
	Budget time.Duration
}

// Swept is what one SweepTmp call did.
type Swept struct {
	Looked   int  // entries of tmp/ directories looked at
	Removed  int  // old regular files removed
	Complete bool // every tmp/ was read to its end within the limits
}

// SweepTmp removes from the tmp/ of the root and of every Maildir++ folder
// the regular files whose access and modification times are both more than
// TmpMaxAge before now.
//
// Both times, where qmail and Dovecot look at the access time alone: with
// noatime (or relatime) mounts the access time may not move while a file
// is written, its modification time does. The change time is not used: it
// moves whenever anyone renames, links or chmods the file.
//
// It never follows a symbolic link and never acts outside a tmp/: every
// directory is opened relative to its parent with O_NOFOLLOW, a folder is a
// direct child of the root whose name starts with '.' and which holds a
// cur/ directory, each entry is looked at with lstat relative to its tmp/
// and removed with unlinkat, which never removes a directory. Symbolic
// links, directories, sockets and other non-regular entries stay, as do
// tmp/ directories that are themselves symbolic links.
//
// The limits bound the work; the folders are visited from a random one on,
// so that a large tmp/ early in the list cannot starve the others call
// after call. A file another process removed or renamed meanwhile is not an
// error; every other failure is reported, joined, after the rest was swept.
func (s *Store) SweepTmp(now time.Time, lim SweepLimits) (Swept, error) {
	start := time.Now()
	return s.sweepTmp(now, lim, rand.IntN, func() time.Duration { return time.Since(start) })
}

// sweepTmp is SweepTmp with its random start (intn) and clock (elapsed)
// given, for tests.
func (s *Store) sweepTmp(now time.Time, lim SweepLimits, intn func(int) int, elapsed func() time.Duration) (Swept, error) {
	if lim.MaxEntries <= 0 {
		lim.MaxEntries = DefaultSweepMaxEntries
	}
	if lim.Budget <= 0 {
		lim.Budget = DefaultSweepBudget
	}
	var sw Swept
	dir, err := os.Open(s.Root)
	if err != nil {
		return sw, fmt.Errorf("maildir: sweep tmp: %w", err)
	}
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return sw, fmt.Errorf("maildir: sweep tmp: %w", err)
	}
	folders := []string{""} // "": the root itself, the INBOX
	for _, n := range names {
		if len(n) > 1 && n[0] == '.' && n != ".." {
			folders = append(folders, n)
		}
	}
	root := int(dir.Fd())
	first := intn(len(folders))
	sw.Complete = true
	var errs []error
	for i := range folders {
		name := folders[(first+i)%len(folders)]
		done, err := sweepFolder(root, name, now, lim, elapsed, &sw)
		if err != nil {
			errs = append(errs, fmt.Errorf("maildir: sweep %s: %w", filepath.Join(s.Root, name, "tmp"), err))
		}
		if !done {
			sw.Complete = false
			break
		}
	}
	return sw, errors.Join(errs...)
}

// sweepFolder sweeps the tmp/ of the folder directory name under the
// directory root ("" for root itself). It reports whether it read the
// whole tmp/ (or there was none to read) before a limit stopped it; an
// entry it could not remove does not stop it: the first such error is
// returned with the number of others.
func sweepFolder(root int, name string, now time.Time, lim SweepLimits, elapsed func() time.Duration, sw *Swept) (bool, error) {
	folder := root
	if name != "" {
		fd, err := unix.Openat(root, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return true, ignoreGone(err) // a symbolic link, a file, gone
		}
		defer unix.Close(fd)
		var st unix.Stat_t
		if unix.Fstatat(fd, "cur", &st, unix.AT_SYMLINK_NOFOLLOW) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return true, nil // not a Maildir folder
		}
		folder = fd
	}
	tmp, err := unix.Openat(folder, "tmp", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return true, ignoreGone(err)
	}
	f := os.NewFile(uintptr(tmp), "tmp") // owns tmp from here on
	defer f.Close()
	var first error
	failed := 0
	result := func(done bool) (bool, error) {
		if failed > 1 {
			first = fmt.Errorf("%w (and %d more)", first, failed-1)
		}
		return done, first
	}
	for {
		if sw.Looked >= lim.MaxEntries || elapsed() >= lim.Budget {
			return result(false)
		}
		entries, err := f.ReadDir(min(lim.MaxEntries-sw.Looked, 128)) // > 0
		for _, e := range entries {
			if elapsed() >= lim.Budget {
				return result(false)
			}
			sw.Looked++
			removed, err := sweepEntry(tmp, e.Name(), now)
			if err != nil {
				if failed++; first == nil {
					first = err
				}
			}
			if removed {
				sw.Removed++
			}
		}
		switch {
		case err == io.EOF:
			return result(true)
		case err != nil:
			if failed++; first == nil {
				first = err
			}
			return result(true) // an unreadable tmp/ is not a limit
		}
	}
}

// sweepEntry removes the entry name of the tmp/ directory dir when it is a
// regular file older than TmpMaxAge by both its access and modification
// times.
func sweepEntry(dir int, name string, now time.Time) (bool, error) {
	var st unix.Stat_t
	if err := unix.Fstatat(dir, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		if err = ignoreGone(err); err != nil {
			return false, fmt.Errorf("lstat %s: %w", name, err)
		}
		return false, nil
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return false, nil
	}
	last := time.Unix(st.Mtim.Unix())
	if a := time.Unix(st.Atim.Unix()); a.After(last) {
		last = a
	}
	if now.Sub(last) <= TmpMaxAge {
		return false, nil
	}
	if err := unlinkat(dir, name, 0); err != nil {
		if err = ignoreGone(err); err != nil {
			return false, fmt.Errorf("unlink %s: %w", name, err)
		}
		return false, nil
	}
	return true, nil
}

// unlinkat is unix.Unlinkat; the tests make it fail.
var unlinkat = unix.Unlinkat

// ignoreGone turns the errors of something that is not (or no longer) what
// the sweep looks for into nil: removed or renamed meanwhile, a symbolic
// link where O_NOFOLLOW refuses one, not a directory.
func ignoreGone(err error) error {
	switch {
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.ELOOP), errors.Is(err, unix.ENOTDIR):
		return nil
	}
	return err
}
