package config

import (
	"fmt"
	"path/filepath"
	"strings"
)

// PathList splits a list of paths (landlock_send_exec and the like):
// separated by commas or white space, so a path cannot hold either.
func PathList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

// pathList accepts a PathList of absolute paths without "..", in which
// "%u" may stand for the user name and "%h" for the home.
func pathList(v string) error {
	for _, p := range PathList(v) {
		if !(strings.HasPrefix(p, "/") || strings.HasPrefix(p, "%h/") || p == "%h") || hasDotDot(p) {
			return fmt.Errorf("%q is not an absolute path without ..", p)
		}
		if err := onlyUserHome(p); err != nil {
			return err
		}
	}
	return nil
}

func onlyUserHome(p string) error {
	if strings.Contains(strings.NewReplacer("%u", "", "%h", "").Replace(p), "%") {
		return fmt.Errorf("%q: only %%u and %%h may follow %%", p)
	}
	return nil
}

// homePath accepts a path relative to the home, or absolute, without ".."
// or white space; "%u" and "%h" stand for the user name and home.
func homePath(v string) error {
	if v == "" || hasDotDot(v) || strings.ContainsAny(v, " \t\n,") {
		return fmt.Errorf("%q is not a path without .., spaces or commas", v)
	}
	return onlyUserHome(v)
}

// program accepts an absolute path without ".." or white space.
func program(v string) error {
	if !strings.HasPrefix(v, "/") || hasDotDot(v) || strings.ContainsAny(v, " \t\n,%") {
		return fmt.Errorf("%q is not an absolute path without .., %%, spaces or commas", v)
	}
	return nil
}

// command accepts a program and fixed arguments separated by spaces:
// Command splits it; nothing in it is a shell's.
func command(v string) error {
	f := Command(v)
	if len(f) == 0 {
		return fmt.Errorf("%q is empty", v)
	}
	if err := program(f[0]); err != nil {
		return err
	}
	for _, a := range f[1:] {
		if strings.Contains(a, "%") {
			return fmt.Errorf("%q: arguments are fixed, with no %%", v)
		}
	}
	return nil
}

// Command splits learn_spam and the like into the program and its
// arguments, at white space.
func Command(v string) []string {
	return strings.Fields(v)
}

// ForAccount replaces each "%u" of a configured path with the user name
// and each "%h" with the home, and makes a relative path relative to the
// home.
func ForAccount(path, user, home string) string {
	path = strings.NewReplacer("%u", user, "%h", home).Replace(path)
	if !filepath.IsAbs(path) {
		path = filepath.Join(home, path)
	}
	return filepath.Clean(path)
}

// ForUser replaces each "%u" of a configured path with the user name.
func ForUser(path, user string) string {
	return strings.ReplaceAll(path, "%u", user)
}

// IndexDirFor is the directory of user's search index when index_dir
// puts it outside the Maildir ("%u" replaced), or "" when it is in the
// Maildir (index.DefaultFile).
func (c *Config) IndexDirFor(user string) string {
	if c.IndexDir == "" {
		return ""
	}
	return filepath.Clean(ForUser(c.IndexDir, user))
}

// DefaultHelper is where make install puts postern-helper, the program
// that checks passkey ceremonies and looks up the site's directory for a
// request (helper/doc.go), set at build time with
// -ldflags "-X postern/config.DefaultHelper=...". It has no key: the
// requests that run it may execute that path alone (package gate).
var DefaultHelper = "/usr/local/libexec/postern/postern-helper"

// DefaultWrapper is where make install puts the sendmail wrapper
// (LIBEXECDIR); the Makefile sets it with
// -ldflags "-X postern/config.DefaultWrapper=...".
var DefaultWrapper = "/usr/local/libexec/postern/postern-sendmail"

// LoginHelper is postern-login, the program the root room runs for a PAM
// login, a PAM password change and account check, and a user lookup
// through libc's name service (package auth/checkpass). make install puts
// it in LIBEXECDIR and sets this with -ldflags
// "-X postern/config.LoginHelper=..."; no configuration key moves it.
var LoginHelper = "/usr/local/libexec/postern/postern-login"

// Wrapper is the sendmail wrapper that a send runs: sendmail_wrapper, or
// DefaultWrapper when it is not set.
func (c *Config) Wrapper() string {
	if c.SendmailWrapper != "" {
		return c.SendmailWrapper
	}
	return DefaultWrapper
}
