package session

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// clock is a settable clock for Store.Now, safe for concurrent use.
type clock struct{ t atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.t.Store(1_700_000_000)
	return c
}
func (c *clock) now() time.Time          { return time.Unix(c.t.Load(), 0) }
func (c *clock) advance(d time.Duration) { c.t.Add(int64(d / time.Second)) }
func newStore(t *testing.T) (*Store, *clock) {
	t.Helper()
	c := newClock()
	dir := filepath.Join(t.TempDir(), "Maildir", "postern", "sessions")
	return &Store{Dir: dir, Idle: 30 * time.Minute, Max: 12 * time.Hour, Now: c.now}, c
}

func mustCreate(t *testing.T, s *Store, ip string, bind bool) (*Session, string) {
	t.Helper()
	sess, secret, err := s.Create(ip, bind, "Mozilla/5.0")
	if err != nil {
		t.Fatalf("Create(%q, %v) error %v", ip, bind, err)
	}
	return sess, secret
}

func TestCreateCheckDestroy(t *testing.T) {
	s, _ := newStore(t)
	sess, secret := mustCreate(t, s, "192.0.2.1", true)
	if !isHex(sess.ID, IDLen) || !isHex(secret, SecretLen) || !isHex(sess.CSRF, CSRFLen) {
		t.Fatalf("Create() = id %q secret %q csrf %q, want lower hex of %d, %d, %d", sess.ID, secret, sess.CSRF, IDLen, SecretLen, CSRFLen)
	}
	got, err := s.Check(sess.ID, secret, "192.0.2.1")
	if err != nil {
		t.Fatalf("Check(new session) error %v", err)
	}
	if got.ID != sess.ID || got.CSRF != sess.CSRF || got.IP != "192.0.2.1" || !got.Bind || got.UA != "Mozilla/5.0" || !got.Created.Equal(sess.Created) {
		t.Errorf("Check() = %+v, want %+v", got, sess)
	}

	// The file: mode 600 in a 700 directory (parents too), no secret in it.
	name := filepath.Join(s.Dir, sess.ID)
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("session file mode = %v, want 0600", fi.Mode().Perm())
	}
	for _, d := range []string{s.Dir, filepath.Dir(s.Dir)} {
		if di, err := os.Stat(d); err != nil || di.Mode().Perm() != 0o700 {
			t.Errorf("directory %s mode = %v (%v), want 0700", d, di.Mode().Perm(), err)
		}
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), secret) {
		t.Errorf("session file %s contains the secret", data)
	}
	var r map[string]any
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("session file is not JSON: %v", err)
	}
	for _, k := range []string{"hash", "ip", "bind", "created", "last", "csrf", "ua"} {
		if _, ok := r[k]; !ok {
			t.Errorf("session file lacks %q: %s", k, data)
		}
	}

	if err := s.Destroy(sess.ID); err != nil {
		t.Fatalf("Destroy() error %v", err)
	}
	if _, err := s.Check(sess.ID, secret, "192.0.2.1"); !errors.Is(err, ErrNoSession) {
		t.Errorf("Check(destroyed) error = %v, want ErrNoSession", err)
	}
	if err := s.Destroy(sess.ID); err != nil {
		t.Errorf("Destroy(destroyed) = %v, want nil", err)
	}
}

