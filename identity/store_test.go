package identity

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func newStore(t *testing.T) Store {
	t.Helper()
	return Store{Dir: filepath.Join(t.TempDir(), "postern")}
}

// TestStoreRoundTrip: what is written is read back, the file is mode
// 600 in a mode-700 directory, and a missing file is an empty set.
func TestStoreRoundTrip(t *testing.T) {
	st := newStore(t)
	s, err := st.Load()
	if err != nil || len(s.Identities) != 0 {
		t.Fatalf("Load(missing) = %v, %v", s, err)
	}
	in := Identity{Address: "sales@example.org", Name: "Ann <Sales> & Co", ReplyTo: "desk@example.org",
		Signature: "Ann\n\t<b>not html</b>", Placement: Above, Default: true, Sign: SMIME, Encrypt: OpenPGP}
	if err := st.Update(func(s *Set) error { return s.Add(in, allowed) }); err != nil {
		t.Fatal(err)
	}
	s, err = st.Load()
	if err != nil || len(s.Identities) != 1 || s.Identities[0] != in {
		t.Fatalf("Load = %+v, %v, want %+v", s, err, in)
	}
	fi, err := os.Stat(filepath.Join(st.Dir, File))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode = %v, %v, want 600", fi.Mode(), err)
	}
	if di, err := os.Stat(st.Dir); err != nil || di.Mode().Perm() != 0o700 {
		t.Errorf("directory mode = %v, %v, want 700", di.Mode(), err)
	}
	data, _ := os.ReadFile(filepath.Join(st.Dir, File))
	if !bytes.Contains(data, []byte(`"Ann <Sales> & Co"`)) {
		t.Errorf("the file escapes HTML characters (and grows):\n%s", data)
	}
	// No temporary file left behind.
	entries, _ := os.ReadDir(st.Dir)
	for _, e := range entries {
		if e.Name() != File && e.Name() != File+".lock" {
			t.Errorf("left in the directory: %s", e.Name())
		}
	}
}

// TestStoreStale: two tabs edit the same identity from the same version:
// the second is refused and the file keeps the first.
func TestStoreStale(t *testing.T) {
	st := newStore(t)
	st.Update(func(s *Set) error { return s.Add(Identity{Address: "sales@example.org", Name: "Sales"}, allowed) })
	s, _ := st.Load()
	tag := s.Identities[0].ETag()
	edit := func(name string) error {
		return st.Update(func(s *Set) error {
			return s.Replace("sales@example.org", tag, Identity{Address: "sales@example.org", Name: name}, allowed)
		})
	}
	if err := edit("Tab one"); err != nil {
		t.Fatal(err)
	}
	if err := edit("Tab two"); !errors.Is(err, ErrStale) {
		t.Fatalf("second tab = %v, want ErrStale", err)
	}
	s, _ = st.Load()
	if s.Identities[0].Name != "Tab one" {
		t.Errorf("name = %q, want Tab one", s.Identities[0].Name)
	}
}

// TestStoreConcurrent: many writers at once (as many CGI processes
// would be) lose no identity: the lock serialises read-change-write.
func TestStoreConcurrent(t *testing.T) {
	st := newStore(t)
	const n = 20
	var many []string
	for i := range n {
		many = append(many, fmt.Sprintf("u%d@example.org", i))
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, a := range many {
		wg.Go(func() {
			errs <- st.Update(func(s *Set) error {
				time.Sleep(time.Millisecond) // widen the window a lost update needs
				return s.Add(Identity{Address: a}, many)
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	s, err := st.Load()
	if err != nil || len(s.Identities) != n {
		t.Fatalf("after %d concurrent adds: %d identities, %v", n, len(s.Identities), err)
	}
}

// TestStoreCorrupt: a damaged file is reported, never written over, and
// can be set aside.
func TestStoreCorrupt(t *testing.T) {
	for _, tt := range []struct{ name, data string }{
		{"not json", "address=ann@example.org\n"},
		{"truncated", `{"version":1,"identities":[{"address":"a@`},
		{"version", `{"version":2,"identities":[]}`},
		{"bad entry", `{"version":1,"identities":[{"address":"a@example.org","name":"x\ny"}]}`},
		{"twice", `{"version":1,"identities":[{"address":"a@example.org"},{"address":"A@example.org"}]}`},
		{"two defaults", `{"version":1,"identities":[{"address":"a@example.org","default":true},{"address":"b@example.org","default":true}]}`},
		{"trailing", `{"version":1,"identities":[]} {}`},
		{"too large", `{"version":1,"identities":[],"x":"` + strings.Repeat("x", MaxFileBytes) + `"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := newStore(t)
			os.MkdirAll(st.Dir, 0o700)
			path := filepath.Join(st.Dir, File)
			os.WriteFile(path, []byte(tt.data), 0o600)
			var ce *CorruptError
			if _, err := st.Load(); !errors.As(err, &ce) {
				t.Fatalf("Load = %v, want a CorruptError", err)
			}
			err := st.Update(func(s *Set) error { return s.Add(Identity{Address: "ann@example.org"}, allowed) })
			if !errors.As(err, &ce) {
				t.Errorf("Update = %v, want a CorruptError", err)
			}
			if b, _ := os.ReadFile(path); string(b) != tt.data {
				t.Error("Update wrote over the damaged file")
			}
			aside, err := st.SetAside(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
			if err != nil || filepath.Base(aside) != File+".damaged-20260102T030405Z" {
				t.Fatalf("SetAside = %q, %v", aside, err)
			}
			if b, _ := os.ReadFile(aside); string(b) != tt.data {
				t.Error("the damaged file was not kept")
			}
			if s, err := st.Load(); err != nil || len(s.Identities) != 0 {
				t.Errorf("Load after SetAside = %v, %v", s, err)
			}
		})
	}
	// A good file is not set aside.
	st := newStore(t)
	st.Update(func(s *Set) error { return nil })
	if _, err := st.SetAside(time.Now()); err == nil {
		t.Error("SetAside moved a good file")
	}
}

// TestStoreLimit: a set over the file limit is refused whole.
func TestStoreLimit(t *testing.T) {
	s := &Set{}
	for i := range MaxIdentities {
		s.Identities = append(s.Identities, Identity{Address: fmt.Sprintf("u%d@example.org", i), Signature: strings.Repeat("\"", MaxFileBytes/MaxIdentities)})
	}
	if _, err := s.Bytes(); !errors.As(err, new(*LimitError)) {
		t.Errorf("Bytes of an oversized set = %v, want a LimitError", err)
	}
	// The largest valid set fits: every field at its limit, escaped.
	s = &Set{}
	for i := range MaxIdentities {
		sig := strings.Repeat("\"\\\t", MaxSignatureBytes/3)
		s.Identities = append(s.Identities, Identity{Address: fmt.Sprintf("u%d@example.org", i), Name: strings.Repeat("\"", MaxNameBytes),
			ReplyTo: strings.Repeat("x", MaxReplyToBytes), Signature: sig})
	}
	if _, err := s.Bytes(); err != nil {
		t.Errorf("the largest valid set does not fit in MaxFileBytes: %v", err)
	}
}
