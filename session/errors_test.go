package session

import (
	"errors"
	"testing"
)

// TestWrappedErrors checks the texts and the chains of the errors that
// wrap another: what fmt.Errorf("...: %w") made before.
func TestWrappedErrors(t *testing.T) {
	for _, c := range []struct {
		err, base error
		text      string
	}{
		{ErrIdle, ErrExpired, "session: idle timeout: session: expired"},
		{ErrMax, ErrExpired, "session: absolute timeout: session: expired"},
		{ErrBadCookie, ErrNoSession, "session: malformed cookie: session: no such session"},
		{errCorrupt, ErrNoSession, "corrupt file: session: no such session"},
	} {
		if c.err.Error() != c.text {
			t.Errorf("%q, want %q", c.err.Error(), c.text)
		}
		if !errors.Is(c.err, c.base) || errors.Is(c.err, ErrBadToken) {
			t.Errorf("%q: errors.Is does not follow the chain to %q alone", c.err, c.base)
		}
	}
}
