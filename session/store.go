package session

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"postern/internal/lockfile"
	"postern/internal/privfile"
	"strings"
	"time"
	"unicode/utf8"
)

// Defaults used when Store.Idle or Store.Max is zero.
const (
	DefaultIdle = 30 * time.Minute
	DefaultMax  = 12 * time.Hour
)

// TouchEvery is how stale the stored last-access time may get before Check
// rewrites it.
const TouchEvery = 5 * time.Second

// Named limits on what a session file holds.
const (
	MaxFileBytes = 4096 // a session file larger than this is corrupt
	MaxUABytes   = 200  // the user agent is cut to this length
	MaxIPBytes   = 64   // a longer address is refused by Create
)

// lockName is the flock(2) file in Store.Dir.
const lockName = ".lock"

// tmpPrefix starts the names of files being written.
const tmpPrefix = ".tmp-"

// Store keeps sessions as files in Dir. Idle and Max are the idle and
// absolute timeouts (zero: DefaultIdle, DefaultMax). Now is the clock (nil:
// time.Now).
type Store struct {
	Dir       string
	Idle, Max time.Duration
	Now       func() time.Time
}

// Session is what a session file says, without the hash of the secret.
type Session struct {
	ID, IP, CSRF, UA string
	Bind             bool
	Created, Last    time.Time
	Public           bool // "this is a public computer": shorter idle timeout
	Pending          bool // only the second-factor step is allowed
	Tries            int  // wrong second-factor codes so far
}

// record is the JSON content of a session file.
type record struct {
	Hash    string `json:"hash"`
	IP      string `json:"ip"`
	Bind    bool   `json:"bind"`
	Created int64  `json:"created"`
	Last    int64  `json:"last"`
	CSRF    string `json:"csrf"`
	UA      string `json:"ua"`
	Idle    int64  `json:"idle,omitempty"` // seconds; 0: Store.Idle
	Public  bool   `json:"public,omitempty"`
	Pending bool   `json:"pending,omitempty"`
	Tries   int    `json:"tries,omitempty"`
}

func (r *record) session(id string) *Session {
	return &Session{ID: id, IP: r.IP, CSRF: r.CSRF, UA: r.UA, Bind: r.Bind,
		Created: time.Unix(r.Created, 0), Last: time.Unix(r.Last, 0),
		Public: r.Public, Pending: r.Pending, Tries: r.Tries}
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// expired returns ErrMax, ErrIdle or nil for r at time now.
func (s *Store) expired(r *record, now time.Time) error {
	idle, max := s.Idle, s.Max
	if idle <= 0 {
		idle = DefaultIdle
	}
	if max <= 0 {
		max = DefaultMax
	}
	if r.Idle > 0 {
		idle = time.Duration(r.Idle) * time.Second
	}
	t := now.Unix()
	if t-r.Created > int64(max/time.Second) {
		return ErrMax
	}
	if t-r.Last > int64(idle/time.Second) {
		return ErrIdle
	}
	return nil
}

// Create starts a session for a login from ip, bound to it if bind, and
// returns it with the secret for the cookie. It removes expired sessions
// first (their errors are ignored: they must not prevent a login).
func (s *Store) Create(ip string, bind bool, ua string) (sess *Session, secret string, err error) {
	return s.CreateWith(Options{IP: ip, Bind: bind, UA: ua})
}

// CreateWith is Create with the options of Options.
func (s *Store) CreateWith(o Options) (sess *Session, secret string, err error) {
	ip, bind, ua := o.IP, o.Bind, o.UA
	if len(ip) > MaxIPBytes {
		return nil, "", fmt.Errorf("session: IP address longer than %d bytes", MaxIPBytes)
	}
	if err := s.ensureDir(); err != nil {
		return nil, "", err
	}
	s.GC()
	secret = randomHex(SecretLen / 2)
	sum := sha256.Sum256([]byte(secret))
	t := s.now().Unix()
	r := &record{Hash: hex.EncodeToString(sum[:]), IP: ip, Bind: bind, Created: t, Last: t,
		CSRF: randomHex(CSRFLen / 2), UA: truncateUA(ua),
		Idle: int64(o.Idle / time.Second), Public: o.Public, Pending: o.Pending}
	for range 3 {
		id := randomHex(IDLen / 2)
		err = s.write(r, id, false)
		if errors.Is(err, fs.ErrExist) {
			continue // 64 random bits collided: draw again
		}
		if err != nil {
			return nil, "", err
		}
		return r.session(id), secret, nil
	}
	return nil, "", fmt.Errorf("session: cannot create a unique id: %w", err)
}

// Check proves the session id with its secret for a request from ip, as
// described in the package comment, and returns it with Last updated.
func (s *Store) Check(id, secret, ip string) (*Session, error) {
	if !isHex(id, IDLen) {
		return nil, ErrNoSession
	}
	if !isHex(secret, SecretLen) {
		return nil, ErrBadToken
	}
	r, err := s.read(id)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(secret))
	stored, err := hex.DecodeString(r.Hash)
	if err != nil || subtle.ConstantTimeCompare(sum[:], stored) != 1 {
		return nil, ErrBadToken
	}
	now := s.now()
	if err := s.expired(r, now); err != nil {
		if rerr := s.Destroy(id); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return nil, err
	}
	if r.Bind && ip != r.IP {
		return nil, ErrIPChanged
	}
	if now.Unix()-r.Last >= int64(TouchEvery/time.Second) {
		r.Last = now.Unix()
		if err := s.touch(r, id); err != nil {
			return nil, err
		}
	}
	return r.session(id), nil
}

