package app

import (
	"slices"
	"testing"
)

// TestRoutes checks the route table: each path once, absolute, with at
// least one handler, found by findRoute with the methods allowed() names.
func TestRoutes(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range routes {
		if e.path == "" || e.path[0] != '/' || seen[e.path] {
			t.Errorf("route %q: empty, relative or listed twice", e.path)
		}
		seen[e.path] = true
		if e.get == nil && e.post == nil {
			t.Errorf("route %q has no handler", e.path)
		}
		got, ok := findRoute(e.path)
		if !ok || got.path != e.path {
			t.Errorf("findRoute(%q) = %q, %v", e.path, got.path, ok)
		}
	}
	if _, ok := findRoute("/no-such-page"); ok {
		t.Error("findRoute found a path that is not in the table")
	}
	for path, want := range map[string][]string{"/list": {"GET"}, "/action": {"POST"}, "/folders": {"GET", "POST"}} {
		e, _ := findRoute(path)
		if got := allowed(e); !slices.Equal(got, want) {
			t.Errorf("allowed(%s) = %v, want %v", path, got, want)
		}
	}
}
