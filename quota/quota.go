// Package quota reads a Maildir++ quota (the maildirsize file that
// Courier's maildrop, Dovecot's quota plugin with "maildir" backend and
// maildirmake -q keep in the Maildir's root, maildirquota(7)) and adds the
// messages postern itself writes to it.
//
// maildirsize's first line is the quota: comma-separated limits, a
// number followed by S (bytes) or C (messages), such as "1000000S,1000C".
// Each further line is "bytes count", a change that a writer appended;
// their sums are the use. A file with no limit, a missing file, or one
// that cannot be read means no quota (ok false): postern then neither
// shows a bar nor refuses a save. At most MaxFileBytes of the file are
// read; Courier rewrites the file when it grows past 5120 bytes, and a
// longer one is read as far as the limit.
//
// Add appends "bytes count" when postern adds mail (a draft, a Sent
// copy, a copy to another folder) or removes it for good (negative), as
// maildirquota(7) asks of every writer, with O_APPEND so that concurrent
// writers' lines stay whole. A quota command (for quotas kept outside the
// Maildir) is not supported.
package quota

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// File is the name of the quota file in the Maildir's root; MaxFileBytes
// bounds what is read of it.
const (
	File         = "maildirsize"
	MaxFileBytes = 64 << 10
	WarnPercent  = 90 // the page warns from here on
)

// ErrOver is returned by Check for a message that would not fit.
var ErrOver = errors.New("quota: the mailbox is full")

// Usage is a Maildir's use and quota; a limit of 0 is no limit.
type Usage struct {
	Bytes, Count       int64
	MaxBytes, MaxCount int64
}

// Parse reads maildirsize. ok is false when it sets no limit.
func Parse(r io.Reader) (u Usage, ok bool, err error) {
	sc := bufio.NewScanner(io.LimitReader(r, MaxFileBytes))
	if !sc.Scan() {
		return u, false, sc.Err()
	}
	for _, l := range strings.Split(strings.TrimSpace(sc.Text()), ",") {
		l = strings.TrimSpace(l)
		if len(l) < 2 {
			continue
		}
		n, err := strconv.ParseInt(l[:len(l)-1], 10, 64)
		if err != nil || n < 0 {
			return u, false, fmt.Errorf("quota: %s: bad limit %q", File, l)
		}
		switch l[len(l)-1] {
		case 'S':
			u.MaxBytes = n
		case 'C':
			u.MaxCount = n
		}
	}
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue // a line cut by the size limit, or garbage
		}
		b, err1 := strconv.ParseInt(f[0], 10, 64)
		c, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		u.Bytes += b
		u.Count += c
	}
	u.Bytes, u.Count = max(u.Bytes, 0), max(u.Count, 0)
	return u, u.MaxBytes > 0 || u.MaxCount > 0, sc.Err()
}

// Read reads maildir's maildirsize (never through a symbolic link).
func Read(maildir string) (Usage, bool) {
	f, err := os.OpenFile(filepath.Join(maildir, File), os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return Usage{}, false
	}
	defer f.Close()
	u, ok, err := Parse(f)
	if err != nil {
		return Usage{}, false
	}
	return u, ok
}

// Percent is the larger of the byte and the message use, in percent of
// its limit.
func (u Usage) Percent() int {
	p := 0
	if u.MaxBytes > 0 {
		p = int(u.Bytes * 100 / u.MaxBytes)
	}
	if u.MaxCount > 0 {
		p = max(p, int(u.Count*100/u.MaxCount))
	}
	return p
}

// Fits reports whether one more message of n bytes stays within the
// limits.
func (u Usage) Fits(n int64) bool {
	return (u.MaxBytes == 0 || u.Bytes+n <= u.MaxBytes) && (u.MaxCount == 0 || u.Count+1 <= u.MaxCount)
}

// Check returns ErrOver when maildir has a quota that one more message of
// n bytes would exceed.
func Check(maildir string, n int64) error {
	if u, ok := Read(maildir); ok && !u.Fits(n) {
		return fmt.Errorf("%w (%d of %d bytes, %d of %d messages)", ErrOver, u.Bytes, u.MaxBytes, u.Count, u.MaxCount)
	}
	return nil
}

// Add appends a change of bytes and count messages (negative for mail
// removed) to maildir's maildirsize, if it has one.
func Add(maildir string, bytes, count int64) error {
	f, err := os.OpenFile(filepath.Join(maildir, File), os.O_WRONLY|os.O_APPEND|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("quota: %w", err)
	}
	defer f.Close()
	if _, err := fmt.Fprintf(f, "%d %d\n", bytes, count); err != nil {
		return fmt.Errorf("quota: %w", err)
	}
	return nil
}