// Destroy removes session id. Removing a session that does not exist is
// not an error.
func (s *Store) Destroy(id string) error {
	if !isHex(id, IDLen) {
		return ErrNoSession
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := os.Remove(filepath.Join(s.Dir, id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("session: %w", err)
	}
	return nil
}

// read loads the record of session id. A missing or corrupt file is
// ErrNoSession.
func (s *Store) read(id string) (*record, error) {
	data, err := privfile.Read(filepath.Join(s.Dir, id), MaxFileBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoSession
	}
	if err != nil && !errors.Is(err, privfile.ErrTooLarge) {
		return nil, fmt.Errorf("session: %w", err)
	}
	var r record
	if err != nil || json.Unmarshal(data, &r) != nil || len(r.Hash) != 2*sha256.Size {
		return nil, fmt.Errorf("session: %s: %w", id, errCorrupt)
	}
	return &r, nil
}

// touch rewrites the record of a session that still exists.
func (s *Store) touch(r *record, id string) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := os.Lstat(filepath.Join(s.Dir, id)); errors.Is(err, fs.ErrNotExist) {
		return ErrNoSession // destroyed since we read it
	}
	return s.write(r, id, true)
}

// write stores r as session id through a temporary file: renamed over the
// old file when replace, else linked to the new name (fails with
// fs.ErrExist when the name is taken).
func (s *Store) write(r *record, id string, replace bool) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	f, err := os.CreateTemp(s.Dir, tmpPrefix+"*")
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a rename: harmless ENOENT
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("session: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("session: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("session: %w", err)
	}
	name := filepath.Join(s.Dir, id)
	if replace {
		err = os.Rename(tmp, name)
	} else {
		err = os.Link(tmp, name)
	}
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	return nil
}

// ensureDir creates Dir (mode 700) if needed and refuses one that is not a
// private directory.
func (s *Store) ensureDir() error {
	if s.Dir == "" {
		return errors.New("session: no directory")
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("session: %w", err)
	}
	fi, err := os.Lstat(s.Dir)
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	if !fi.IsDir() || fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("session: %s is not a private directory (%v)", s.Dir, fi.Mode())
	}
	return nil
}

// lock takes the store's flock; the returned function releases it.
func (s *Store) lock() (unlock func(), err error) {
	unlock, err = lockfile.Lock(filepath.Join(s.Dir, lockName))
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	return unlock, nil
}

// randomHex returns n random bytes from crypto/rand as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never returns an error (Go 1.24+); it crashes instead
	return hex.EncodeToString(b)
}

// truncateUA returns the first MaxUABytes bytes of ua as valid UTF-8,
// never cutting a character in two.
func truncateUA(ua string) string {
	ua = strings.ToValidUTF8(ua, "\uFFFD")
	if len(ua) <= MaxUABytes {
		return ua
	}
	n := MaxUABytes
	for n > 0 && !utf8.RuneStart(ua[n]) {
		n--
	}
	return ua[:n]
}
