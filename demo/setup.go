package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"

	"postern/auth/webpass"
)

// passFile is the webpass password file name in the demo configuration.
const passFile = "postern-passwd"

// demo is the state of one demo server: its temporary directory and what
// it must undo at exit.
type demo struct {
	opts    *options
	tmp     string // temporary directory, removed at exit
	cgi     string // absolute path of the postern binary to run
	config  string // the configuration file
	root    string // webpass_root
	login   string // the virtual user: the Maildir is root/login
	mailbox string // the Maildir

	drop     bool // running as root: become uid/gid before setup
	uid, gid int

	// With -maildir, the password file is written in the user's Maildir:
	// removed at exit, or its earlier content put back.
	passOld     []byte
	passExisted bool
	passWritten bool
}

// newDemo checks the options, chooses who the demo will run as and makes
// the temporary directory. As root, it copies the postern binary there so
// that the unprivileged user can run it wherever it was built.
func newDemo(o *options) (*demo, error) {
	d := &demo{opts: o, uid: os.Getuid(), gid: os.Getgid()}
	cgiPath, err := filepath.Abs(o.cgi)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if fi, err := os.Stat(cgiPath); err != nil {
		return nil, fmt.Errorf("demo: -cgi: %w", err)
	} else if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return nil, fmt.Errorf("demo: -cgi %s is not an executable file", cgiPath)
	}
	d.cgi = cgiPath
	if o.maildir != "" {
		// Resolved: the webpass backend refuses a Maildir reached through
		// a symbolic link.
		if o.maildir, err = filepath.Abs(o.maildir); err == nil {
			o.maildir, err = filepath.EvalSymlinks(o.maildir)
		}
		if err != nil {
			return nil, fmt.Errorf("demo: -maildir: %w", err)
		}
		uid, gid, err := maildirOwner(o.maildir)
		if err != nil {
			return nil, err
		}
		switch {
		case !userRE.MatchString(filepath.Base(o.maildir)):
			return nil, fmt.Errorf("demo: -maildir %s: its name is the login name and %q is not a valid one", o.maildir, filepath.Base(o.maildir))
		case os.Geteuid() == 0 && uid == 0:
			return nil, fmt.Errorf("demo: -maildir %s is owned by root; postern never serves mail as root", o.maildir)
		case os.Geteuid() == 0:
			d.drop, d.uid, d.gid = true, uid, gid
		case uid != os.Getuid():
			return nil, fmt.Errorf("demo: -maildir %s is owned by uid %d, not by you (uid %d)", o.maildir, uid, os.Getuid())
		}
	} else if os.Geteuid() == 0 {
		d.drop = true
		if d.uid, d.gid, err = nobody(); err != nil {
			return nil, err
		}
	}
	if d.tmp, err = os.MkdirTemp("", "postern-demo-"); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if d.tmp, err = filepath.Abs(d.tmp); err != nil {
		os.RemoveAll(d.tmp)
		return nil, fmt.Errorf("demo: %w", err)
	}
	d.config = filepath.Join(d.tmp, "postern.conf")
	d.root, d.login = filepath.Join(d.tmp, "users"), o.user
	if o.maildir != "" {
		// The webpass backend refuses a Maildir that is a symbolic link,
		// so the user is named after the Maildir's own directory.
		d.root, d.login = filepath.Split(o.maildir)
		d.root = filepath.Clean(d.root)
	}
	d.mailbox = filepath.Join(d.root, d.login)
	if d.drop {
		if err := d.prepareForDrop(); err != nil {
			os.RemoveAll(d.tmp)
			return nil, err
		}
	}
	return d, nil
}

// maildirOwner checks that dir looks like a Maildir and returns its owner.
func maildirOwner(dir string) (uid, gid int, err error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return 0, 0, fmt.Errorf("demo: -maildir: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "cur")); err != nil || !fi.IsDir() {
		return 0, 0, fmt.Errorf("demo: -maildir %s is not a Maildir (no cur/)", dir)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, errors.New("demo: cannot read the owner of the Maildir")
	}
	return int(st.Uid), int(st.Gid), nil
}

