package guard

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"postern/internal/lockfile"
	"postern/internal/privfile"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Limits are the thresholds of a Guard. Zero fields take the defaults.
type Limits struct {
	Free     int           // failures without delay (default 3)
	MaxDelay time.Duration // longest delay (default 8s)
	UserLock int           // failures that lock a user name (default 10)
	IPLock   int           // failures that lock an address (default 50)
	Window   time.Duration // a counter is forgotten this long after its last failure (default 15m)
}

// Defaults of Limits.
const (
	DefaultFree     = 3
	DefaultMaxDelay = 8 * time.Second
	DefaultUserLock = 10
	DefaultIPLock   = 50
	DefaultWindow   = 15 * time.Minute
)

// maxStateBytes bounds a counter file; a longer one is treated as empty.
const maxStateBytes = 64

// Guard counts failed logins in Dir.
type Guard struct {
	Dir    string
	Limits Limits
	Now    func() time.Time // nil: time.Now
}

// Verdict is what Check decides for a login attempt.
type Verdict struct {
	Delay  time.Duration // sleep this long before asking the backend
	Locked bool          // refuse without asking the backend
	Reason string        // "user locked" or "address locked", for the log
}

func (g *Guard) limits() Limits {
	l := g.Limits
	if l.Free <= 0 {
		l.Free = DefaultFree
	}
	if l.MaxDelay <= 0 {
		l.MaxDelay = DefaultMaxDelay
	}
	if l.UserLock <= 0 {
		l.UserLock = DefaultUserLock
	}
	if l.IPLock <= 0 {
		l.IPLock = DefaultIPLock
	}
	if l.Window <= 0 {
		l.Window = DefaultWindow
	}
	return l
}

func (g *Guard) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

// Check returns the verdict for an attempt at user from ip. It changes
// nothing.
func (g *Guard) Check(user, ip string) (Verdict, error) {
	if err := g.ensureDir(); err != nil {
		return Verdict{}, err
	}
	l := g.limits()
	nu, err := g.count(userFile(user))
	if err != nil {
		return Verdict{}, err
	}
	ni, err := g.count(ipFile(ip))
	if err != nil {
		return Verdict{}, err
	}
	switch {
	case nu >= l.UserLock:
		return Verdict{Locked: true, Reason: "user locked"}, nil
	case ni >= l.IPLock:
		return Verdict{Locked: true, Reason: "address locked"}, nil
	}
	// An address's failures count at the rate of the user limit to the
	// address limit: a shared address (a NAT) is slowed later than a name.
	return Verdict{Delay: Delay(max(nu, ni*l.UserLock/l.IPLock), l)}, nil
}

// Delay is the wait after n failures under l: none up to l.Free, then
// doubling from one second, at most l.MaxDelay.
func Delay(n int, l Limits) time.Duration {
	if n <= l.Free {
		return 0
	}
	shift := n - l.Free - 1
	if shift > 30 {
		return l.MaxDelay
	}
	return min(time.Second<<shift, l.MaxDelay)
}

// Fail records a failed login at user from ip.
func (g *Guard) Fail(user, ip string) error {
	t, err := g.Hold(user, ip)
	if err != nil {
		return err
	}
	return errors.Join(t.Fail(), t.Close())
}

// Succeed resets the counter of user after a successful login.
func (g *Guard) Succeed(user string) error {
	if err := g.ensureDir(); err != nil {
		return err
	}
	err := os.Remove(filepath.Join(g.Dir, userFile(user)))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("guard: %w", err)
	}
	return nil
}

// Sweep removes the counters forgotten by now: older than Limits.Window
// and not written (by a failure or a Hold) for MaxHold. Each is removed
// under its exclusive lock, so a Hold never keeps a removed file. It
// also removes the records of failures not written for FailKeep, and the
// oldest beyond MaxFailRecords.
func (g *Guard) Sweep() error {
	entries, err := os.ReadDir(g.Dir)
	if err != nil {
		return fmt.Errorf("guard: %w", err)
	}
	errs := []error{g.sweepFailures(entries, MaxFailRecords)}
	for _, e := range entries {
		// Only counters: others keep their own files in Dir (the
		// account cache's directory, accounts/).
		if !strings.HasPrefix(e.Name(), "u-") && !strings.HasPrefix(e.Name(), "i-") {
			continue
		}
		if err := g.sweepOne(e.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// sweepOne removes the counter name if it is forgotten.
func (g *Guard) sweepOne(name string) error {
	path := filepath.Join(g.Dir, name)
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := flock(f, syscall.LOCK_EX); err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	_, last := parseState(io.NewSectionReader(f, 0, maxStateBytes+1))
	now := g.now()
	if now.Sub(last) <= g.limits().Window || now.Sub(fi.ModTime()) <= MaxHold {
		return nil
	}
	return os.Remove(path)
}

// userFile is the counter file name of a user name.
func userFile(user string) string {
	sum := sha256.Sum256([]byte(user))
	return "u-" + hex.EncodeToString(sum[:])
}

// ipFile is the counter file name of an address; an unparsable one shares
// the name "i-unknown".
func ipFile(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "i-unknown"
	}
	b := a.Unmap().As16()
	return "i-" + hex.EncodeToString(b[:])
}

// count reads a counter under a shared lock; a forgotten one is 0.
func (g *Guard) count(name string) (int, error) {
	f, err := os.OpenFile(filepath.Join(g.Dir, name), os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("guard: %w", err)
	}
	defer f.Close()
	if err := flock(f, syscall.LOCK_SH); err != nil {
		return 0, err
	}
	n, last := parseState(f)
	if g.now().Sub(last) > g.limits().Window {
		return 0, nil
	}
	return n, nil
}

// parseState reads "count last" from r; anything else is no failures.
func parseState(r io.Reader) (n int, last time.Time) {
	b, _ := io.ReadAll(io.LimitReader(r, maxStateBytes+1))
	if len(b) > maxStateBytes {
		return 0, time.Time{}
	}
	fields := strings.Fields(string(b))
	if len(fields) != 2 {
		return 0, time.Time{}
	}
	n, err1 := strconv.Atoi(fields[0])
	t, err2 := strconv.ParseInt(fields[1], 10, 64)
	if err1 != nil || err2 != nil || n < 0 {
		return 0, time.Time{}
	}
	return n, time.Unix(t, 0)
}

func flock(f *os.File, how int) error {
	if err := lockfile.Flock(f, how); err != nil {
		return fmt.Errorf("guard: %w", err)
	}
	return nil
}

// ensureDir creates Dir with mode 700 and refuses a directory that is a
// symbolic link, not owned by the effective user, or open to others.
func (g *Guard) ensureDir() error { return privfile.EnsureDir("guard", g.Dir) }
