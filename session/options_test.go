package session

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestPublicIdle(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	s := &Store{Dir: filepath.Join(t.TempDir(), "s"), Idle: time.Hour, Now: func() time.Time { return now }}
	pub, psec, err := s.CreateWith(Options{IP: "192.0.2.1", Idle: 10 * time.Minute, Public: true})
	if err != nil {
		t.Fatal(err)
	}
	priv, ssec, _ := s.Create("192.0.2.1", true, "")
	now = now.Add(11 * time.Minute)
	if _, err := s.Check(pub.ID, psec, "192.0.2.1"); !errors.Is(err, ErrIdle) {
		t.Errorf("Check(public session) after 11m = %v, want ErrIdle", err)
	}
	got, err := s.Check(priv.ID, ssec, "192.0.2.1")
	if err != nil || got.Public {
		t.Errorf("Check(normal session) after 11m = %+v, %v, want alive and not public", got, err)
	}
}

func TestFailPending(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "s")}
	p, sec, err := s.CreateWith(Options{IP: "192.0.2.1", Pending: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Check(p.ID, sec, "192.0.2.1"); err != nil || !got.Pending {
		t.Fatalf("Check(pending) = %+v, %v, want pending", got, err)
	}
	for i := 1; i < MaxTries; i++ {
		if n, err := s.Fail(p.ID); n != i || err != nil {
			t.Fatalf("Fail #%d = %d, %v, want %d, nil", i, n, err, i)
		}
	}
	if n, err := s.Fail(p.ID); n != MaxTries || !errors.Is(err, ErrNoSession) {
		t.Errorf("Fail #%d = %d, %v, want ErrNoSession", MaxTries, n, err)
	}
	if _, err := s.Check(p.ID, sec, "192.0.2.1"); !errors.Is(err, ErrNoSession) {
		t.Errorf("Check after %d wrong codes = %v, want ErrNoSession", MaxTries, err)
	}
}

func TestDestroyOthers(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "s")}
	keep, _, _ := s.Create("192.0.2.1", true, "a")
	s.Create("192.0.2.2", true, "b")
	s.Create("192.0.2.3", true, "c")
	if n, err := s.DestroyOthers(keep.ID); n != 2 || err != nil {
		t.Errorf("DestroyOthers = %d, %v, want 2, nil", n, err)
	}
	list, _ := s.List()
	if len(list) != 1 || list[0].ID != keep.ID {
		t.Errorf("List after DestroyOthers = %v, want only %s", list, keep.ID)
	}
}
