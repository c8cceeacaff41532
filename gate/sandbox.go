package gate

import (
	"errors"
	"io/fs"
	"net"
	"net/url"
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
// (sandboxUser). A request that runs a program (Request.Runs: the send,
// the filters' compiler, the spam learner) is restricted to userRules
// plus programRuntime and that program's rules (runRules), as root just
// before the drop, and never after it (sandboxAsRoot with a Program).
// GnuPG and postern-helper (RunsHelper: a passkey ceremony, a lookup of
// the site's directory) need no set-ID program: a request that runs only
// them is sandboxed like any other, after the drop when not before; one
// that runs GnuPG besides another kind (POST /send with crypto = yes)
// gets the union of both rule sets, as root. As
// root the ruleset goes without no_new_privs: for a request that runs a
// program so that a set-group-id one (Postfix's postdrop, Debian's
// maildrop) keeps its group, for every other request because userRules
// allow nothing to be executed, so that there is no set-ID program for
// no_new_privs to hold back, and setting it would cost a second signal
// round to every thread (postern-helper is not set-ID either). A request
// that runs nothing connects to no TCP port (userRules), but for the
// lookups of the site's directory (directoryRules: its port, for
// postern-helper, which does the lookup).

// programRuntime is what any program that a request runs needs, whatever
// it is, besides what its landlock_* keys name. Found with strace -f -e
// trace=%file,execve of wrapper/postern-sendmail, Postfix's sendmail and
// postdrop, msmtp, sievec, maildrop and sa-learn, run as a user on
// Debian 12.
var programRuntime = struct{ ro, rw []string }{
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
// mail domain and MIME types read-only; nothing executable; no TCP
// connection and no TCP port bound (sandbox.Rules.RestrictTCP: nothing
// the app does after the drop speaks TCP, but the directory's lookup,
// which directoryRules allow its port).
func userRules(cfg *config.Config, cfgPath string, acct *auth.Account) sandbox.Rules {
	ro := []string{cfgPath, "/etc/localtime", "/usr/share/zoneinfo", MailnameFile, "/etc/mime.types", "/usr/share/mime"}
	if cfg.TemplateDir != "" {
		ro = append(ro, cfg.TemplateDir)
	}
	rw := []string{acct.Maildir}
	if cfg.IndexDir != "" {
		rw = append(rw, indexDir(cfg, acct))
	}
	return sandbox.Rules{RW: rw, RO: ro, RestrictTCP: true}
}

// directoryRuntime is what a lookup of the site's directory (by
// postern-helper, static and without cgo: Go's own resolver, no C
// library, no NSS module) reads besides directory_ca_file and
// directory_bind_password_file: the resolver's files, and the system's
// CA certificates (Go reads the bundle, or the directory's files, which
// link into /usr/share/ca-certificates).
var directoryRuntime = []string{
	"/etc/resolv.conf", "/etc/hosts", "/etc/host.conf", "/etc/nsswitch.conf", "/etc/gai.conf",
	"/etc/ssl/certs", "/usr/share/ca-certificates", "/usr/local/share/ca-certificates",
}

// directoryRules are runRules(RunsHelper) (userRules, and postern-helper,
// which does the lookup, executable) plus what a lookup of the site's
// directory reads (directoryRuntime, directory_ca_file,
// directory_bind_password_file), for the requests of
// Request.LooksUpDirectory on a site that has a directory (siteDirectory).
// They may connect to the directory's TCP port (directoryPorts) and no
// other.
func directoryRules(cfg *config.Config, cfgPath string, acct *auth.Account) sandbox.Rules {
	r := runRules(cfg, cfgPath, acct, RunsHelper)
	r.RO = append(r.RO, directoryRuntime...)
	for _, p := range []string{cfg.DirectoryCAFile, cfg.DirectoryBindPasswordFile} {
		if p != "" {
			r.RO = append(r.RO, p)
		}
	}
	r.ConnectTCP = directoryPorts(cfg.DirectoryURI)
	return r
}

// directoryPorts are the TCP ports a lookup of the directory at uri
// connects to: the URI's (389 for ldap://, 636 for ldaps:// by default),
// and for a host given by name the name servers' (53: the C library's
// resolver falls back to TCP for long answers). Nothing for a URI that
// does not parse (config.Load has refused it before).
func directoryPorts(uri string) []uint16 {
	u, err := url.Parse(uri)
	if err != nil {
		return nil
	}
	port := map[string]string{"ldap": "389", "ldaps": "636"}[u.Scheme]
	if p := u.Port(); p != "" {
		port = p
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil || n == 0 {
		return nil
	}
	ports := []uint16{uint16(n)}
	if net.ParseIP(u.Hostname()) == nil {
		ports = append(ports, 53)
	}
	return ports
}

// siteDirectory reports whether req may look up the site's directory:
// one of Request.LooksUpDirectory's, on a site with directory_uri set.
func siteDirectory(cfg *config.Config, req *Request) bool {
	return cfg.DirectoryURI != "" && req.LooksUpDirectory()
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
// runRules(RunsGnuPG) for a request that runs GnuPG, directoryRules for one that
// looks up the directory: dir). Failure is logged, not fatal: Landlock
// is best effort.
// Only a request that runs nothing or GnuPG alone comes here (see
// sandboxAsRoot).
func sandboxUser(cfg *config.Config, cfgPath string, acct *auth.Account, prog Program, dir bool) {
	if !cfg.Landlock {
		return
	}
	// The sandbox allows only directories that exist: the user makes
	// them, after the drop.
	if cfg.IndexDir != "" {
		_ = os.MkdirAll(indexDir(cfg, acct), 0o700)
	}
	rules := userRules(cfg, cfgPath, acct)
	if prog.Has(RunsHelper) {
		rules = runRules(cfg, cfgPath, acct, prog)
	}
	if dir {
		rules = directoryRules(cfg, cfgPath, acct)
	}
	if prog.Has(RunsGnuPG) {
		_ = os.MkdirAll(cfg.GnuPGHomeFor(acct.User, acct.Home), 0o700)
		rules = runRules(cfg, cfgPath, acct, prog)
	}
	if err := sandbox.Restrict(rules); err != nil {
		logf("landlock for %s: %v", acct.User, err)
		return
	}
	logUnsupported()
}

// sandboxAsRoot restricts a request of acct as root, just before the
// drop, to userRules (directoryRules for a request that looks up the
// site's directory: dir), or for a request that runs a program to runRules,
// and reports whether the process needs nothing more (sandboxUser after
// the drop otherwise). The ruleset goes without no_new_privs (see the top
// of this file), and its paths are opened as root, which grants nothing
// the Unix permissions refuse after the drop. It does nothing, and
// reports:
//   - true with landlock = no;
//   - false when not root (postern installed without setuid), or when
//     acct's index_dir does not exist yet (the user creates it after the
//     drop, and a rule needs an existing path), or when Landlock failed:
//     sandboxUser tries after the drop;
//   - true for a request that runs a set-ID capable program (any kind
//     but GnuPG and the helper, with or without them) in those cases,
//     logged: after the drop Landlock would need no_new_privs, and that
//     would stop a set-ID program. A request that runs GnuPG or
//     postern-helper alone is treated as any other (neither is set-ID). When the user's GnuPG home does not
//     exist yet, a request that runs GnuPG besides another kind gets no
//     rule for it (a rule needs an existing path): GnuPG then cannot make
//     it, and finds no key.
func sandboxAsRoot(cfg *config.Config, cfgPath string, acct *auth.Account, runs Program, dir bool) bool {
	if !cfg.Landlock {
		return true
	}
	program := runs&^(RunsGnuPG|RunsHelper) != RunsNothing
	if os.Geteuid() != 0 {
		if program {
			logf("landlock: not running as root, so the request of %s that runs a program (%s) is not sandboxed (no_new_privs would stop a set-ID program)", acct.User, runs)
		}
		return program
	}
	if !program {
		if cfg.IndexDir != "" {
			if _, err := os.Stat(indexDir(cfg, acct)); err != nil {
				return false
			}
		}
		if runs.Has(RunsGnuPG) {
			if _, err := os.Stat(cfg.GnuPGHomeFor(acct.User, acct.Home)); err != nil {
				return false // the user makes it after the drop
			}
		}
	}
	rules := runRules(cfg, cfgPath, acct, runs)
	if dir && runs&^RunsHelper == RunsNothing {
		rules = directoryRules(cfg, cfgPath, acct)
	}
	if err := sandbox.RestrictAsRoot(rules); err != nil {
		logf("landlock for %s (program %s) as root: %v", acct.User, runs, err)
		return program
	}
	logUnsupported()
	return true
}

// siteProgram is what req may run on this site: Request.Runs without the
// kinds the site has not set up (crypto = no; filter_language neither
// sieve nor maildrop; no learn command; postern-helper for a lookup
// without directory_uri, for a passkey ceremony with webauthn = no). A
// request left with none is sandboxed like any other, with nothing
// executable.
func siteProgram(cfg *config.Config, req *Request) Program {
	p := req.Runs()
	if !cfg.Crypto {
		p &^= RunsGnuPG
	}
	if cfg.FilterLanguage != "sieve" && cfg.FilterLanguage != "maildrop" {
		p &^= RunsCompiler
	}
	if len(config.Command(cfg.LearnSpam))+len(config.Command(cfg.LearnHam)) == 0 {
		p &^= RunsLearner
	}
	if lookup := req.LooksUpDirectory(); (lookup && cfg.DirectoryURI == "") || (!lookup && !cfg.WebAuthn) {
		p &^= RunsHelper // no directory, or no passkeys, on this site
	}
	return p
}

// runRules are the rules of a request that runs the programs of the kinds
// in runs: userRules, plus, when runs is not empty, programRuntime, and
// for each kind what its keys name ("%u" and "%h" replaced) and its
// programs, with the interpreters and dynamic loaders of every program
// they allow to run. Nothing more: a request of two kinds gets the union
// of their rules.
//   - RunsSendmail: the wrapper and landlock_send_exec; landlock_send_read
//     and landlock_send_write.
//   - RunsCompiler: the compiler of filter_language (sievec or maildrop)
//     and landlock_filter_exec; landlock_filter_read; the home read-write
//     (the scripts are there) and, for Sieve, symbolic links in the
//     directory of sieve_active (Dovecot's active script is one).
//     Nothing with filter_language = none.
//   - RunsLearner: the programs of learn_spam and learn_ham;
//     landlock_learn_read and landlock_learn_write.
//   - RunsGnuPG: userRules, programRuntime and what addGnuPG adds.
//   - RunsHelper: userRules and postern-helper (config.DefaultHelper)
//     executable, nothing more: it is static (no loader, no library), and
//     reads nothing but its stdin for a passkey (directoryRules add what
//     a lookup reads and its port). No TCP unless directoryRules say so.
func runRules(cfg *config.Config, cfgPath string, acct *auth.Account, runs Program) sandbox.Rules {
	paths := func(list string) []string { return accountPaths(list, acct) }
	r := userRules(cfg, cfgPath, acct)
	if runs.Has(RunsHelper) {
		allowExec(&r, config.DefaultHelper)
	}
	var exec, ro, rw []string
	if runs.Has(RunsSendmail) {
		exec = append(append(exec, cfg.Wrapper()), paths(cfg.LandlockSendExec)...)
		ro, rw = append(ro, paths(cfg.LandlockSendRead)...), append(rw, paths(cfg.LandlockSendWrite)...)
	}
	if runs.Has(RunsCompiler) && (cfg.FilterLanguage == "sieve" || cfg.FilterLanguage == "maildrop") {
		if cfg.FilterLanguage == "sieve" {
			exec = append(exec, cfg.Sievec)
		} else {
			exec = append(exec, cfg.Maildrop)
		}
		exec = append(exec, paths(cfg.LandlockFilterExec)...)
		ro, rw = append(ro, paths(cfg.LandlockFilterRead)...), append(rw, acct.Home)
		if cfg.FilterLanguage == "sieve" && cfg.SieveActive != "" {
			// The active script is a symbolic link to postern's.
			r.Symlink = []string{filepath.Dir(config.ForAccount(cfg.SieveActive, acct.User, acct.Home))}
		}
	}
	if runs.Has(RunsLearner) {
		learners := 0
		for _, c := range []string{cfg.LearnSpam, cfg.LearnHam} {
			if argv := config.Command(c); len(argv) > 0 {
				exec = append(exec, argv[0])
				learners++
			}
		}
		if learners > 0 {
			ro, rw = append(ro, paths(cfg.LandlockLearnRead)...), append(rw, paths(cfg.LandlockLearnWrite)...)
		}
	}
	gpg := runs.Has(RunsGnuPG)
	if len(exec) == 0 && !gpg {
		return r
	}
	// The programs may speak TCP: msmtp to a relay, spamc to spamd,
	// sa-learn's network checks.
	r.RestrictTCP = false
	r.RO = append(append(r.RO, programRuntime.ro...), ro...)
	r.RW = append(append(r.RW, programRuntime.rw...), rw...)
	for _, p := range exec {
		allowExec(&r, p)
	}
	if gpg {
		addGnuPG(&r, cfg, acct)
	}
	return r
}

// gnupgRuntime is what gpg, gpgsm and gpg-agent need besides
// programRuntime, the user's GnuPG home and landlock_gnupg_exec: found
// with strace -f -e trace=%file,execve of gpg --verify and --decrypt and
// gpgsm --verify and --decrypt, run as a user on Debian 12.
var gnupgRuntime = []string{
	// The site's GnuPG configuration and GnuPG's own data.
	"/etc/gnupg", "/usr/share/gnupg",
	"/dev/random",
}

// addGnuPG adds to r gnupgRuntime, the programs of landlock_gnupg_exec
// (with their interpreters and loaders), and read-write with sockets
// (Rules.Sockets) the user's GnuPG home (gnupg_home) and the agent's
// socket directory (/run/user/UID, where GnuPG puts its sockets when it
// exists).
func addGnuPG(r *sandbox.Rules, cfg *config.Config, acct *auth.Account) {
	r.RO = append(r.RO, gnupgRuntime...)
	r.Sockets = append(r.Sockets, cfg.GnuPGHomeFor(acct.User, acct.Home),
		filepath.Join("/run/user", strconv.Itoa(acct.UID)))
	for _, p := range accountPaths(cfg.LandlockGnuPGExec, acct) {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			r.Exec = append(r.Exec, p) // helpers: their loader is gpg's
			continue
		}
		allowExec(r, p)
	}
}

// allowExec lets the rules execute p, with its interpreter and dynamic
// loader (sandbox.Interpreters).
func allowExec(r *sandbox.Rules, p string) {
	interps, err := sandbox.Interpreters(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		logf("landlock: %v", err) // what cannot be read will not run either
	}
	r.Exec = append(append(r.Exec, p), interps...)
}

// accountPaths is a configured list of paths (config.PathList) with "%u"
// and "%h" replaced for acct.
func accountPaths(list string, acct *auth.Account) []string {
	var out []string
	for _, p := range config.PathList(list) {
		out = append(out, config.ForAccount(p, acct.User, acct.Home))
	}
	return out
}

// logUnsupported logs a kernel without a usable Landlock.
func logUnsupported() {
	if abi := sandbox.ABI(); abi < 2 {
		logf("landlock: not supported by this kernel (ABI %d); running without the sandbox", abi)
	}
}
