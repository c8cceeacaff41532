package shadow

import (
	"errors"
	"testing"
	"time"
)

func TestUsable(t *testing.T) {
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	today := int(now.Unix() / 86400)
	e := func(hash string, last, max, inact, expire int) *Entry {
		return &Entry{Name: "u", Hash: hash, LastChange: last, MinAge: 0, MaxAge: max, Warn: 7, Inactive: inact, Expire: expire}
	}
	tests := []struct {
		e    *Entry
		want error // nil: usable
	}{
		{e(hash6, today-10, 99999, -1, -1), nil},
		{e(hash6, -1, -1, -1, -1), nil},                // no aging at all
		{e("", today, -1, -1, -1), errEmpty},           // no password
		{e("!", today, -1, -1, -1), errLocked},         // locked, no hash
		{e("!"+hash6, today, -1, -1, -1), errLocked},   // usermod -L
		{e("!!", today, -1, -1, -1), errLocked},        // never set (Red Hat style)
		{e("*", today, -1, -1, -1), errLocked},         // system account
		{e(hash6, today, -1, -1, today), errExpired},   // expires today
		{e(hash6, today, -1, -1, today-1), errExpired}, // expired yesterday
		{e(hash6, today, -1, -1, 0), errExpired},       // expire 0 counts, as in pam_unix
		{e(hash6, today, -1, -1, today+1), nil},        // expires tomorrow
		{e(hash6, 0, -1, -1, -1), errChange},           // forced change
		{e(hash6, today-31, 30, -1, -1), errAged},      // max age passed
		{e(hash6, today-31, 30, 10, -1), errAged},      // inside the inactive period: still refused
		{e(hash6, today-30, 30, -1, -1), nil},          // last valid day
		{e(hash6, -1, 30, -1, -1), nil},                // no last change date: no aging
	}
	for i, tt := range tests {
		err := tt.e.Usable(now)
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("#%d %+v.Usable() = %v, want %v", i, tt.e, err, tt.want)
		}
	}
}
