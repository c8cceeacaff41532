package guard

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// MaxHold is how long a Ticket stays sound after Hold: Sweep removes no
// counter written in the last MaxHold, so the files a Ticket holds are
// still the ones in Dir when it records the outcome. A CGI request is much
// shorter.
const MaxHold = 10 * time.Minute

// holdTries bounds the retries of Hold when Sweep removes a counter
// between its open and its lock.
const holdTries = 3

// errRemoved means a held counter was removed from Dir (held past MaxHold).
var errRemoved = errors.New("guard: counter removed while held")

// A Ticket is the two counters of one attempt (the user name's and the
// address's), opened by Hold while the process may still write Dir (as
// root) and kept open across the privilege drop. An open descriptor keeps
// the access it was opened with, so the outcome, known only later, can
// still be recorded by Fail or Succeed; the descriptors reach those two
// files and nothing else in Dir, and close on exec. The zero of a
// *Ticket (nil) records nothing and says so.
type Ticket struct {
	g    *Guard
	user *os.File
	ip   *os.File
}

// Hold opens (creating them) the counters of user and ip for an attempt
// whose outcome is known only after the privilege drop. It counts
// nothing; Check still decides whether the attempt may go on.
func (g *Guard) Hold(user, ip string) (*Ticket, error) {
	if err := g.ensureDir(); err != nil {
		return nil, err
	}
	uf, err := g.hold(userFile(user))
	if err != nil {
		return nil, err
	}
	af, err := g.hold(ipFile(ip))
	if err != nil {
		uf.Close()
		return nil, err
	}
	return &Ticket{g: g, user: uf, ip: af}, nil
}

// Fail records a failure against both counters.
func (t *Ticket) Fail() error {
	if t == nil {
		return errors.New("guard: failure on no ticket")
	}
	now := t.g.now()
	bump := func(n int) int { return n + 1 }
	return errors.Join(t.g.update(t.user, now, bump), t.g.update(t.ip, now, bump))
}

// Succeed resets the user name's counter (not the address's: one valid
// account must not unlock an address that is guessing others).
func (t *Ticket) Succeed() error {
	if t == nil {
		return errors.New("guard: success on no ticket")
	}
	return t.g.update(t.user, t.g.now(), func(int) int { return 0 })
}

// Close releases the descriptors.
func (t *Ticket) Close() error {
	if t == nil {
		return nil
	}
	return errors.Join(t.user.Close(), t.ip.Close())
}

// hold opens the counter name, sure that it is the file in Dir, and
// writes it back (a forgotten one as "0 now"), which protects it from
// Sweep for MaxHold.
func (g *Guard) hold(name string) (*os.File, error) {
	for range holdTries {
		f, err := os.OpenFile(filepath.Join(g.Dir, name), os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o600)
		if err != nil {
			return nil, fmt.Errorf("guard: %w", err)
		}
		err = g.update(f, g.now(), func(n int) int { return n })
		if err == nil {
			return f, nil
		}
		f.Close()
		if !errors.Is(err, errRemoved) {
			return nil, err
		}
	}
	return nil, fmt.Errorf("guard: %s: removed at each of %d tries", name, holdTries)
}

// update applies change to the counter open in f, under an exclusive
// lock. A forgotten count is 0 before the change; the time of the last
// failure moves to now only when the count grows.
func (g *Guard) update(f *os.File, now time.Time, change func(int) int) error {
	if err := flock(f, syscall.LOCK_EX); err != nil {
		return err
	}
	defer flock(f, syscall.LOCK_UN)
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
	n, last := parseState(io.NewSectionReader(f, 0, maxStateBytes+1))
	if now.Sub(last) > g.limits().Window {
		n, last = 0, now
	}
	if m := change(n); m > n {
		n, last = m, now
	} else {
		n = m
	}
	line := strconv.Itoa(n) + " " + strconv.FormatInt(last.Unix(), 10) + "\n"
	if _, err := f.WriteAt([]byte(line), 0); err != nil {
		return fmt.Errorf("guard: %w", err)
	}
	if err := f.Truncate(int64(len(line))); err != nil {
		return fmt.Errorf("guard: %w", err)
	}
	return nil
}
