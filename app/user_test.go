package app

import (
	"errors"
	"fmt"
	"testing"

	"postern/httpcgi"
	"postern/session"
)

func TestSessionReason(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{session.ErrBadToken, "bad token"},
		{fmt.Errorf("x: %w", session.ErrIPChanged), "IP changed"},
		{session.ErrIdle, "idle timeout"},
		{session.ErrMax, "absolute timeout"},
		{session.ErrBadCookie, "no session"},
		{httpcgi.ErrNoCookie, "no session"},
		{errors.New("cookie changed between reads"), "invalid session"},
	} {
		if got := sessionReason(tt.err); got != tt.want {
			t.Errorf("sessionReason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