func TestCheckRefuses(t *testing.T) {
	s, _ := newStore(t)
	sess, secret := mustCreate(t, s, "192.0.2.1", true)
	// an existing file outside the directory, for "../" ids
	if err := os.WriteFile(filepath.Join(filepath.Dir(s.Dir), "0123456789abcdef"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	other := strings.Repeat("0", SecretLen)
	if other == secret {
		other = strings.Repeat("1", SecretLen)
	}
	tests := []struct {
		id, secret string
		want       error
	}{
		{sess.ID, other, ErrBadToken},
		// uppercase hex of the right secret is not the secret
		{sess.ID, strings.ToUpper(secret), ErrBadToken},
		{sess.ID, secret[:31], ErrBadToken},
		{sess.ID, "", ErrBadToken},
		{"0000000000000000", secret, ErrNoSession},
		{"../0123456789abc", secret, ErrNoSession},
		// path tricks are refused before any file is opened
		{"../sessions/" + sess.ID[:4], secret, ErrNoSession},
		{strings.ToUpper(sess.ID), secret, ErrNoSession},
		{sess.ID[:15], secret, ErrNoSession},
		{sess.ID + "0", secret, ErrNoSession},
		{"", secret, ErrNoSession},
		{".lock", secret, ErrNoSession},
	}
	for _, tt := range tests {
		if got, err := s.Check(tt.id, tt.secret, "192.0.2.1"); !errors.Is(err, tt.want) {
			t.Errorf("Check(%q, %q) = %v, %v, want %v", tt.id, tt.secret, got, err, tt.want)
		}
	}
	// none of that hurt the real session
	if _, err := s.Check(sess.ID, secret, "192.0.2.1"); err != nil {
		t.Errorf("Check(good) after attacks error %v", err)
	}
}

func TestIPBinding(t *testing.T) {
	s, _ := newStore(t)
	bound, bsecret := mustCreate(t, s, "192.0.2.1", true)
	if _, err := s.Check(bound.ID, bsecret, "198.51.100.7"); !errors.Is(err, ErrIPChanged) {
		t.Errorf("Check(bound, other IP) error = %v, want ErrIPChanged", err)
	}
	if _, err := s.Check(bound.ID, bsecret, "192.0.2.1"); err != nil {
		t.Errorf("Check(bound, login IP) after a refused IP error %v, want nil (session kept)", err)
	}
	free, fsecret := mustCreate(t, s, "192.0.2.1", false)
	if _, err := s.Check(free.ID, fsecret, "198.51.100.7"); err != nil {
		t.Errorf("Check(unbound, other IP) error %v, want nil", err)
	}
}

func TestTimeouts(t *testing.T) {
	s, c := newStore(t)
	sess, secret := mustCreate(t, s, "192.0.2.1", true)
	c.advance(s.Idle) // exactly Idle: still alive
	if _, err := s.Check(sess.ID, secret, "192.0.2.1"); err != nil {
		t.Fatalf("Check() after exactly Idle error %v", err)
	}
	c.advance(s.Idle + time.Second)
	_, err := s.Check(sess.ID, secret, "192.0.2.1")
	if !errors.Is(err, ErrIdle) || !errors.Is(err, ErrExpired) {
		t.Errorf("Check() after Idle+1s error = %v, want ErrIdle wrapping ErrExpired", err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, sess.ID)); !os.IsNotExist(err) {
		t.Errorf("idle session file still exists (%v)", err)
	}

	sess, secret = mustCreate(t, s, "192.0.2.1", true)
	for elapsed := time.Duration(0); elapsed < s.Max; elapsed += 20 * time.Minute {
		c.advance(20 * time.Minute)
		if _, err := s.Check(sess.ID, secret, "192.0.2.1"); err != nil && elapsed+20*time.Minute <= s.Max {
			t.Fatalf("Check() at %v, active every 20m, error %v", elapsed+20*time.Minute, err)
		}
	}
	c.advance(20 * time.Minute)
	_, err = s.Check(sess.ID, secret, "192.0.2.1")
	if !errors.Is(err, ErrMax) || !errors.Is(err, ErrExpired) {
		t.Errorf("Check() after Max error = %v, want ErrMax wrapping ErrExpired", err)
	}
}

func TestTouch(t *testing.T) {
	s, c := newStore(t)
	sess, secret := mustCreate(t, s, "192.0.2.1", true)
	c.advance(TouchEvery - time.Second)
	got, err := s.Check(sess.ID, secret, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Last.Equal(sess.Created) {
		t.Errorf("Check() within TouchEvery: Last = %v, want unchanged %v", got.Last, sess.Created)
	}
	c.advance(time.Second)
	if _, err := s.Check(sess.ID, secret, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	got, err = s.Check(sess.ID, secret, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if want := c.now(); !got.Last.Equal(want) {
		t.Errorf("Check() after TouchEvery: stored Last = %v, want %v", got.Last, want)
	}
}

// TestConcurrentCheck runs many Checks, each touching the file, at once:
// the file must stay a valid session.
func TestConcurrentCheck(t *testing.T) {
	s, c := newStore(t)
	sess, secret := mustCreate(t, s, "192.0.2.1", true)
	var wg sync.WaitGroup
	errs := make(chan error, 8*40)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 40 {
				c.advance(TouchEvery)
				if _, err := s.Check(sess.ID, secret, "192.0.2.1"); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Check() error %v", err)
	}
	if _, err := s.Check(sess.ID, secret, "192.0.2.1"); err != nil {
		t.Errorf("Check() after concurrent use error %v", err)
	}
	if _, err := s.read(sess.ID); err != nil {
		t.Errorf("session file after concurrent use: %v", err)
	}
}

// TestDestroyWhileChecking: a logout racing with requests must win.
func TestDestroyWhileChecking(t *testing.T) {
	s, c := newStore(t)
	for range 20 {
		sess, secret := mustCreate(t, s, "192.0.2.1", false)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					c.advance(TouchEvery)
					s.Check(sess.ID, secret, "192.0.2.1")
				}
			}()
		}
		if err := s.Destroy(sess.ID); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		if _, err := s.Check(sess.ID, secret, "192.0.2.1"); !errors.Is(err, ErrNoSession) {
			t.Fatalf("Check() after Destroy during Checks error = %v, want ErrNoSession", err)
		}
	}
}

func TestListGC(t *testing.T) {
	s, c := newStore(t)
	old, _ := mustCreate(t, s, "192.0.2.1", true)
	c.advance(time.Hour)
	a, _ := mustCreate(t, s, "192.0.2.2", false)
	c.advance(time.Minute)
	b, _ := mustCreate(t, s, "192.0.2.3", true)
	put := func(name, data string, age time.Duration) {
		p := filepath.Join(s.Dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		mt := time.Now().Add(-age)
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	put("00000000000000ff", "not json", 0)
	put(tmpPrefix+"old", "", time.Hour)
	put(tmpPrefix+"new", "", 0)
	put("README", "kept", 0)

	list, err := s.List()
	if err != nil {
		t.Fatalf("List() error %v", err)
	}
	var ids []string
	for _, l := range list {
		ids = append(ids, l.ID)
	}
	if strings.Join(ids, " ") != a.ID+" "+b.ID {
		t.Errorf("List() = %v, want [%s %s] (%s expired)", ids, a.ID, b.ID, old.ID)
	}
	for name, want := range map[string]bool{old.ID: false, "00000000000000ff": false, tmpPrefix + "old": false, tmpPrefix + "new": true, "README": true, a.ID: true} {
		_, err := os.Stat(filepath.Join(s.Dir, name))
		if got := err == nil; got != want {
			t.Errorf("after List(), %s exists = %v, want %v", name, got, want)
		}
	}

	c.advance(s.Max)
	if err := s.GC(); err != nil {
		t.Fatalf("GC() error %v", err)
	}
	if list, err := s.List(); err != nil || len(list) != 0 {
		t.Errorf("List() after everything expired = %v, %v, want none", list, err)
	}
	if list, err := (&Store{Dir: filepath.Join(t.TempDir(), "none")}).List(); err != nil || list != nil {
		t.Errorf("List(missing dir) = %v, %v, want nil, nil", list, err)
	}
}

func TestCreateRefuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sessions")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := (&Store{Dir: dir}).Create("192.0.2.1", true, ""); err == nil {
		t.Errorf("Create() in a mode 755 directory = nil error, want refusal")
	}
	if _, _, err := (&Store{}).Create("192.0.2.1", true, ""); err == nil {
		t.Errorf("Create() with no Dir = nil error, want refusal")
	}
	s, _ := newStore(t)
	if _, _, err := s.Create(strings.Repeat("1", MaxIPBytes+1), true, ""); err == nil {
		t.Errorf("Create(long IP) = nil error, want refusal")
	}
}

func TestTruncateUA(t *testing.T) {
	tests := []struct {
		in   string
		want int // length in bytes
	}{
		{"", 0},
		{strings.Repeat("a", MaxUABytes), MaxUABytes},
		{strings.Repeat("a", MaxUABytes+1), MaxUABytes},
		// 2-byte runes: 100 fit exactly
		{strings.Repeat("é", 150), MaxUABytes},
		{"a" + strings.Repeat("é", 150), MaxUABytes - 1},
		// invalid UTF-8 becomes U+FFFD (3 bytes)
		{"\xff", 3},
	}
	for _, tt := range tests {
		got := truncateUA(tt.in)
		if len(got) != tt.want || !utf8.ValidString(got) {
			t.Errorf("truncateUA(%.20q…) = %d bytes (valid %v), want %d valid", tt.in, len(got), utf8.ValidString(got), tt.want)
		}
	}
}
