package contacts

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"os"
	"slices"
	"strings"
	"time"

	"postern/internal/privfile"
)

// maxCollectedBytes bounds the collected file.
const maxCollectedBytes = MaxCollected * 1024

// Seen is a collected address: where the user sent mail, how often and
// when last.
type Seen struct {
	Name    string    `json:"name,omitempty"`
	Address string    `json:"address"`
	Count   int       `json:"count"`
	Last    time.Time `json:"last"`
}

// Collected is the list of collected addresses, most used first.
type Collected struct {
	Entries []Seen `json:"entries"`
}

// LoadCollected reads the collected addresses; a missing or broken file
// is an empty list (it is only a convenience).
func (s Store) LoadCollected() *Collected {
	c := &Collected{}
	data, err := privfile.Read(s.path(CollectedFile), maxCollectedBytes)
	if err != nil || json.Unmarshal(data, c) != nil {
		return &Collected{}
	}
	c.Entries = slices.DeleteFunc(c.Entries, func(e Seen) bool { return CheckAddress(e.Address) != nil || !printable(e.Name) })
	c.sort()
	return c
}

// sort orders by count, then by last use, most first.
func (c *Collected) sort() {
	slices.SortStableFunc(c.Entries, func(a, b Seen) int {
		if n := cmp.Compare(b.Count, a.Count); n != 0 {
			return n
		}
		return b.Last.Compare(a.Last)
	})
}

// Collect records that mail was sent to list at now. Beyond MaxCollected,
// the least recently used are forgotten.
func (s Store) Collect(list []*mail.Address, now time.Time) error {
	return s.updateCollected(func(c *Collected) {
		for _, a := range list {
			if CheckAddress(a.Address) != nil {
				continue
			}
			i := slices.IndexFunc(c.Entries, func(e Seen) bool { return strings.EqualFold(e.Address, a.Address) })
			if i < 0 {
				c.Entries = append(c.Entries, Seen{Address: a.Address})
				i = len(c.Entries) - 1
			}
			e := &c.Entries[i]
			if a.Name != "" && printable(a.Name) && len(a.Name) <= 256 {
				e.Name = a.Name
			}
			e.Count++
			e.Last = now.UTC()
		}
		if len(c.Entries) > MaxCollected {
			slices.SortStableFunc(c.Entries, func(a, b Seen) int { return b.Last.Compare(a.Last) })
			c.Entries = c.Entries[:MaxCollected]
		}
		c.sort()
	})
}

// Forget removes addr from the collected addresses.
func (s Store) Forget(addr string) error {
	return s.updateCollected(func(c *Collected) {
		c.Entries = slices.DeleteFunc(c.Entries, func(e Seen) bool { return strings.EqualFold(e.Address, addr) })
	})
}

// ClearCollected forgets every collected address.
func (s Store) ClearCollected() error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := os.Remove(s.path(CollectedFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("contacts: %w", err)
	}
	return nil
}

func (s Store) updateCollected(fn func(*Collected)) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	c := s.LoadCollected()
	fn(c)
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("contacts: %w", err)
	}
	return s.write(CollectedFile, data)
}
