package app

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"postern/auth"
	"postern/config"
	"postern/httpcgi"
	"postern/internal/helpertest"
	"postern/internal/slapdtest"
	"postern/maildir"
)

// headerOnly is a ResponseWriter that keeps the header.
type headerOnly struct{ h httpcgi.Header }

func (w *headerOnly) Header() httpcgi.Header      { return w.h }
func (w *headerOnly) Write(b []byte) (int, error) { return len(b), nil }
func (w *headerOnly) WriteHeader(int)             {}

// TestCompleteDirectory: the directory's people come after what the
// book and the collected list found, an address only once, up to
// maxCompletions; a directory that does not answer adds nothing and says
// so in DirectoryHeader.
func TestCompleteDirectory(t *testing.T) {
	s := slapdtest.Start(t, `dn: cn=Ann Example,`+slapdtest.People+`
objectClass: inetOrgPerson
cn: Ann Example
sn: Example
mail: ann@example.org
o: Widgets

dn: cn=Anna Other,`+slapdtest.People+`
objectClass: inetOrgPerson
cn: Anna Other
sn: Other
mail: anna@example.org
`)
	cfg := config.Default()
	cfg.DirectoryURI, cfg.DirectoryBase = s.URI, slapdtest.Suffix
	defer func(p string) { config.DefaultHelper = p }(config.DefaultHelper)
	config.DefaultHelper = helpertest.Build(t)
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "postern"), 0o700); err != nil {
		t.Fatal(err)
	}
	down := filepath.Join(root, "postern", directoryDownFile)
	a := &app{cfg: cfg, acct: &auth.Account{User: "ptuser"}, store: &maildir.Store{Root: root}}
	book := []completion{{Value: `"Ann E." <ANN@example.org>`, Label: "ANN@example.org"}}

	w := &headerOnly{h: httpcgi.Header{}}
	got := a.completeDirectory(w, "ann", slices.Clone(book))
	want := []completion{book[0], {Value: "Anna Other <anna@example.org>", Label: "directory"}}
	if !slices.Equal(got, want) || w.h.Get(DirectoryHeader) != "" {
		t.Errorf("completeDirectory(ann) = %q, header %q; want %q, none", got, w.h.Get(DirectoryHeader), want)
	}
	if got := a.completeDirectory(w, "a", nil); len(got) != 0 {
		t.Errorf("completeDirectory(a) = %q, want nothing: one letter does not ask the directory", got)
	}
	full := make([]completion, maxCompletions)
	if got := a.completeDirectory(w, "ann", full); len(got) != maxCompletions {
		t.Errorf("completeDirectory with a full list = %d candidates, want %d", len(got), maxCompletions)
	}

	// Backoff: a directory that did not answer a moment ago is not
	// asked (here it would answer); a while ago, it is, and the mark
	// goes.
	if err := os.WriteFile(down, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	w = &headerOnly{h: httpcgi.Header{}}
	if got := a.completeDirectory(w, "ann", slices.Clone(book)); !slices.Equal(got, book) || w.h.Get(DirectoryHeader) != "unavailable" {
		t.Errorf("completeDirectory just after a failure = %q, header %q; want the book's, unavailable", got, w.h.Get(DirectoryHeader))
	}
	old := time.Now().Add(-directoryBackoff - time.Second)
	if err := os.Chtimes(down, old, old); err != nil {
		t.Fatal(err)
	}
	w = &headerOnly{h: httpcgi.Header{}}
	if got := a.completeDirectory(w, "ann", slices.Clone(book)); len(got) != 2 || w.h.Get(DirectoryHeader) != "" {
		t.Errorf("completeDirectory after the backoff = %q, header %q; want the directory asked", got, w.h.Get(DirectoryHeader))
	}
	if _, err := os.Stat(down); !os.IsNotExist(err) {
		t.Errorf("the mark of a failure is still there after a lookup that worked: %v", err)
	}

	s.Stop()
	cfg.DirectoryTimeout = 500 * time.Millisecond
	w = &headerOnly{h: httpcgi.Header{}}
	got = a.completeDirectory(w, "ann", slices.Clone(book))
	if !slices.Equal(got, book) || w.h.Get(DirectoryHeader) != "unavailable" {
		t.Errorf("completeDirectory with the directory down = %q, header %q; want the book's, unavailable", got, w.h.Get(DirectoryHeader))
	}
	if fi, err := os.Stat(down); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("no mark of the failure (mode 600): %v", err)
	}
}
