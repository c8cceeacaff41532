package gate

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"postern/auth"
	"postern/config"
	"postern/sandbox"
)

// The Landlock sandbox of a user's request (package sandbox), decided in
// enter: every request is restricted to userRules, as root just before
// the privilege drop (sandboxAsRoot), or after it when postern does not
// run as root or the index_dir of the user does not exist yet
// (sandboxUser); the one that sends mail is restricted to userRules plus
// sendRuntime and the landlock_send_* keys, as root just before the drop,
// and never after it (sandboxAsRoot with send). As root the ruleset goes without no_new_privs: for a
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
	ro := []string{cfgPath, "/etc/localtime", "/usr/share/zoneinfo", MailnameFile, "/etc/mime.types", "/usr/share/mime"}
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
	return cfg.IndexDirFor(acct.User)
}

// MailnameFile names the mail domain on Debian (mailname(5)); the app
// reads it, so every request's rules allow it.
const MailnameFile = "/etc/mailname"

// sandboxUser restricts the process, after the drop, to userRules (or
// gnupgRules for a request that runs GnuPG). Failure is logged, not
// fatal: Landlock is best effort.
func sandboxUser(cfg *config.Config, cfgPath string, acct *auth.Account, prog Program) {
	if !cfg.Landlock {
		return
	}
	// The sandbox allows only directories that exist: the user makes
	// them, after the drop.
	if cfg.IndexDir != "" {
		_ = os.MkdirAll(indexDir(cfg, acct), 0o700)
	}
	rules := userRules(cfg, cfgPath, acct)
	if prog == GnuPG {
		_ = os.MkdirAll(cfg.GnuPGHomeFor(acct.User, acct.Home), 0o700)
		rules = gnupgRules(cfg, cfgPath, acct)
	}
	if err := sandbox.Restrict(rules); err != nil {
		logf("landlock for %s: %v", acct.User, err)
		return
	}
	logUnsupported()
}

// sandboxAsRoot restricts a request of acct as root, just before the
// drop, to userRules, or for a send to sendRules, and reports whether the
// process needs nothing more (sandboxUser after the drop otherwise). The
// ruleset goes without no_new_privs (see the top of this file), and its
// paths are opened as root, which grants nothing the Unix permissions
// refuse after the drop. It does nothing, and reports:
//   - true with landlock = no;
//   - false when not root (postern installed without setuid), or when
//     acct's index_dir does not exist yet (the user creates it after the
//     drop, and a rule needs an existing path), or when Landlock failed:
//     sandboxUser tries after the drop;
//   - true for a send in those cases, logged: after the drop Landlock
//     would need no_new_privs, and that would stop a set-ID sendmail.
func sandboxAsRoot(cfg *config.Config, cfgPath string, acct *auth.Account, prog Program) bool {
	send := prog == Sendmail
	if !cfg.Landlock {
		return true
	}
	if os.Geteuid() != 0 {
		if send {
			logf("landlock: not running as root, so the send by %s is not sandboxed (no_new_privs would stop a set-ID sendmail)", acct.User)
		}
		return send
	}
	var rules sandbox.Rules
	if send {
		rules = sendRules(cfg, cfgPath, acct)
	} else {
		if cfg.IndexDir != "" {
			if _, err := os.Stat(indexDir(cfg, acct)); err != nil {
				return false
			}
		}
		rules = userRules(cfg, cfgPath, acct)
		if prog == GnuPG {
			if _, err := os.Stat(cfg.GnuPGHomeFor(acct.User, acct.Home)); err != nil {
				return false // the user makes it after the drop
			}
			rules = gnupgRules(cfg, cfgPath, acct)
		}
	}
	if err := sandbox.RestrictAsRoot(rules); err != nil {
		logf("landlock for %s (send %v) as root: %v", acct.User, send, err)
		return send
	}
	logUnsupported()
	return true
}

// sendRules are userRules, plus sendRuntime, the landlock_send_* paths
// ("%u" replaced) and the wrapper, with the interpreters and dynamic
// loaders of every program they allow to run.
func sendRules(cfg *config.Config, cfgPath string, acct *auth.Account) sandbox.Rules {
	paths := func(list string) []string {
		var out []string
		for _, p := range config.PathList(list) {
			out = append(out, config.ForUser(p, acct.User))
		}
		return out
	}
	r := userRules(cfg, cfgPath, acct)
	r.RO = append(append(r.RO, sendRuntime.ro...), paths(cfg.LandlockSendRead)...)
	r.RW = append(append(r.RW, sendRuntime.rw...), paths(cfg.LandlockSendWrite)...)
	for _, p := range append([]string{cfg.Wrapper()}, paths(cfg.LandlockSendExec)...) {
		interps, err := sandbox.Interpreters(p)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			logf("landlock: %v", err) // what cannot be read will not run either
		}
		r.Exec = append(append(r.Exec, p), interps...)
	}
	return r
}

// gnupgRuntime is what gpg, gpgsm and gpg-agent need besides the user's
// GnuPG home and landlock_gnupg_exec: found with strace -f -e
// trace=%file,execve of gpg --verify and --decrypt and gpgsm --verify
// and --decrypt, run as a user on Debian 12.
var gnupgRuntime = struct{ ro, rw []string }{
	ro: []string{
		"/lib", "/lib64", "/usr/lib", "/usr/lib64",
		"/etc/ld.so.cache", "/etc/ld.so.preload",
		"/etc/nsswitch.conf", "/etc/passwd", "/etc/group",
		// The site's GnuPG configuration and GnuPG's own data.
		"/etc/gnupg", "/usr/share/gnupg",
		"/dev/urandom", "/dev/random",
	},
	rw: []string{"/dev/null"},
}

// gnupgRules are userRules, plus gnupgRuntime, the programs of
// landlock_gnupg_exec (with their interpreters and loaders), and
// read-write with sockets (Rules.Sockets) the user's GnuPG home
// (gnupg_home) and the agent's socket directory (/run/user/UID, where
// GnuPG puts its sockets when it exists).
func gnupgRules(cfg *config.Config, cfgPath string, acct *auth.Account) sandbox.Rules {
	r := userRules(cfg, cfgPath, acct)
	r.RO = append(r.RO, gnupgRuntime.ro...)
	r.RW = append(r.RW, gnupgRuntime.rw...)
	r.Sockets = append(r.Sockets, cfg.GnuPGHomeFor(acct.User, acct.Home),
		filepath.Join("/run/user", strconv.Itoa(acct.UID)))
	for _, p := range config.PathList(cfg.LandlockGnuPGExec) {
		p = config.ForUser(p, acct.User)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			r.Exec = append(r.Exec, p) // helpers: their loader is gpg's
			continue
		}
		interps, err := sandbox.Interpreters(p)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			logf("landlock: %v", err)
		}
		r.Exec = append(append(r.Exec, p), interps...)
	}
	return r
}

// logUnsupported logs a kernel without a usable Landlock.
func logUnsupported() {
	if abi := sandbox.ABI(); abi < 2 {
		logf("landlock: not supported by this kernel (ABI %d); running without the sandbox", abi)
	}
}
