package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"postern/compose"
	"postern/httpcgi"
	"postern/quota"
	"postern/templates"
)

// quotaBar is the quota line of every page, or nil when the Maildir has
// no maildirsize with a limit.
func (a *app) quotaBar() *templates.QuotaData {
	u, ok := quota.Read(a.acct.Maildir)
	if !ok {
		return nil
	}
	d := &templates.QuotaData{Percent: u.Percent()}
	d.Warn = d.Percent >= quota.WarnPercent
	byCount := u.MaxCount > 0 && (u.MaxBytes == 0 || u.Count*u.MaxBytes > u.Bytes*u.MaxCount)
	if byCount {
		d.Used, d.Limit = fmt.Sprintf("%d messages", u.Count), fmt.Sprintf("%d", u.MaxCount)
	} else {
		d.Used, d.Limit = templates.HumanSize(u.Bytes), templates.HumanSize(u.MaxBytes)
	}
	return d
}

// quotaProblem is the compose form's text for a copy that would not fit,
// or "" when it fits (or there is no quota).
func (a *app) quotaProblem(d *compose.Draft, what string) (int, string) {
	var n countWriter
	if _, err := d.BuildDraft(&n, time.Now(), ""); err != nil {
		return 0, "" // Validate passed; the real build reports it
	}
	if err := quota.Check(a.acct.Maildir, int64(n)); errors.Is(err, quota.ErrOver) {
		return httpcgi.StatusInsufficientStorage, "Your mailbox is full, so " + what + ". Delete some mail and empty the Trash, then try again: your text is still here."
	}
	return 0, ""
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countWriter)(nil)

// quotaChange records mail added or removed for good in maildirsize.
func (a *app) quotaChange(bytes, count int64) {
	if count == 0 {
		return
	}
	if err := quota.Add(a.acct.Maildir, bytes, count); err != nil {
		logf("quota of %s: %v", a.acct.User, err)
	}
}

// hasQuota reports whether the Maildir keeps a maildirsize.
func (a *app) hasQuota() bool {
	_, err := os.Lstat(filepath.Join(a.acct.Maildir, quota.File))
	return err == nil
}

// sizeOf sums the sizes of the messages keys of folder (or, with keys
// nil, of every message of folder), for maildirsize; 0, 0 without one.
func (a *app) sizeOf(folder string, keys []string) (bytes, count int64) {
	if !a.hasQuota() {
		return 0, 0
	}
	add := func(path string) {
		if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
			bytes += fi.Size()
			count++
		}
	}
	if keys != nil {
		for _, k := range keys {
			if p, err := a.store.MessagePath(folder, k); err == nil {
				add(p)
			}
		}
		return bytes, count
	}
	dir, err := a.store.FolderDir(folder)
	if err != nil {
		return 0, 0
	}
	for _, sub := range []string{"cur", "new"} {
		names, _ := filepath.Glob(filepath.Join(dir, sub, "*"))
		for _, n := range names {
			add(n)
		}
	}
	return bytes, count
}
