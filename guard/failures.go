package guard

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The record of failed logins (doc.go, "Failed logins for the history").

// MaxFailures is how many failures the record of one name keeps: the
// newest, as many as the login history shows.
const MaxFailures = 50

// maxFailLine bounds one line of a record; maxFailBytes the whole file (a
// longer file is read as empty and rewritten).
const (
	maxFailLine  = 128
	maxFailBytes = MaxFailures * maxFailLine
)

// FailKeep is how long the record of a name stays after its last
// failure when nobody logs in as it; MaxFailRecords is how many records
// Sweep keeps at most (the newest).
const (
	FailKeep       = 90 * 24 * time.Hour
	MaxFailRecords = 10000
)

// A Failure is one failed login at a name, as the root room saw it.
type Failure struct {
	Time    time.Time
	IP      string // the client address, in canonical form
	Reason  string // a short token: "password", "locked", "client-cert"
	Browser string // package useragent's short name
}

// failFile is the record file name of a user name.
func failFile(user string) string { return "f-" + userFile(user)[2:] }

// token keeps s if it is a short word of letters, digits, '.', '+' and
// '-', else "-": a record line is four such fields.
func token(s string) string {
	if s == "" || len(s) > 32 {
		return "-"
	}
	for _, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '+' || c == '-' || c == ':'
		if !ok {
			return "-"
		}
	}
	return s
}

// formatFailure is the line of f.
func formatFailure(f Failure) string {
	ip := "-"
	if a, err := netip.ParseAddr(f.IP); err == nil {
		ip = a.Unmap().String()
	}
	return strconv.FormatInt(f.Time.Unix(), 10) + " " + ip + " " + token(f.Reason) + " " + token(f.Browser) + "\n"
}

// ParseFailures reads a record: one "unix-seconds address reason
// browser" line per failure, oldest first. A line that is not one is
// skipped; the rest are kept.
func ParseFailures(r io.Reader) []Failure {
	b, _ := io.ReadAll(io.LimitReader(r, maxFailBytes+1))
	if len(b) > maxFailBytes {
		return nil
	}
	var out []Failure
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 4 || len(line) > maxFailLine {
			continue
		}
		sec, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || sec < 0 {
			continue
		}
		if f[1] != "-" {
			if _, err := netip.ParseAddr(f[1]); err != nil {
				continue
			}
		}
		if token(f[2]) != f[2] || token(f[3]) != f[3] {
			continue
		}
		out = append(out, Failure{Time: time.Unix(sec, 0), IP: f[1], Reason: f[2], Browser: f[3]})
	}
	return out
}

// NoteFailure adds f to the record of user, which keeps the newest
// MaxFailures. It is called for every name tried, existing or not, so
// that the cost of a failure says nothing of whether the account exists.
func (g *Guard) NoteFailure(user string, f Failure) error {
	if err := g.ensureDir(); err != nil {
		return err
	}
	return g.editFailures(user, os.O_CREATE, func(old []Failure) []Failure {
		all := append(old, f)
		return all[max(0, len(all)-MaxFailures):]
	})
}

// TakeFailures returns the record of user and empties it: the root room
// calls it at a successful password login, before the drop, and hands the
// failures to the app, which folds them into the user's history.
func (g *Guard) TakeFailures(user string) ([]Failure, error) {
	if err := g.ensureDir(); err != nil {
		return nil, err
	}
	var taken []Failure
	err := g.editFailures(user, 0, func(old []Failure) []Failure {
		taken = old
		return nil
	})
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return taken, err
}

// editFailures replaces the record of user by change(record), under an
// exclusive lock on the file itself, creating it when create is
// os.O_CREATE (else a missing record is an fs.ErrNotExist). An empty result removes the file
// (under the lock); a file removed by another process between the open
// and the lock is opened again.
func (g *Guard) editFailures(user string, create int, change func([]Failure) []Failure) error {
	path := filepath.Join(g.Dir, failFile(user))
	for range holdTries {
		f, err := os.OpenFile(path, os.O_RDWR|create|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o600)
		if err != nil {
			return fmt.Errorf("guard: %w", err)
		}
		err = g.editOpen(f, path, change)
		f.Close()
		if !errors.Is(err, errRemoved) {
			return err
		}
	}
	return fmt.Errorf("guard: %s: removed at each of %d tries", failFile(user), holdTries)
}

func (g *Guard) editOpen(f *os.File, path string, change func([]Failure) []Failure) error {
	if err := flock(f, syscall.LOCK_EX); err != nil {
		return err
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		return fmt.Errorf("guard: %w", err)
	}
	switch {
	case st.Mode&syscall.S_IFMT != syscall.S_IFREG:
		return fmt.Errorf("guard: %s is not a regular file", f.Name())
	case st.Nlink == 0:
		return errRemoved
	}
	list := change(ParseFailures(io.NewSectionReader(f, 0, maxFailBytes+1)))
	if len(list) == 0 {
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("guard: %w", err)
		}
		return nil
	}
	var b strings.Builder
	for _, x := range list {
		b.WriteString(formatFailure(x))
	}
	if _, err := f.WriteAt([]byte(b.String()), 0); err != nil {
		return fmt.Errorf("guard: %w", err)
	}
	if err := f.Truncate(int64(b.Len())); err != nil {
		return fmt.Errorf("guard: %w", err)
	}
	return nil
}

// sweepFailures removes the records not written for FailKeep and, past
// keep (MaxFailRecords), the oldest, each under its lock.
func (g *Guard) sweepFailures(entries []os.DirEntry, keep int) error {
	type rec struct {
		name string
		mod  time.Time
	}
	var recs []rec
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "f-") {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		recs = append(recs, rec{e.Name(), fi.ModTime()})
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].mod.After(recs[j].mod) })
	now := g.now()
	var errs []error
	for i, r := range recs {
		if i < keep && now.Sub(r.mod) <= FailKeep {
			continue
		}
		if err := g.removeLocked(filepath.Join(g.Dir, r.name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// removeLocked removes path under its exclusive lock.
func (g *Guard) removeLocked(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := flock(f, syscall.LOCK_EX); err != nil {
		return err
	}
	return os.Remove(path)
}
