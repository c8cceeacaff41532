package gate

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"

	"postern/auth"
	"postern/config"
	"postern/privdrop"
)

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
// (sandboxAsRoot; for a request that runs a program, with rules that let
// it run): one signal round to every thread of the process instead of two
// after the drop. Not root, or before a first index_dir exists, it is
// applied after the drop (sandboxUser). Failure to drop is fatal: the
// process exits rather than go on with privileges.
func (g *room) enter(a *auth.Account) error {
	if err := checkAccount(g.cfg, a); err != nil {
		return err
	}
	prog, dir := siteProgram(g.cfg, g.req), siteDirectory(g.cfg, g.req)
	sandboxed := sandboxAsRoot(g.cfg, g.cfgPath, a, prog, dir)
	if err := privdrop.DropIfRoot(a.UID, a.GID, a.Groups); err != nil {
		logf("privilege drop to %s failed: %v", a.User, err)
		os.Exit(FatalPage(500, "Internal error.", ExitDrop))
	}
	if err := os.Chdir(a.Maildir); err != nil {
		return fmt.Errorf("maildir of %s: %v", a.User, err)
	}
	privateTmp(a)
	if !sandboxed {
		sandboxUser(g.cfg, g.cfgPath, a, prog, dir)
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
			os.Exit(FatalPage(500, "Internal error.", ExitDrop))
		}
	}
	if err := privdrop.Drop(uid, gid, []int{gid}); err != nil {
		logf("privilege drop failed: %v", err)
		os.Exit(FatalPage(500, "Internal error.", ExitDrop))
	}
}

// privateTmp sends temporary files (SQLite's sorts and FTS merges, Go's
// spilled uploads) to a private directory in the Maildir, not /var/tmp or
// /tmp, which the sandbox closes (and which other users share). It runs
// after the drop, as the user.
func privateTmp(acct *auth.Account) {
	tmp := filepath.Join(acct.Maildir, "postern", "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		logf("temporary directory of %s: %v", acct.User, err)
		return
	}
	os.Setenv("TMPDIR", tmp)
	os.Setenv("SQLITE_TMPDIR", tmp)
}
