package gate

import (
	"os"
	"path/filepath"

	"postern/auth"
	"postern/auth/acctcache"
	"postern/config"
)

// accountCache is root's cache of what the backend said of a user
// (package acctcache), in guard_dir/accounts; nil when account_cache is 0
// or the process is not root (postern installed without setuid has no
// root-owned place to keep it, and its backends are cheap).
func accountCache(cfg *config.Config) *acctcache.Cache {
	if cfg.AccountCache <= 0 || os.Geteuid() != 0 {
		return nil
	}
	return &acctcache.Cache{Dir: filepath.Join(cfg.GuardDir, "accounts"), TTL: cfg.AccountCache}
}

// lookupAccount is backend.Lookup for a request with a session, answered
// from the account cache while its entry is younger than account_cache.
// A failed lookup removes the entry.
func lookupAccount(cfg *config.Config, backend auth.Authenticator, user string) (*auth.Account, error) {
	c := accountCache(cfg)
	if c == nil {
		return backend.Lookup(user)
	}
	if a, ok := c.Get(cfg.Auth, user); ok {
		return a, nil
	}
	a, err := backend.Lookup(user)
	if err != nil {
		if ferr := c.Forget(cfg.Auth, user); ferr != nil {
			logf("account cache: %v", ferr)
		}
		return nil, err
	}
	rememberAccount(cfg, a)
	return a, nil
}

// rememberAccount puts an account the backend has just returned into the
// account cache. One that is never served (root, below min_uid) may be
// stored: enter refuses it whichever way it comes, and acctcache.Parse
// refuses uid and gid 0.
func rememberAccount(cfg *config.Config, a *auth.Account) {
	c := accountCache(cfg)
	if c == nil {
		return
	}
	if err := c.Put(a); err != nil {
		logf("account cache: %v", err)
	}
}
