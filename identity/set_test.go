package identity

import (
	"errors"
	"strings"
	"testing"
)

var allowed = []string{"ann@example.org", "sales@example.org", "ann@lists.example.org"}

// TestSetEdits: add, replace, delete and the default, within the policy.
func TestSetEdits(t *testing.T) {
	s := &Set{}
	if err := s.Add(Identity{Address: "SALES@example.org", Name: "Ann of Sales"}, allowed); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(Identity{Address: "boss@example.org"}, allowed); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("Add(not allowed) = %v, want ErrNotAllowed", err)
	}
	if err := s.Add(Identity{Address: "sales@EXAMPLE.org"}, allowed); !errors.Is(err, ErrDuplicate) {
		t.Errorf("Add(same address, other case) = %v, want ErrDuplicate", err)
	}
	old, _ := s.Get("sales@example.org")
	tag := old.ETag()
	if err := s.Replace("sales@example.org", tag, Identity{Address: "sales@example.org", Name: "Sales"}, allowed); err != nil {
		t.Fatal(err)
	}
	// A second tab still holds the old ETag: refused, the first edit kept.
	if err := s.Replace("sales@example.org", tag, Identity{Address: "sales@example.org", Name: "Tab two"}, allowed); !errors.Is(err, ErrStale) {
		t.Errorf("Replace(stale) = %v, want ErrStale", err)
	}
	if err := s.Delete("sales@example.org", tag); !errors.Is(err, ErrStale) {
		t.Errorf("Delete(stale) = %v, want ErrStale", err)
	}
	cur, _ := s.Get("sales@example.org")
	if cur.Name != "Sales" {
		t.Errorf("after the stale edit: name %q", cur.Name)
	}
	// Choosing the default does not make an open edit stale.
	if err := s.MakeDefault("ann@lists.example.org", allowed); err != nil {
		t.Fatal(err)
	}
	if err := s.MakeDefault("sales@example.org", allowed); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.Get("sales@example.org"); after.ETag() != cur.ETag() {
		t.Error("MakeDefault changed the ETag")
	}
	if l, _ := s.Get("ann@lists.example.org"); l.Default {
		t.Error("two defaults")
	}
	if err := s.MakeDefault("boss@example.org", allowed); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("MakeDefault(not allowed) = %v", err)
	}
	if err := s.Replace("nobody@example.org", "", Identity{Address: "nobody@example.org"}, allowed); !errors.Is(err, ErrNotFound) {
		t.Errorf("Replace(missing) = %v", err)
	}
	if err := s.Delete("sales@example.org", cur.ETag()); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Get("sales@example.org"); ok {
		t.Error("not deleted")
	}
	for range MaxIdentities {
		s.Identities = append(s.Identities, Identity{Address: "x@example.org"})
	}
	if err := s.Add(Identity{Address: "ann@example.org"}, allowed); !errors.As(err, new(*LimitError)) {
		t.Errorf("Add beyond MaxIdentities = %v, want a LimitError", err)
	}
}

// TestResolveDisabled: an identity whose address the administrator no
// longer allows is listed, disabled, never the default, never found.
func TestResolveDisabled(t *testing.T) {
	s := &Set{Identities: []Identity{
		{Address: "old@example.org", Name: "Old", Default: true},
		{Address: "sales@example.org", Name: "Sales"},
	}}
	l := s.Resolve(allowed)
	var got []string
	for _, id := range l {
		got = append(got, id.Address+map[bool]string{true: " disabled", false: ""}[id.Disabled]+map[bool]string{true: " default", false: ""}[id.Default])
	}
	want := "ann@example.org default|sales@example.org|ann@lists.example.org|old@example.org disabled"
	if strings.Join(got, "|") != want {
		t.Errorf("Resolve = %q, want %q", strings.Join(got, "|"), want)
	}
	if _, ok := l.Find("old@example.org"); ok {
		t.Error("Find found a disabled identity")
	}
	if id, ok := l.Find("SALES@example.org"); !ok || id.Name != "Sales" || !id.Stored {
		t.Errorf("Find(sales) = %+v, %v", id, ok)
	}
	// The disabled identity can still be edited in place, not moved to
	// another address outside the policy.
	old := s.Identities[0]
	if err := s.Replace(old.Address, old.ETag(), Identity{Address: old.Address, Name: "Older"}, allowed); err != nil {
		t.Errorf("editing a disabled identity: %v", err)
	}
}

// TestForReply: the identity of a reply, by the addresses the message
// was sent to.
func TestForReply(t *testing.T) {
	s := &Set{Identities: []Identity{
		{Address: "sales@example.org", Name: "Sales", Default: true},
		{Address: "old@example.org", Name: "Old"},
	}}
	l := s.Resolve(allowed)
	tests := []struct {
		rcpts []string
		want  string
	}{
		{nil, "sales@example.org"}, // the default
		{[]string{"someone@else.example"}, "sales@example.org"},
		{[]string{"ann@lists.example.org"}, "ann@lists.example.org"},
		{[]string{"ANN@Lists.Example.ORG"}, "ann@lists.example.org"}, // without case
		// To before Cc before Delivered-To: the first match wins.
		{[]string{"list@else.example", "ann@example.org", "sales@example.org"}, "ann@example.org"},
		// Disabled: not chosen, the default is.
		{[]string{"old@example.org"}, "sales@example.org"},
		// A subaddress is not the address.
		{[]string{"ann+tag@example.org"}, "sales@example.org"},
	}
	for _, tt := range tests {
		if got := l.ForReply(tt.rcpts).Address; got != tt.want {
			t.Errorf("ForReply(%q) = %q, want %q", tt.rcpts, got, tt.want)
		}
	}
}
