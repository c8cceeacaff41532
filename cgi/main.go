// Command postern is a webmail for Maildir, run by a web server as a CGI
// program once per request.
//
// # Security model
//
// Installed setuid root, postern is started by the web server's user and
// can also be started by any local user with any environment and
// arguments. So, like Apache's suexec and Postfix's postdrop, it does as
// little as possible as root and parses nothing it does not need while
// privileged:
//
//  1. privdrop.Sanitize: umask 077, standard descriptors open, the
//     environment reduced to an allowlist of CGI variables. The Go
//     runtime's own variables (GOMAXPROCS, GODEBUG, ...: every GO* name)
//     are read before main, so privdrop/rtenv removes them even earlier,
//     in a C constructor; run first checks that none got through.
//  2. The configuration is read from the path fixed at build time
//     (config.Path). Only when not running setuid may POSTERN_CONFIG name
//     another file. With web_user set, any other caller is refused.
//  3. The request is classified from REQUEST_METHOD, PATH_INFO and the
//     identity part (the mailbox id) of the session cookie alone.
//  4. A login attempt reads at most config.LoginMaxBytes of
//     application/x-www-form-urlencoded body and authenticates through the
//     configured backend; a request with a session cookie looks the user
//     up without a password. Root and accounts below min_uid are refused.
//  5. privdrop.Drop: setgroups, setgid, setuid, then proof that root
//     cannot be regained. Anonymous requests drop to the calling user (or
//     anon_user when that is root). A user's request then confines itself
//     with Landlock; a send does so just before the drop (see enter).
//  6. Only now, as the mail's owner and inside the Maildir, are the
//     session proved (token, IP, timeouts), forms and other cookies parsed
//     and mail read.
//
// One request must act as root after a login: a password change with auth
// = pam (pam_chauthtok writes /etc/shadow). Its session is proved first by
// running this program as the ordinary request POST /session-check, which
// goes through these same steps (pamPassword, sessioncheck.go).
//
// Each refusal outside the web request has its own exit status (see the
// exit* constants and postern(8)).
package main

import (
	"fmt"
	"os"
	"os/user"
	"strconv"

	"postern/auth"
	"postern/config"
	"postern/privdrop"
	"postern/privdrop/rtenv"
)

// Exit statuses, one per refusal, documented in postern(8).
const (
	exitOK       = 0
	exitUsage    = 2 // bad command line
	exitConfig   = 3 // the configuration file is missing a value or wrong
	exitCaller   = 4 // the caller is not web_user
	exitDrop     = 5 // the privilege drop failed or root could be regained
	exitInternal = 6 // anything else that stopped a request
	exitNotCGI   = 7 // run setuid outside a web server request
)

// configFile is the configuration file read in step 2.
var configFile string

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	os.Exit(run())
}

func run() int {
	if err := rtenv.Check(); err != nil {
		logf("%v", err)
		return exitInternal
	}
	// Step 1: is this a setuid (or setgid) run? Read the one variable that
	// may choose a configuration before the environment is cleaned, and
	// only when nobody's privileges are borrowed.
	setuid := os.Getuid() != os.Geteuid() || os.Getgid() != os.Getegid()
	cfgPath := config.Path
	if !setuid {
		if p := os.Getenv("POSTERN_CONFIG"); p != "" {
			cfgPath = p
		}
	}
	privdrop.Sanitize()

	if os.Getenv("GATEWAY_INTERFACE") == "" {
		return command(os.Args[1:], setuid, cfgPath)
	}

	// Step 2: configuration.
	cfg, err := config.Load(cfgPath)
	if err != nil {
		logf("configuration %s: %v", cfgPath, err)
		return fatalPage(500, "The webmail is not configured correctly. The administrator will find the reason in the web server's error log.", exitConfig)
	}
	configFile = cfgPath
	openAudit(cfg)
	if setuid && cfg.WebUser != "" {
		if err := checkCaller(cfg.WebUser); err != nil {
			logf("refused: %v", err)
			fmt.Fprintln(os.Stderr, "postern: refused:", err)
			return exitCaller
		}
	}

	// Step 3: classify.
	req := readRequest()
	backend, err := newBackend(cfg)
	if err != nil {
		logf("configuration: %v", err)
		return fatalPage(500, "The webmail is not configured correctly.", exitConfig)
	}
	switch req.kind {
	case kindLogin:
		return login(cfg, backend, req)
	case kindUser:
		if cfg.Auth == "pam" && req.method == "POST" && req.path == "/password" {
			return pamPassword(cfg, backend, req) // pam_chauthtok needs root
		}
		return userRequest(cfg, backend, req)
	}
	return anonymous(cfg, req, anonNone)
}

