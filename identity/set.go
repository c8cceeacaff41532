package identity

import "strings"

// Set is the stored identities, in the order the user made them.
type Set struct {
	Identities []Identity
}

func key(addr string) string { return strings.ToLower(strings.TrimSpace(addr)) }

// find returns the index of the stored identity of addr, or -1.
func (s *Set) find(addr string) int {
	for i, id := range s.Identities {
		if key(id.Address) == key(addr) {
			return i
		}
	}
	return -1
}

// Get returns the stored identity of addr.
func (s *Set) Get(addr string) (Identity, bool) {
	if i := s.find(addr); i >= 0 {
		return s.Identities[i], true
	}
	return Identity{}, false
}

func isAllowed(allowed []string, addr string) bool {
	for _, a := range allowed {
		if key(a) == key(addr) {
			return true
		}
	}
	return false
}

// check cleans id and checks it against the policy and the set (at
// index self, -1 for a new one).
func (s *Set) check(id *Identity, allowed []string, self int) error {
	if err := id.Clean(); err != nil {
		return err
	}
	if !isAllowed(allowed, id.Address) {
		return ErrNotAllowed
	}
	if i := s.find(id.Address); i >= 0 && i != self {
		return ErrDuplicate
	}
	return nil
}

// Add adds id, whose address must be allowed and not have an identity
// yet. With id.Default it becomes the only default.
func (s *Set) Add(id Identity, allowed []string) error {
	if err := s.check(&id, allowed, -1); err != nil {
		return err
	}
	if len(s.Identities) >= MaxIdentities {
		return &LimitError{What: "identities", Max: MaxIdentities}
	}
	id.Stored, id.Disabled = false, false
	s.Identities = append(s.Identities, id)
	if id.Default {
		s.onlyDefault(len(s.Identities) - 1)
	}
	return nil
}

// Replace replaces the identity of addr, last seen with etag, by id.
// id's address must be allowed, unless it is addr itself (a disabled
// identity can be edited, not moved). id.Default set makes it the only
// default; unset, the identity keeps the flag it had.
func (s *Set) Replace(addr, etag string, id Identity, allowed []string) error {
	i := s.find(addr)
	if i < 0 {
		return ErrNotFound
	}
	if s.Identities[i].ETag() != etag {
		return ErrStale
	}
	if key(id.Address) == key(addr) {
		allowed = append([]string{s.Identities[i].Address}, allowed...)
	}
	if err := s.check(&id, allowed, i); err != nil {
		return err
	}
	id.Stored, id.Disabled = false, false
	id.Default = id.Default || s.Identities[i].Default
	s.Identities[i] = id
	if id.Default {
		s.onlyDefault(i)
	}
	return nil
}

// Delete removes the identity of addr, last seen with etag.
func (s *Set) Delete(addr, etag string) error {
	i := s.find(addr)
	if i < 0 {
		return ErrNotFound
	}
	if s.Identities[i].ETag() != etag {
		return ErrStale
	}
	s.Identities = append(s.Identities[:i], s.Identities[i+1:]...)
	return nil
}

// MakeDefault makes the identity of addr, an allowed address, the
// default; an allowed address without a stored identity gets one.
func (s *Set) MakeDefault(addr string, allowed []string) error {
	i := s.find(addr)
	if i < 0 {
		if err := s.Add(Identity{Address: addr, Default: true}, allowed); err != nil {
			return err
		}
		return nil
	}
	if !isAllowed(allowed, addr) {
		return ErrNotAllowed
	}
	s.onlyDefault(i)
	return nil
}

func (s *Set) onlyDefault(i int) {
	for j := range s.Identities {
		s.Identities[j].Default = j == i
	}
}

// List is the identities a user has, as Resolve makes them: the allowed
// ones in the order of the allowed list, then the disabled ones.
type List []Identity

// Resolve joins the stored identities with the allowed addresses (the
// user's own first): each allowed address is offered, with its stored
// identity when there is one (Stored); stored identities of addresses no
// longer allowed follow, Disabled. The list has one default, an enabled
// identity: the one stored as default, else the first.
func (s *Set) Resolve(allowed []string) List {
	var l List
	seen := map[string]bool{}
	for _, a := range allowed {
		if a = strings.TrimSpace(a); a == "" || seen[key(a)] {
			continue
		}
		seen[key(a)] = true
		id, ok := s.Get(a)
		if !ok {
			id = Identity{Address: a, Placement: Below}
		}
		id.Address = a // the administrator's spelling
		id.Stored = ok
		l = append(l, id)
	}
	def := -1
	for i, id := range l {
		if id.Default && def < 0 {
			def = i
		}
	}
	if def < 0 {
		def = 0
	}
	for i := range l {
		l[i].Default = i == def
	}
	for _, id := range s.Identities {
		if !seen[key(id.Address)] {
			id.Stored, id.Disabled, id.Default = true, true, false
			l = append(l, id)
		}
	}
	return l
}

// Default is the default identity; the zero Identity for an empty list.
func (l List) Default() Identity {
	for _, id := range l {
		if id.Default && !id.Disabled {
			return id
		}
	}
	return Identity{}
}

// Find returns the enabled identity of addr.
func (l List) Find(addr string) (Identity, bool) {
	for _, id := range l {
		if !id.Disabled && key(id.Address) == key(addr) {
			return id, true
		}
	}
	return Identity{}, false
}

// ForReply is the identity of a reply to a message sent to recipients
// (its To, Cc, Delivered-To and X-Original-To addresses, in that order;
// see Recipients): the first enabled identity among them, else the
// default.
func (l List) ForReply(recipients []string) Identity {
	for _, r := range recipients {
		if id, ok := l.Find(r); ok {
			return id
		}
	}
	return l.Default()
}

// Get returns the identity of addr, enabled or disabled.
func (l List) Get(addr string) (Identity, bool) {
	for _, id := range l {
		if key(id.Address) == key(addr) {
			return id, true
		}
	}
	return Identity{}, false
}
