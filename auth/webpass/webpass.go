// Package webpass is the auth backend for virtual users: people with a
// Maildir and a password but no system account.
//
// Layout: under a root directory (from the config), the directory
// root/<user> is the user's Maildir, and the file <Maildir>/<passFile>
// (DefaultPassFile, "postern-passwd", unless configured) holds the password:
// one line, a crypt(3) hash (see auth/pwhash; SetPassword writes yescrypt).
// A hash starting with "!" or "*" locks the account.
//
// The account's uid and gid are the owner and group of the Maildir
// directory; Groups is just the gid; Home is the Maildir; Address is empty.
//
// Refused (an error wrapping auth.ErrFailed from Authenticate, auth.ErrNoUser
// from Lookup; the text says why, for the log):
//
//   - a user name that fails auth.ValidUser;
//   - a Maildir that is missing, not a directory, or a symbolic link;
//   - a password file that is missing, a symbolic link (opened with
//     O_NOFOLLOW relative to the opened Maildir, so nothing can be swapped
//     in between), not a regular file, not of mode 0600 exactly, not owned
//     by the Maildir's owner, or longer than MaxPassFileBytes;
//   - an empty or locked hash, before any hashing runs.
//
// Lookup applies every check except the password itself, so removing or
// locking a password file ends the user's sessions at their next request.
// The backend does not refuse root or low uids; the caller does.
package webpass

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"postern/auth"
	"postern/auth/pwhash"
)

// DefaultPassFile is the name of the password file in each Maildir.
const DefaultPassFile = "postern-passwd"

// MaxPassFileBytes is the most bytes read from a password file.
const MaxPassFileBytes = 1024

// Backend authenticates virtual users under one root directory.
type Backend struct {
	root     string
	passFile string
}

var _ auth.Authenticator = (*Backend)(nil)

// New returns a backend for the Maildirs root/<user>, each with its password
// in the file passFile ("" means DefaultPassFile). passFile must be a plain
// file name; root must be absolute. Both are checked on use: a bad
// configuration makes every login fail, with the reason in the error.
func New(root, passFile string) *Backend {
	if passFile == "" {
		passFile = DefaultPassFile
	}
	return &Backend{root: root, passFile: passFile}
}

// Authenticate checks password against the hash in user's password file.
func (b *Backend) Authenticate(user, password string) (*auth.Account, error) {
	a, hash, err := b.open(user)
	if err != nil {
		pwhash.Waste(password)
		return nil, auth.Failf("%v", err)
	}
	if err := pwhash.Verify(hash, password); err != nil {
		if errors.Is(err, pwhash.ErrEmpty) || errors.Is(err, pwhash.ErrLocked) {
			pwhash.Waste(password)
		}
		return nil, auth.Failf("webpass: user %q: %v", user, err)
	}
	return a, nil
}

// Lookup returns user's account after the same checks as Authenticate,
// short of the password.
func (b *Backend) Lookup(user string) (*auth.Account, error) {
	a, hash, err := b.open(user)
	if err != nil {
		return nil, auth.NoUserf("%v", err)
	}
	if hash == "" || hash[0] == '!' || hash[0] == '*' {
		return nil, auth.NoUserf("webpass: user %q: empty or locked password", user)
	}
	return a, nil
}

// open checks the Maildir and the password file of user and returns the
// account and the hash.
func (b *Backend) open(user string) (*auth.Account, string, error) {
	if err := auth.ValidUser(user); err != nil {
		return nil, "", err
	}
	if !filepath.IsAbs(b.root) {
		return nil, "", fmt.Errorf("webpass: root %q is not absolute", b.root)
	}
	if err := validPassFile(b.passFile); err != nil {
		return nil, "", err
	}
	maildir := filepath.Join(b.root, user)
	dfd, err := syscall.Open(maildir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, "", fmt.Errorf("webpass: maildir %q: %v", maildir, err)
	}
	defer syscall.Close(dfd)
	var dst syscall.Stat_t
	if err := syscall.Fstat(dfd, &dst); err != nil {
		return nil, "", fmt.Errorf("webpass: maildir %q: %v", maildir, err)
	}
	hash, err := readPassFile(dfd, b.passFile, dst.Uid)
	if err != nil {
		return nil, "", fmt.Errorf("webpass: %s: %v", filepath.Join(maildir, b.passFile), err)
	}
	a := &auth.Account{
		User:    user,
		Method:  auth.MethodWebpass,
		UID:     int(dst.Uid),
		GID:     int(dst.Gid),
		Groups:  []int{int(dst.Gid)},
		Home:    maildir,
		Maildir: maildir,
	}
	return a, hash, nil
}

// readPassFile opens name in the directory dfd without following a link,
// checks it (regular, mode 0600, owned by uid) and returns its first line.
func readPassFile(dfd int, name string, uid uint32) (string, error) {
	fd, err := syscall.Openat(dfd, name, syscall.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return "", err
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return "", err
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return "", errors.New("not a regular file")
	}
	if perm := st.Mode & 0o7777; perm != 0o600 {
		return "", fmt.Errorf("mode %#o, want 0600", perm)
	}
	if st.Uid != uid {
		return "", fmt.Errorf("owner %d, want the maildir's owner %d", st.Uid, uid)
	}
	buf, err := io.ReadAll(io.LimitReader(f, MaxPassFileBytes+1))
	if err != nil {
		return "", err
	}
	if len(buf) > MaxPassFileBytes {
		return "", fmt.Errorf("longer than %d bytes", MaxPassFileBytes)
	}
	line, _, _ := bytes.Cut(buf, []byte("\n"))
	return strings.TrimSpace(string(line)), nil
}

func validPassFile(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return fmt.Errorf("webpass: password file name %q is not a plain file name", name)
	}
	return nil
}
