package acctcache

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"postern/auth"
)

func sample() *auth.Account {
	return &auth.Account{User: "ptalice", Method: "pam", UID: 1001, GID: 1001, Groups: []int{1001, 27, 0},
		Home: "/home/ptalice", Maildir: "/home/ptalice/Maildir"}
}

func TestFormatParse(t *testing.T) {
	a := sample()
	a.Address = "alice@example.org"
	data, err := Format(a)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Parse(Format(a)) = %v\n%s", err, data)
	}
	if !reflect.DeepEqual(got, a) {
		t.Errorf("Parse(Format(a)) = %+v, want %+v", got, a)
	}
	bad := *a
	bad.Home = "/home/x\nuid 0"
	if _, err := Format(&bad); err == nil {
		t.Errorf("Format with a newline in home = nil error, want one")
	}
}

func TestParseRefuses(t *testing.T) {
	good, _ := Format(sample())
	cases := map[string]string{
		"empty":         "",
		"other version": strings.Replace(string(good), magic, "postern-account 2", 1),
		"uid 0":         strings.Replace(string(good), "uid 1001", "uid 0", 1),
		"gid 0":         strings.Replace(string(good), "gid 1001", "gid 0", 1),
		"negative uid":  strings.Replace(string(good), "uid 1001", "uid -5", 1),
		"uid with sign": strings.Replace(string(good), "uid 1001", "uid +1001", 1),
		"bad group":     strings.Replace(string(good), "groups 1001", "groups x1001", 1),
		"relative home": strings.Replace(string(good), "home /home", "home home", 1),
		"field twice":   string(good) + "uid 1002\n",
		"unknown field": string(good) + "shell /bin/sh\n",
		"missing field": strings.Replace(string(good), "address \n", "", 1),
		"no space":      strings.Replace(string(good), "uid 1001", "uid1001", 1),
		"too long":      string(good) + strings.Repeat("x", MaxFileBytes),
	}
	for name, in := range cases {
		if a, err := Parse(strings.NewReader(in)); err == nil {
			t.Errorf("Parse(%s) = %+v, want error", name, a)
		}
	}
}

// newCache is a cache in a fresh private directory, with a settable clock.
func newCache(t *testing.T, ttl time.Duration) (*Cache, *time.Time) {
	t.Helper()
	now := time.Now()
	c := &Cache{Dir: filepath.Join(t.TempDir(), "accounts"), TTL: ttl}
	c.now = func() time.Time { return now }
	return c, &now
}

func TestGetPut(t *testing.T) {
	c, now := newCache(t, time.Minute)
	if _, ok := c.Get("pam", "ptalice"); ok {
		t.Fatal("Get on an empty cache hit")
	}
	a := sample()
	if err := c.Put(a); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(c.Dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("cache directory mode = %v (%v), want 0700", fi.Mode(), err)
	}
	path := filepath.Join(c.Dir, File("pam", "ptalice"))
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("entry mode = %v (%v), want 0600", fi, err)
	}
	got, ok := c.Get("pam", "ptalice")
	if !ok || !reflect.DeepEqual(got, a) {
		t.Fatalf("Get = %+v, %v; want %+v", got, ok, a)
	}
	// Other names and methods miss.
	if _, ok := c.Get("shadow", "ptalice"); ok {
		t.Error("Get under another method hit")
	}
	if _, ok := c.Get("pam", "ptbob"); ok {
		t.Error("Get of another user hit")
	}
	// Expiry, by the file's time.
	fi, err = os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	*now = fi.ModTime().Add(59 * time.Second)
	if _, ok := c.Get("pam", "ptalice"); !ok {
		t.Error("Get after 59 s of a 1 min cache missed")
	}
	*now = now.Add(time.Second)
	if _, ok := c.Get("pam", "ptalice"); ok {
		t.Error("Get after 60 s of a 1 min cache hit")
	}
	// An entry from the future (a clock set back) is not trusted.
	*now = now.Add(-3 * time.Minute)
	if _, ok := c.Get("pam", "ptalice"); ok {
		t.Error("Get of an entry 2 minutes in the future hit")
	}
	*now = now.Add(2 * time.Minute)
	if err := c.Forget("pam", "ptalice"); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("pam", "ptalice"); ok {
		t.Error("Get after Forget hit")
	}
	if err := c.Forget("pam", "ptalice"); err != nil {
		t.Errorf("Forget of a missing entry = %v", err)
	}
}

