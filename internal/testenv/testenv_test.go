package testenv

import (
	"runtime"
	"testing"
)

// recorder notes whether a test was failed or skipped; both stop the
// goroutine, as the real ones do.
type recorder struct {
	testing.TB
	failed, skipped bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Fatalf(string, ...any) { r.failed = true; runtime.Goexit() }
func (r *recorder) Skip(...any)           { r.skipped = true; runtime.Goexit() }

func lacking(t *testing.T, ci string) *recorder {
	t.Setenv("CI", ci)
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Lacking(r, "missing %s", "x")
	}()
	<-done
	return r
}

// TestLacking: a missing prerequisite fails the test under CI=true and
// skips it elsewhere.
func TestLacking(t *testing.T) {
	if r := lacking(t, "true"); !r.failed || r.skipped {
		t.Errorf("Lacking under CI=true: failed %v, skipped %v; want a failure", r.failed, r.skipped)
	}
	if r := lacking(t, ""); r.failed || !r.skipped {
		t.Errorf("Lacking without CI: failed %v, skipped %v; want a skip", r.failed, r.skipped)
	}
}