// nobody returns the uid of "nobody" and the gid of "nogroup" (or nobody's
// primary group).
func nobody() (uid, gid int, err error) {
	u, err := user.Lookup("nobody")
	if err != nil {
		return 0, 0, fmt.Errorf("demo: running as root needs a nobody user: %w", err)
	}
	gidText := u.Gid
	if g, err := user.LookupGroup("nogroup"); err == nil {
		gidText = g.Gid
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(gidText)
	if err := errors.Join(err1, err2); err != nil || uid == 0 || gid == 0 {
		return 0, 0, fmt.Errorf("demo: unusable nobody user (uid %q, gid %q)", u.Uid, gidText)
	}
	return uid, gid, nil
}

// prepareForDrop copies the postern binary into the temporary directory
// and gives both to the user the demo will run as.
func (d *demo) prepareForDrop() error {
	bin, err := os.ReadFile(d.cgi)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	copyPath := filepath.Join(d.tmp, "postern")
	if err := os.WriteFile(copyPath, bin, 0o700); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	for _, p := range []string{copyPath, d.tmp} {
		if err := os.Lchown(p, d.uid, d.gid); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	d.cgi = copyPath
	return nil
}

// dropPrivileges makes a root demo run as d.uid/d.gid with no
// supplementary groups, and proves that root cannot be regained.
func (d *demo) dropPrivileges() error {
	if !d.drop {
		return nil
	}
	if err := syscall.Setgroups([]int{}); err != nil {
		return fmt.Errorf("demo: setgroups: %w", err)
	}
	if err := syscall.Setgid(d.gid); err != nil {
		return fmt.Errorf("demo: setgid %d: %w", d.gid, err)
	}
	if err := syscall.Setuid(d.uid); err != nil {
		return fmt.Errorf("demo: setuid %d: %w", d.uid, err)
	}
	if syscall.Setuid(0) == nil || os.Geteuid() != d.uid || os.Getegid() != d.gid {
		return errors.New("demo: privileges not dropped")
	}
	return nil
}

// setup writes the sample Maildir (unless -maildir), the configuration
// and the password file.
func (d *demo) setup() error {
	if d.opts.maildir == "" {
		if err := os.Mkdir(d.root, 0o700); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if _, err := generate(d.mailbox, d.opts.count, d.opts.seed); err != nil {
			return err
		}
	}
	conf := fmt.Sprintf("# written by postern-demo\nauth = webpass\nwebpass_root = %s\nwebpass_file = %s\n"+
		"min_uid = 1\nsession_idle = 2h\nsite_name = postern demo\n"+
		"require_https = no\nguard_dir = %s\n", d.root, passFile, filepath.Join(d.tmp, "guard"))
	if err := os.WriteFile(d.config, []byte(conf), 0o600); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	passPath := filepath.Join(d.mailbox, passFile)
	if d.opts.maildir != "" {
		old, err := os.ReadFile(passPath)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("demo: %w", err)
		}
		d.passOld, d.passExisted = old, err == nil
	}
	d.passWritten = true
	if err := webpass.SetPassword(d.mailbox, passFile, d.opts.password); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// describeMaildir names the Maildir being served.
func (d *demo) describeMaildir() string {
	if d.opts.maildir != "" {
		return d.opts.maildir + " (yours, read-write)"
	}
	return fmt.Sprintf("%s (%d sample messages)", d.mailbox, d.opts.count)
}

// cleanup puts back the password file of a -maildir and removes the
// temporary directory (which never holds a -maildir).
func (d *demo) cleanup(stderr io.Writer) {
	if d.opts.maildir != "" && d.passWritten {
		passPath := filepath.Join(d.opts.maildir, passFile)
		var err error
		if d.passExisted {
			err = os.WriteFile(passPath, d.passOld, 0o600)
		} else {
			err = os.Remove(passPath)
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(stderr, "demo: restoring %s: %v\n", passPath, err)
		}
	}
	if err := os.RemoveAll(d.tmp); err != nil {
		fmt.Fprintf(stderr, "demo: %v\n", err)
	}
}
