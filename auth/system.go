package auth

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultMaildir is the Maildir of a system account when none is configured,
// relative to the home directory.
const DefaultMaildir = "Maildir"

// UserEntry is a user of the passwd and group databases.
type UserEntry struct {
	UID, GID int
	Home     string
	Groups   []int // every group id of the user, the primary one included
}

// UserLookup resolves a user that os/user does not find. The request
// binary is built with the osusergo tag, so os/user reads /etc/passwd and
// /etc/group itself and knows no account that only the name service switch
// (sssd, LDAP) has; the root room gives the system backends one that asks
// postern-login (auth/checkpass.Client.Lookup), which resolves it through
// libc's NSS. It is a value of the backend, not of the process, so that
// nothing after the privilege drop can reach it.
type UserLookup func(name string) (*UserEntry, error)

// SystemAccount looks up a system account (passwd and group databases, via
// os/user: getpwnam_r and getgrouplist with cgo, /etc/passwd and /etc/group
// with the osusergo tag, then fallback when it is not nil and os/user
// does not know the user) and returns it with the given method. A user
// that does not exist, or whose home directory is empty, relative or not
// an existing directory, gives an error wrapping ErrNoUser.
//
// maildir names the Maildir; see ExpandMaildir. The Maildir itself need not
// exist (the caller reports a missing one on its own terms).
func SystemAccount(name, method, maildir string, fallback UserLookup) (*Account, error) {
	if err := ValidUser(name); err != nil {
		return nil, NoUserf("%v", err)
	}
	e, err := lookupUser(name, fallback)
	if err != nil {
		return nil, err
	}
	if e.Home == "" || !filepath.IsAbs(e.Home) {
		return nil, NoUserf("user %q: home %q is not an absolute path", name, e.Home)
	}
	if fi, err := os.Stat(e.Home); err != nil || !fi.IsDir() {
		return nil, NoUserf("user %q: home %q is not a directory", name, e.Home)
	}
	groups := []int{e.GID}
	for _, g := range e.Groups {
		if g != e.GID {
			groups = append(groups, g)
		}
	}
	md, err := ExpandMaildir(maildir, name, e.Home)
	if err != nil {
		return nil, NoUserf("user %q: %v", name, err)
	}
	return &Account{
		User:    name,
		Method:  method,
		UID:     e.UID,
		GID:     e.GID,
		Groups:  groups,
		Home:    e.Home,
		Maildir: md,
	}, nil
}

// lookupUser asks os/user, then fallback (when not nil) for a user os/user
// does not know.
func lookupUser(name string, fallback UserLookup) (*UserEntry, error) {
	u, err := user.Lookup(name)
	if err != nil {
		var unknown user.UnknownUserError
		if errors.As(err, &unknown) && fallback != nil {
			e, ferr := fallback(name)
			if ferr != nil {
				return nil, NoUserf("lookup %q: %v", name, ferr)
			}
			return e, nil
		}
		return nil, NoUserf("lookup %q: %v", name, err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		return nil, NoUserf("user %q: non-numeric uid %q or gid %q", name, u.Uid, u.Gid)
	}
	gids, err := u.GroupIds()
	if err != nil {
		return nil, NoUserf("user %q: groups: %v", name, err)
	}
	e := &UserEntry{UID: uid, GID: gid, Home: u.HomeDir}
	for _, s := range gids {
		g, err := strconv.Atoi(s)
		if err != nil {
			return nil, NoUserf("user %q: non-numeric group id %q", name, s)
		}
		e.Groups = append(e.Groups, g)
	}
	return e, nil
}

// ExpandMaildir returns the absolute, cleaned path of a user's Maildir from
// the configured template:
//
//   - "" means DefaultMaildir ("Maildir" in the home directory);
//   - a relative path is taken relative to the home directory
//     ("Maildir", "mail/Maildir");
//   - a template may name the user and the home directory: %u is replaced by
//     the user name, %h by the home directory, %% by a percent sign
//     ("/var/mail/%u", "%h/Maildir"); any other % sequence is an error.
//
// The expansion must be absolute (after joining relative paths to home).
func ExpandMaildir(tmpl, user, home string) (string, error) {
	if tmpl == "" {
		tmpl = DefaultMaildir
	}
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(tmpl) {
			return "", fmt.Errorf("auth: maildir template %q ends with %%", tmpl)
		}
		i++
		switch tmpl[i] {
		case 'u':
			b.WriteString(user)
		case 'h':
			b.WriteString(home)
		case '%':
			b.WriteByte('%')
		default:
			return "", fmt.Errorf("auth: maildir template %q: unknown %%%c", tmpl, tmpl[i])
		}
	}
	p := b.String()
	if !filepath.IsAbs(p) {
		p = filepath.Join(home, p)
	}
	if !filepath.IsAbs(p) {
		return "", fmt.Errorf("auth: maildir %q is not absolute", p)
	}
	return filepath.Clean(p), nil
}