func TestDisabled(t *testing.T) {
	c, _ := newCache(t, 0)
	if err := c.Put(sample()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.Dir); !os.IsNotExist(err) {
		t.Errorf("a cache with TTL 0 created its directory (%v)", err)
	}
	if _, ok := c.Get("pam", "ptalice"); ok {
		t.Error("Get with TTL 0 hit")
	}
}

// TestGetRefusesFiles: an entry that root did not write as its own
// private file is not used.
func TestGetRefusesFiles(t *testing.T) {
	c, _ := newCache(t, time.Minute)
	a := sample()
	if err := c.Put(a); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(c.Dir, File("pam", "ptalice"))
	data, _ := os.ReadFile(path)

	os.Chmod(path, 0o644)
	if _, ok := c.Get("pam", "ptalice"); ok {
		t.Error("Get of a mode 644 entry hit")
	}
	os.Chmod(path, 0o600)

	// A link to a good entry is not followed.
	other := filepath.Join(c.Dir, "elsewhere")
	os.WriteFile(other, data, 0o600)
	os.Remove(path)
	if err := os.Symlink(other, path); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("pam", "ptalice"); ok {
		t.Error("Get through a symbolic link hit")
	}
	os.Remove(path)

	// An entry of another user under this user's name is not used.
	b := *a
	b.User = "ptmallory"
	forged, _ := Format(&b)
	os.WriteFile(path, forged, 0o600)
	if _, ok := c.Get("pam", "ptalice"); ok {
		t.Error("Get of an entry naming another user hit")
	}

	// A good entry in a directory open to others is not used, and Put
	// refuses that directory.
	os.Remove(path)
	if err := c.Put(a); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("pam", "ptalice"); !ok {
		t.Fatal("Get of a fresh entry missed")
	}
	os.Chmod(c.Dir, 0o755)
	if _, ok := c.Get("pam", "ptalice"); ok {
		t.Error("Get from a mode 755 directory hit")
	}
	if err := c.Put(a); err == nil {
		t.Error("Put into a mode 755 directory = nil, want error")
	}
}

func FuzzParse(f *testing.F) {
	good, _ := Format(sample())
	f.Add(good)
	f.Add([]byte(magic + "\nuser a\nmethod b\nuid 1\ngid 1\ngroups \nhome /\nmaildir /m\naddress \n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		if a.UID <= 0 || a.GID <= 0 || !filepath.IsAbs(a.Maildir) {
			t.Fatalf("Parse accepted %+v", a)
		}
		// What Parse accepts, Format writes back to the same account.
		out, err := Format(a)
		if err != nil {
			return
		}
		b, err := Parse(bytes.NewReader(out))
		if err != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("Parse(Format(%+v)) = %+v, %v", a, b, err)
		}
	})
}

// BenchmarkGet is what a request with a session pays for its account
// (the directory check, open, fstat, read and parse of one entry).
func BenchmarkGet(b *testing.B) {
	c := &Cache{Dir: filepath.Join(b.TempDir(), "accounts"), TTL: time.Hour}
	if err := c.Put(sample()); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if _, ok := c.Get("pam", "ptalice"); !ok {
			b.Fatal("miss")
		}
	}
}

// BenchmarkPut is what a login, or a request after the entry expired,
// pays to store it (a synced temporary file renamed over the entry).
func BenchmarkPut(b *testing.B) {
	c := &Cache{Dir: filepath.Join(b.TempDir(), "accounts"), TTL: time.Hour}
	a := sample()
	for i := 0; i < b.N; i++ {
		if err := c.Put(a); err != nil {
			b.Fatal(err)
		}
	}
}