// checkCaller refuses a setuid run by anyone but the web server's user.
func checkCaller(name string) error {
	u, err := user.Lookup(name)
	if err != nil {
		return fmt.Errorf("web_user %q: %v", name, err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return fmt.Errorf("web_user %q: bad uid", name)
	}
	if os.Getuid() != uid {
		return fmt.Errorf("caller uid %d is not web_user %s (uid %d)", os.Getuid(), name, uid)
	}
	return nil
}

// checkAccount refuses root and system accounts, whatever the backend said.
func checkAccount(cfg *config.Config, a *auth.Account) error {
	if a.UID == 0 || a.GID == 0 {
		return fmt.Errorf("account %s: uid or gid 0 is never served", a.User)
	}
	if a.UID < cfg.MinUID {
		return fmt.Errorf("account %s: uid %d is below min_uid %d", a.User, a.UID, cfg.MinUID)
	}
	return nil
}

// enter drops to the account, changes to its Maildir and sandboxes the
// process. As root, the Landlock ruleset is applied just before the drop
// (sandboxAsRoot; for a send with rules that let the MTA run):
// one signal round to every thread of the process instead of two after
// the drop. Not root, or before a first index_dir exists, it is applied
// after the drop (sandboxUser). Failure to drop is fatal: the process
// exits rather than go on with privileges.
func enter(cfg *config.Config, a *auth.Account, req *rootRequest) error {
	if err := checkAccount(cfg, a); err != nil {
		return err
	}
	sandboxed := sandboxAsRoot(cfg, configFile, a, sendsMail(req))
	if err := privdrop.DropIfRoot(a.UID, a.GID, a.Groups); err != nil {
		logf("privilege drop to %s failed: %v", a.User, err)
		os.Exit(fatalPage(500, "Internal error.", exitDrop))
	}
	if err := os.Chdir(a.Maildir); err != nil {
		return fmt.Errorf("maildir of %s: %v", a.User, err)
	}
	privateTmp(a)
	if !sandboxed {
		sandboxUser(cfg, configFile, a)
	}
	return nil
}

// dropAnonymous gives up root for a request that is not a user's: to the
// calling user, or to anon_user when the caller is root.
func dropAnonymous(cfg *config.Config) {
	if os.Geteuid() != 0 {
		return
	}
	uid, gid := os.Getuid(), os.Getgid()
	if uid == 0 {
		u, err := user.Lookup(cfg.AnonUser)
		if err == nil {
			uid, _ = strconv.Atoi(u.Uid)
			gid, _ = strconv.Atoi(u.Gid)
		}
		if err != nil || uid == 0 || gid == 0 {
			logf("anon_user %q is unusable: %v", cfg.AnonUser, err)
			os.Exit(fatalPage(500, "Internal error.", exitDrop))
		}
	}
	if err := privdrop.Drop(uid, gid, []int{gid}); err != nil {
		logf("privilege drop failed: %v", err)
		os.Exit(fatalPage(500, "Internal error.", exitDrop))
	}
}

// logf writes one line to the web server's error log.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "postern: "+format+"\n", args...)
}
