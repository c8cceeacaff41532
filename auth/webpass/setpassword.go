package webpass

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"postern/auth/pwhash"
)

// SetPassword writes a new hash of password (pwhash.Hash: yescrypt, or
// SHA-512-crypt) to the file passFile ("" means DefaultPassFile) in the
// directory maildir, atomically: a temporary file in the same directory,
// mode 0600, owned by the Maildir's owner and group, synced, then renamed
// over the old file, and the directory synced. The Maildir must be an
// existing directory, not a symbolic link. Ownership is set through the open
// file, never by name, so it is safe to run as root in a directory the user
// controls; when not root, the caller must own the Maildir.
func SetPassword(maildir, passFile, password string) error {
	if passFile == "" {
		passFile = DefaultPassFile
	}
	if err := validPassFile(passFile); err != nil {
		return err
	}
	fi, err := os.Lstat(maildir)
	if err != nil {
		return fmt.Errorf("webpass: %v", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("webpass: %s is not a directory", maildir)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return errors.New("webpass: no owner information")
	}
	hash, err := pwhash.Hash(password)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(maildir, "."+passFile+".tmp*")
	if err != nil {
		return fmt.Errorf("webpass: %v", err)
	}
	tmp := f.Name()
	ok = false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("webpass: %v", err)
	}
	if int(st.Uid) != os.Geteuid() || int(st.Gid) != os.Getegid() {
		if err := f.Chown(int(st.Uid), int(st.Gid)); err != nil {
			return fmt.Errorf("webpass: %v", err)
		}
	}
	if _, err := f.WriteString(hash + "\n"); err != nil {
		return fmt.Errorf("webpass: %v", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("webpass: %v", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("webpass: %v", err)
	}
	if err := os.Rename(tmp, filepath.Join(maildir, passFile)); err != nil {
		return fmt.Errorf("webpass: %v", err)
	}
	ok = true
	if d, err := os.Open(maildir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
