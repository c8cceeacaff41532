// Package acctcache keeps, for a short time, what an auth backend's Lookup
// said of a user, so that the root room of a logged-in request need not
// ask again: with PAM that is a whole transaction (pam_start reading the
// service's stack and loading its modules, pam_acct_mgmt) plus the passwd
// and group databases through NSS, about 1.5 ms of a 10 ms request.
//
// The cache is root's, like the guard's counters: one file per account in
// a directory owned by the effective user with mode 700, each file mode
// 600, written by root from what the backend returned and read back by
// root only. Nothing in it comes from the request: the file name is the
// hex SHA-256 of the method and the user name, so any name becomes a
// fixed, safe file name. A file is used only when its directory is still
// private (owned by the effective user, mode 700), and it is a regular file,
// not a link, owned by the effective user, not open to others, younger
// than the time to live (by its modification time, which Put sets) and
// not from the future, of this version, and naming the same user and
// method; anything else is a miss, and the caller asks the backend.
//
// What this changes: an account that expires or is locked after its login
// keeps its sessions for at most the time to live (account_cache in
// postern.conf, default one minute; 0 asks the backend on every request,
// as before). Logins are never answered from the cache: Authenticate
// always runs, and its Put refreshes the entry.
//
// Writes go through privfile.WriteAtomic (a synced temporary file renamed
// over the entry), so a reader sees a whole entry or none; two writers of
// one entry both write what the backend said, and either may win.
package acctcache

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"postern/auth"
	"postern/internal/privfile"
)

// MaxFileBytes bounds what is read of an entry.
const MaxFileBytes = 4096

// magic is the first line of an entry of this layout.
const magic = "postern-account 1"

// Cache is a directory of accounts.
type Cache struct {
	Dir string        // absolute; created with mode 700 when missing
	TTL time.Duration // how long an entry is used; 0 or less: never

	now func() time.Time // for tests
}

func (c *Cache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// File is the name of the entry of user under method.
func File(method, user string) string {
	sum := sha256.Sum256([]byte(method + "\x00" + user))
	return "a-" + hex.EncodeToString(sum[:])
}

// Get returns the cached account of user under method, or false when
// there is no usable entry.
func (c *Cache) Get(method, user string) (*auth.Account, bool) {
	if c.TTL <= 0 || c.Dir == "" || privfile.CheckDir("acctcache", c.Dir) != nil {
		return nil, false
	}
	f, err := os.OpenFile(filepath.Join(c.Dir, File(method, user)), os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 != 0 {
		return nil, false
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Geteuid() {
		return nil, false
	}
	age := c.clock().Sub(fi.ModTime())
	if age < -time.Second || age >= c.TTL {
		return nil, false
	}
	a, err := Parse(io.LimitReader(f, MaxFileBytes+1))
	if err != nil || a.User != user || a.Method != method {
		return nil, false
	}
	return a, true
}

// Put stores a, which a backend has just returned.
func (c *Cache) Put(a *auth.Account) error {
	if c.TTL <= 0 || c.Dir == "" {
		return nil
	}
	if err := privfile.EnsureDir("acctcache", c.Dir); err != nil {
		return err
	}
	data, err := Format(a)
	if err != nil {
		return err
	}
	if err := privfile.WriteAtomic(filepath.Join(c.Dir, File(a.Method, a.User)), data); err != nil {
		return fmt.Errorf("acctcache: %w", err)
	}
	return nil
}

// Forget removes the entry of user under method: a Lookup that failed.
func (c *Cache) Forget(method, user string) error {
	if c.Dir == "" {
		return nil
	}
	err := os.Remove(filepath.Join(c.Dir, File(method, user)))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("acctcache: %w", err)
	}
	return nil
}

// Format writes a as an entry: the magic line, then one "key value" line
// per field. Values may not hold a newline (user names, methods and paths
// of accounts never do; one that did is refused).
func Format(a *auth.Account) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(magic + "\n")
	groups := make([]string, len(a.Groups))
	for i, g := range a.Groups {
		groups[i] = strconv.Itoa(g)
	}
	for _, kv := range [][2]string{
		{"user", a.User}, {"method", a.Method},
		{"uid", strconv.Itoa(a.UID)}, {"gid", strconv.Itoa(a.GID)},
		{"groups", strings.Join(groups, " ")},
		{"home", a.Home}, {"maildir", a.Maildir}, {"address", a.Address},
	} {
		if strings.ContainsAny(kv[1], "\n\r\x00") {
			return nil, fmt.Errorf("acctcache: %s of %q holds a newline or NUL", kv[0], a.User)
		}
		b.WriteString(kv[0] + " " + kv[1] + "\n")
	}
	if b.Len() > MaxFileBytes {
		return nil, fmt.Errorf("acctcache: entry of %q is longer than %d bytes", a.User, MaxFileBytes)
	}
	return b.Bytes(), nil
}

// Parse reads an entry written by Format. Every field must be there once,
// the uid and gid must be positive decimal numbers (root is never served),
// group ids decimal numbers, paths absolute.
func Parse(r io.Reader) (*auth.Account, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 512), MaxFileBytes)
	if !sc.Scan() || sc.Text() != magic {
		return nil, errors.New("acctcache: not an entry of this version")
	}
	seen := map[string]string{}
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			return nil, fmt.Errorf("acctcache: bad line %q", sc.Text())
		}
		if _, dup := seen[k]; dup {
			return nil, fmt.Errorf("acctcache: %s twice", k)
		}
		seen[k] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("acctcache: %w", err)
	}
	a := &auth.Account{User: seen["user"], Method: seen["method"], Home: seen["home"], Maildir: seen["maildir"], Address: seen["address"]}
	if len(seen) != 8 || a.User == "" || a.Method == "" {
		return nil, errors.New("acctcache: fields missing or unknown")
	}
	if !filepath.IsAbs(a.Home) || !filepath.IsAbs(a.Maildir) {
		return nil, errors.New("acctcache: home or maildir is not absolute")
	}
	var err error
	if a.UID, err = id(seen["uid"]); err != nil {
		return nil, err
	}
	if a.GID, err = id(seen["gid"]); err != nil {
		return nil, err
	}
	for _, s := range strings.Fields(seen["groups"]) {
		g, err := strconv.Atoi(s)
		if err != nil || g < 0 || strconv.Itoa(g) != s {
			return nil, fmt.Errorf("acctcache: bad group id %q", s)
		}
		a.Groups = append(a.Groups, g)
	}
	return a, nil
}

// id parses a positive decimal id.
func id(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || strconv.Itoa(n) != s {
		return 0, fmt.Errorf("acctcache: bad id %q", s)
	}
	return n, nil
}
