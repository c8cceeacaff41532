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
// "%u" may stand for the user name.
func pathList(v string) error {
	for _, p := range PathList(v) {
		if !strings.HasPrefix(p, "/") || hasDotDot(p) {
			return fmt.Errorf("%q is not an absolute path without ..", p)
		}
		if strings.Contains(strings.ReplaceAll(p, "%u", ""), "%") {
			return fmt.Errorf("%q: only %%u may follow %%", p)
		}
	}
	return nil
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

// DefaultWrapper is where make install puts the sendmail wrapper
// (LIBEXECDIR); the Makefile sets it with
// -ldflags "-X postern/config.DefaultWrapper=...".
var DefaultWrapper = "/usr/local/libexec/postern/postern-sendmail"

// Wrapper is the sendmail wrapper that a send runs: sendmail_wrapper, or
// DefaultWrapper when it is not set.
func (c *Config) Wrapper() string {
	if c.SendmailWrapper != "" {
		return c.SendmailWrapper
	}
	return DefaultWrapper
}
