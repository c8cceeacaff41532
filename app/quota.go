package app

import (
	"errors"
	"fmt"
	"io"
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
