package guard

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestChallenges(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	g := &Guard{Dir: t.TempDir(), Now: func() time.Time { return now }}
	id, ch, err := g.IssueChallenge()
	if err != nil {
		t.Fatal(err)
	}
	if len(ch) != ChallengeBytes || len(id) != 2*idBytes {
		t.Fatalf("IssueChallenge() = %q, %d bytes", id, len(ch))
	}
	fi, err := os.Stat(challengePath(filepath.Join(g.Dir, challengeDir), id))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("challenge file: %v, %v, want mode 0600", fi, err)
	}
	got, issued, err := g.TakeChallenge(id)
	if err != nil || !bytes.Equal(got, ch) || !issued.Equal(now) {
		t.Fatalf("TakeChallenge = %x, %v, %v, want %x, %v", got, issued, err, ch, now)
	}
	// Single use.
	if _, _, err := g.TakeChallenge(id); !errors.Is(err, ErrNoChallenge) {
		t.Errorf("second TakeChallenge = %v, want ErrNoChallenge", err)
	}
	// Expired.
	id, _, _ = g.IssueChallenge()
	now = now.Add(ChallengeTTL + time.Second)
	if _, _, err := g.TakeChallenge(id); !errors.Is(err, ErrNoChallenge) {
		t.Errorf("TakeChallenge after %v = %v, want ErrNoChallenge", ChallengeTTL, err)
	}
	// Ids that are not ours.
	for _, bad := range []string{"", "../../etc/passwd", "zz", string(bytes.Repeat([]byte("a"), 64))} {
		if _, _, err := g.TakeChallenge(bad); !errors.Is(err, ErrNoChallenge) {
			t.Errorf("TakeChallenge(%q) = %v, want ErrNoChallenge", bad, err)
		}
	}
	ents, _ := os.ReadDir(filepath.Join(g.Dir, challengeDir))
	if len(ents) != 0 {
		t.Errorf("left in the directory: %v", ents)
	}
}

// Of many requests racing with one id, exactly one gets the challenge.
func TestChallengeRace(t *testing.T) {
	g := &Guard{Dir: t.TempDir()}
	id, _, err := g.IssueChallenge()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := g.TakeChallenge(id); err == nil {
				mu.Lock()
				won++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Errorf("%d takers got the challenge, want 1", won)
	}
}

func TestChallengeLimit(t *testing.T) {
	g := &Guard{Dir: t.TempDir()}
	for range MaxChallenges {
		if _, _, err := g.IssueChallenge(); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := g.IssueChallenge(); !errors.Is(err, ErrTooManyChallenges) {
		t.Errorf("challenge %d: %v, want ErrTooManyChallenges", MaxChallenges+1, err)
	}
}
