package helperrun

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"postern/internal/testenv"
)

func TestRun(t *testing.T) {
	// The argv is fixed, the request arrives on stdin, the environment is empty.
	t.Setenv("PT_HELPERRUN", "inherited")
	p := testenv.Script(t, "helper", `[ "$#" = 1 ] && [ "$1" = passkey ] || exit 9; [ -z "$HOME$PT_HELPERRUN" ] || exit 8; cat`)
	out, err := Run(context.Background(), p, "passkey", []byte(`{"op":"x"}`), 5*time.Second, 100)
	if err != nil || string(out) != `{"op":"x"}` {
		t.Fatalf("Run(echo) = %q, %v", out, err)
	}
	for _, tt := range []struct {
		name, body string
		timeout    time.Duration
		want       string
	}{
		{"exit status", `echo "helper: bad request" >&2; exit 3`, 5 * time.Second, "helper: bad request"},
		{"too long", `head -c 1000 /dev/zero`, 5 * time.Second, "longer than 100"},
		{"too slow", `exec sleep 10`, 200 * time.Millisecond, "no answer within"},
	} {
		_, err := Run(context.Background(), testenv.Script(t, "helper", tt.body), "passkey", nil, tt.timeout, 100)
		if !errors.Is(err, ErrHelper) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Run = %v, want ErrHelper saying %q", tt.name, err, tt.want)
		}
	}
	if _, err := Run(context.Background(), "/nonexistent/postern-helper", "passkey", nil, time.Second, 100); !errors.Is(err, ErrHelper) {
		t.Errorf("Run(missing) = %v, want ErrHelper", err)
	}
}
