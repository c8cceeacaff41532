package compose

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestTokens(t *testing.T) {
	tok, err := NewToken()
	if err != nil || !ValidToken(tok) {
		t.Fatalf("NewToken() = %q, %v", tok, err)
	}
	if other, _ := NewToken(); other == tok {
		t.Errorf("NewToken() twice = %q, want different tokens", tok)
	}
	s := Tokens{Dir: filepath.Join(t.TempDir(), "sent")}
	if first, err := s.MarkSent(tok); !first || err != nil {
		t.Errorf("MarkSent(new) = %v, %v, want true", first, err)
	}
	if first, err := s.MarkSent(tok); first || err != nil {
		t.Errorf("MarkSent(again) = %v, %v, want false", first, err)
	}
	if fi, err := os.Stat(s.Dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("token dir mode = %v, %v, want 0700", fi, err)
	}
	// a failed send releases the token: the user may try again
	if err := s.Release(tok); err != nil {
		t.Fatal(err)
	}
	if first, _ := s.MarkSent(tok); !first {
		t.Errorf("MarkSent after Release = false, want true")
	}
	for _, bad := range []string{"", "../../etc/passwd", "ABCDEF0123456789ABCDEF0123456789", "0123"} {
		if _, err := s.MarkSent(bad); err == nil {
			t.Errorf("MarkSent(%q) = nil error, want refusal", bad)
		}
	}
}

func TestTokensConcurrent(t *testing.T) {
	s := Tokens{Dir: t.TempDir()}
	tok, _ := NewToken()
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first, err := s.MarkSent(tok)
			if err != nil {
				t.Error(err)
			}
			if first {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("32 concurrent MarkSent: %d won, want exactly 1", wins)
	}
}

func TestTokensPrune(t *testing.T) {
	s := Tokens{Dir: t.TempDir()}
	old, _ := NewToken()
	recent, _ := NewToken()
	s.MarkSent(old)
	s.MarkSent(recent)
	past := time.Now().Add(-48 * time.Hour)
	os.Chtimes(filepath.Join(s.Dir, old), past, past)
	if err := s.Prune(time.Now(), 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if first, _ := s.MarkSent(old); !first {
		t.Errorf("Prune kept the old token")
	}
	if first, _ := s.MarkSent(recent); first {
		t.Errorf("Prune removed the recent token")
	}
}
