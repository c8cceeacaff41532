package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"postern/auth"
	"postern/compose"
	"postern/config"
	"postern/index"
	"postern/sandbox"
)

// The Landlock sandbox of a user's request (package sandbox), decided in
// enter: every request is restricted to userRules, as root just before
// the privilege drop (sandboxAsRoot), or after it when postern does not
// run as root or the index_dir of the user does not exist yet
// (sandboxUser); the one that sends mail is restricted to userRules plus
// sendRuntime and the landlock_send_* keys, as root just before the drop
// (sandboxSend). As root the ruleset goes without no_new_privs: for a
// send so that the MTA's set-group-id postdrop keeps its group, for every
// other request because userRules allow nothing to be executed, so that
// there is no set-ID program for no_new_privs to hold back, and setting it
// would cost a second signal round to every thread.

// sendRuntime is what any program that the sendmail wrapper runs needs,
// whatever the MTA, besides what landlock_send_* names. Found with
// strace -f -e trace=%file,execve of wrapper/postern-sendmail, Postfix's
// sendmail and postdrop, and msmtp, run as a user on Debian 12.
var sendRuntime = struct{ ro, rw []string }{
	ro: []string{
		// Shared libraries (and Postfix's, in /usr/lib/postfix); /lib
		// and /lib64 are links into /usr on a merged-/usr system, real
		// directories elsewhere.
		"/lib", "/lib64", "/usr/lib", "/usr/lib64",
		// The dynamic loader's cache of library paths, and its
		// preloads when the administrator has set some.
		"/etc/ld.so.cache", "/etc/ld.so.preload",
		// getpwuid, getgrnam: Postfix's sendmail and postdrop look up
		// the caller and the postdrop group. Not /etc/shadow.
		"/etc/nsswitch.conf", "/etc/passwd", "/etc/group",
		// Postfix seeds its queue file names from it.
		"/dev/urandom",
	},
	rw: []string{
		// Scripts and MTAs send output they do not want there.
		"/dev/null",
	},
}

// userRules are the rules of every request of acct: its Maildir and
// search index read-write; the configuration, templates, time zones, the
// mail domain and MIME types read-only; nothing executable.
func userRules(cfg *config.Config, cfgPath string, acct *auth.Account) sandbox.Rules {
	ro := []string{cfgPath, "/etc/localtime", "/usr/share/zoneinfo", mailnameFile, "/etc/mime.types", "/usr/share/mime"}
	if cfg.TemplateDir != "" {
		ro = append(ro, cfg.TemplateDir)
	}
	rw := []string{acct.Maildir}
	if cfg.IndexDir != "" {
		rw = append(rw, indexDir(cfg, acct))
	}
	return sandbox.Rules{RW: rw, RO: ro}
}

// indexDir is the directory of acct's search index when index_dir puts
// it outside the Maildir.
func indexDir(cfg *config.Config, acct *auth.Account) string {
	return filepath.Dir(index.Path(cfg.IndexDir, acct.Maildir, acct.User))
}

// sandboxUser restricts the process, after the drop, to userRules.
// Failure is logged, not fatal: Landlock is best effort.
func sandboxUser(cfg *config.Config, cfgPath string, acct *auth.Account) {
	if !cfg.Landlock {
		return
	}
	if cfg.IndexDir != "" {
		// The sandbox allows only directories that exist.
		_ = os.MkdirAll(indexDir(cfg, acct), 0o700)
	}
	if err := sandbox.Restrict(userRules(cfg, cfgPath, acct)); err != nil {
		logf("landlock for %s: %v", acct.User, err)
		return
	}
	logUnsupported()
}

// sandboxAsRoot restricts a request of acct that sends nothing to
// userRules, as root just before the drop, and reports whether it did (or
// whether there is nothing to do: landlock = no). The paths are opened as
// root, which grants nothing the Unix permissions refuse after the drop.
// Not root, or with an index_dir of acct that does not exist yet (the
// user creates it after the drop, and a rule needs an existing path), it
// does nothing and reports false: sandboxUser then restricts the process
// after the drop. A failure is logged and reported false, so that
// sandboxUser tries again.
func sandboxAsRoot(cfg *config.Config, cfgPath string, acct *auth.Account) bool {
	if !cfg.Landlock {
		return true
	}
	if os.Geteuid() != 0 {
		return false
	}
	if cfg.IndexDir != "" {
		if _, err := os.Stat(indexDir(cfg, acct)); err != nil {
			return false
		}
	}
	if err := sandbox.RestrictAsRoot(userRules(cfg, cfgPath, acct)); err != nil {
		logf("landlock for %s as root: %v", acct.User, err)
		return false
	}
	logUnsupported()
	return true
}

// sandboxSend restricts a send request of acct, as root just before the
// drop, to sendRules. Landlock then needs no no_new_privs, so the MTA's
// set-group-id postdrop keeps its group (see package sandbox for why this
// is safe). Not root (postern run as the user, without setuid): the send
// is not sandboxed, and that is logged. Failure is logged, not fatal.
func sandboxSend(cfg *config.Config, cfgPath string, acct *auth.Account) {
	if !cfg.Landlock {
		return
	}
	if os.Geteuid() != 0 {
		logf("landlock: not running as root, so the send by %s is not sandboxed (no_new_privs would stop a set-ID sendmail)", acct.User)
		return
	}
	if err := sandbox.RestrictAsRoot(sendRules(cfg, cfgPath, acct)); err != nil {
		logf("landlock for the send by %s: %v", acct.User, err)
		return
	}
	logUnsupported()
}

// sendRules are userRules, plus sendRuntime, the landlock_send_* paths
// ("%u" replaced) and the wrapper, with the interpreters and dynamic
// loaders of every program they allow to run.
func sendRules(cfg *config.Config, cfgPath string, acct *auth.Account) sandbox.Rules {
	paths := func(list string) []string {
		var out []string
		for _, p := range config.PathList(list) {
			out = append(out, strings.ReplaceAll(p, "%u", acct.User))
		}
		return out
	}
	r := userRules(cfg, cfgPath, acct)
	r.RO = append(append(r.RO, sendRuntime.ro...), paths(cfg.LandlockSendRead)...)
	r.RW = append(append(r.RW, sendRuntime.rw...), paths(cfg.LandlockSendWrite)...)
	for _, p := range append([]string{sendmailWrapper(cfg)}, paths(cfg.LandlockSendExec)...) {
		interps, err := sandbox.Interpreters(p)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			logf("landlock: %v", err) // what cannot be read will not run either
		}
		r.Exec = append(append(r.Exec, p), interps...)
	}
	return r
}

// sendmailWrapper is the wrapper that a send runs.
func sendmailWrapper(cfg *config.Config) string {
	return (&compose.Sender{Wrapper: cfg.SendmailWrapper}).WrapperPath()
}

// logUnsupported logs a kernel without a usable Landlock.
func logUnsupported() {
	if abi := sandbox.ABI(); abi < 2 {
		logf("landlock: not supported by this kernel (ABI %d); running without the sandbox", abi)
	}
}
