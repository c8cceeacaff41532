package session

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Options are the settings of a new session (see CreateWith).
type Options struct {
	IP     string
	Bind   bool
	UA     string
	Idle   time.Duration // this session's idle timeout; 0: Store.Idle
	Public bool          // logged in from a public computer (kept for the sessions page)
	// Pending marks a session whose password was accepted but whose second
	// factor was not yet given: the program allows it nothing but that
	// step, and replaces it with a new session (Create) once it is given.
	Pending bool
}

// MaxTries is how many wrong second-factor codes a pending session takes
// before Fail removes it.
const MaxTries = 5

// Fail counts a wrong second-factor code on session id and returns the
// tries so far; at MaxTries the session is removed and ErrNoSession is
// returned with the count.
func (s *Store) Fail(id string) (int, error) {
	if !isHex(id, IDLen) {
		return 0, ErrNoSession
	}
	unlock, err := s.lock()
	if err != nil {
		return 0, err
	}
	defer unlock()
	r, err := s.read(id)
	if err != nil {
		return 0, err
	}
	r.Tries++
	if r.Tries >= MaxTries {
		if err := os.Remove(filepath.Join(s.Dir, id)); err != nil {
			return r.Tries, fmt.Errorf("session: %w", err)
		}
		return r.Tries, ErrNoSession
	}
	return r.Tries, s.write(r, id, true)
}

// DestroyOthers removes every session but keep and returns how many it
// removed.
func (s *Store) DestroyOthers(keep string) (int, error) {
	list, err := s.List()
	n := 0
	for _, sess := range list {
		if sess.ID == keep {
			continue
		}
		if derr := s.Destroy(sess.ID); derr != nil {
			err = derr
			continue
		}
		n++
	}
	return n, err
}
