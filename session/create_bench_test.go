package session

import (
	"path/filepath"
	"testing"
)

// BenchmarkCreate is the session file a login writes: the reference for
// what the login history adds to a login (loginlog.BenchmarkLoginAppend).
func BenchmarkCreate(b *testing.B) {
	s := &Store{Dir: filepath.Join(b.TempDir(), "sessions")}
	for b.Loop() {
		if _, _, err := s.Create("192.0.2.1", true, "Firefox/128"); err != nil {
			b.Fatal(err)
		}
	}
}
