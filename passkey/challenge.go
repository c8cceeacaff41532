package passkey

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"postern/internal/lockfile"
	"postern/internal/privfile"
)

// Limits of the pending ceremonies.
const (
	ChallengeTTL          = 2 * time.Minute // a challenge older than this is refused
	MaxPending            = 8               // per user; the oldest goes first
	MaxChallengeFileBytes = 32 << 10
	PurposeRegister       = "register"
	PurposeLogin          = "login"
)

// ErrNoChallenge is returned by Take for a ceremony that was never begun,
// was taken already or has expired.
var ErrNoChallenge = errors.New("passkey: no pending challenge (expired or used)")

// pending is one ceremony under way.
type pending struct {
	Key     string      `json:"key"` // purpose + " " + session id
	Session SessionData `json:"session"`
}

// Challenges is the file of a user's pending ceremonies.
type Challenges struct {
	Path string           // e.g. <Maildir>/postern/passkey-challenges
	Now  func() time.Time // nil: time.Now
}

func (c *Challenges) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Put keeps sd for the session sid and purpose, replacing an earlier one
// of the same pair; expired ceremonies are dropped, and the oldest when
// there are more than MaxPending.
func (c *Challenges) Put(sid, purpose string, sd SessionData) error {
	key := purpose + " " + sid
	return c.update(func(ps []pending) []pending {
		out := ps[:0]
		for _, p := range ps {
			if p.Key != key {
				out = append(out, p)
			}
		}
		out = append(out, pending{Key: key, Session: sd})
		if len(out) > MaxPending {
			out = out[len(out)-MaxPending:]
		}
		return out
	})
}

// Take removes and returns the ceremony of sid and purpose: each
// challenge is checked at most once. An expired one is ErrNoChallenge.
func (c *Challenges) Take(sid, purpose string) (SessionData, error) {
	key := purpose + " " + sid
	var found *SessionData
	err := c.update(func(ps []pending) []pending {
		out := ps[:0]
		for _, p := range ps {
			if p.Key == key {
				sd := p.Session
				found = &sd
				continue
			}
			out = append(out, p)
		}
		return out
	})
	if err != nil {
		return SessionData{}, err
	}
	if found == nil || !found.Expires.After(c.now()) {
		return SessionData{}, ErrNoChallenge
	}
	return *found, nil
}

// update reads, changes and replaces the file under its lock, dropping
// the expired entries. A file that cannot be read is started afresh: it
// holds nothing but challenges, and losing one only makes a ceremony
// start again.
func (c *Challenges) update(change func([]pending) []pending) error {
	unlock, err := lockfile.MakeAndLock(c.Path + ".lock")
	if err != nil {
		return fmt.Errorf("passkey: %w", err)
	}
	defer unlock()
	var ps []pending
	data, err := privfile.Read(c.Path, MaxChallengeFileBytes)
	if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, privfile.ErrTooLarge) {
		return fmt.Errorf("passkey: %w", err)
	}
	if err == nil {
		if json.Unmarshal(data, &ps) != nil {
			ps = nil
		}
	}
	now := c.now()
	live := ps[:0]
	for _, p := range ps {
		if p.Session.Expires.After(now) {
			live = append(live, p)
		}
	}
	live = change(live)
	if len(live) == 0 {
		if err := os.Remove(c.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("passkey: %w", err)
		}
		return nil
	}
	out, err := json.Marshal(live)
	if err != nil {
		return fmt.Errorf("passkey: %w", err)
	}
	if err := privfile.WriteAtomicNoSync(c.Path, out); err != nil {
		return fmt.Errorf("passkey: %w", err)
	}
	return nil
}
