package app

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postern/audit"
	"postern/guard"
)

// TestSecondFactorCounting: the password alone resets nothing while a
// code is due, so wrong codes over several fresh password logins add up
// to the lockout; the right code resets the name; each wrong code has
// its audit line.
func TestSecondFactorCounting(t *testing.T) {
	var logged bytes.Buffer
	saved := auditLog
	auditLog = &audit.Logger{Fallback: &logged}
	t.Cleanup(func() { auditLog = saved })
	g := &guard.Guard{Dir: filepath.Join(t.TempDir(), "guard"), Limits: guard.Limits{UserLock: 5, Window: time.Hour}}
	const user, ip = "alice", "192.0.2.20"
	locked := func() bool {
		t.Helper()
		v, err := g.Check(user, ip)
		if err != nil {
			t.Fatal(err)
		}
		return v.Locked
	}
	// Three password logins with two wrong codes each: locked after the
	// fifth wrong code, although every password was right.
	for login := range 3 {
		held, err := g.Hold(user, ip)
		if err != nil {
			t.Fatal(err)
		}
		passwordDone(held, true)
		for code := range 2 {
			if locked() {
				if login*2+code < 5 {
					t.Fatalf("locked after %d wrong codes, want 5", login*2+code)
				}
				continue
			}
			tk, err := g.Hold(user, ip)
			if err != nil {
				t.Fatal(err)
			}
			codeDone(tk, false, ip, user, "wrong totp code")
			tk.Close()
		}
	}
	if !locked() {
		t.Fatal("not locked after 5 wrong codes over 3 password logins")
	}
	if n := strings.Count(logged.String(), `login failed ip=192.0.2.20 user="alice" reason="wrong totp code"`); n != 5 {
		t.Errorf("%d audit lines of wrong codes, want 5:\n%s", n, logged.String())
	}
	// A full login (no second factor) resets the name; so does the right
	// code.
	for _, full := range []func(*guard.Ticket){
		func(tk *guard.Ticket) { passwordDone(tk, false) },
		func(tk *guard.Ticket) { codeDone(tk, true, ip, user, ""); tk.Close() },
	} {
		for range 5 {
			g.Fail(user, ip)
		}
		tk, err := g.Hold(user, ip)
		if err != nil {
			t.Fatal(err)
		}
		full(tk)
		if locked() {
			t.Error("still locked after a complete login")
		}
	}
	passwordDone(nil, false) // no ticket (the guard failed): nothing to do
}
