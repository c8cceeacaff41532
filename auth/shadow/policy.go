package shadow

import (
	"errors"
	"fmt"
	"time"
)

var (
	errLocked  = errors.New("shadow: password locked")
	errEmpty   = errors.New("shadow: empty password")
	errExpired = errors.New("shadow: account expired")
	errAged    = errors.New("shadow: password expired")
	errChange  = errors.New("shadow: password change required")
)

// Usable reports whether the entry may log in at now, before any hashing:
// it returns an error for an empty or locked password, an expired account,
// or a password that must be changed. The rules are those of pam_unix's
// account check, minus the changes postern cannot offer:
//
//   - Hash empty: refused (no password; pam_unix's nullok is not followed).
//   - Hash starting with "!" or "*" (locked, "!!" of new accounts, "*" of
//     system accounts): refused.
//   - Expire set and today >= Expire: refused (account expired; 0 counts,
//     as in pam_unix).
//   - LastChange == 0: refused (the administrator forced a password change).
//   - MaxAge set, LastChange set and today - LastChange > MaxAge: refused
//     (password expired; whether still inside the Inactive period or not,
//     since the change it would allow is not possible here). A MaxAge of
//     99999 (shadow's "never") never reaches this.
//
// MinAge, Warn and Inactive are otherwise ignored. today is now in days since
// 1970-01-01 UTC.
func (e *Entry) Usable(now time.Time) error {
	if e.Hash == "" {
		return errEmpty
	}
	if e.Hash[0] == '!' || e.Hash[0] == '*' {
		return errLocked
	}
	today := int(now.Unix() / 86400)
	if e.Expire >= 0 && today >= e.Expire {
		return fmt.Errorf("%w on day %d", errExpired, e.Expire)
	}
	if e.LastChange == 0 {
		return errChange
	}
	if e.MaxAge >= 0 && e.LastChange > 0 && today-e.LastChange > e.MaxAge {
		return fmt.Errorf("%w: changed on day %d, valid %d days", errAged, e.LastChange, e.MaxAge)
	}
	return nil
}
