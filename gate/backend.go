package gate

import (
	"fmt"
	"os"

	"postern/auth"
	"postern/auth/checkpass"
	"postern/auth/shadow"
	"postern/auth/webpass"
	"postern/config"
)

// NewBackend returns the authenticator the configuration names. Only the
// configuration chooses it, never the request or the environment. PAM runs
// in postern-login (config.LoginHelper, package auth/checkpass): this
// program links neither libpam nor libc's name service.
func NewBackend(cfg *config.Config) (auth.Authenticator, error) {
	switch cfg.Auth {
	case "pam":
		return checkpass.NewPAM(loginHelper(), cfg.PAMService, cfg.Maildir), nil
	case "shadow":
		return shadow.New(cfg.ShadowFile, cfg.Maildir), nil
	case "webpass":
		return webpass.New(cfg.WebpassRoot, cfg.WebpassFile), nil
	}
	return nil, fmt.Errorf("auth: unknown backend %q", cfg.Auth)
}

// loginHelper returns the client of postern-login; its standard error is
// ours (the web server's error log).
func loginHelper() *checkpass.Client {
	return &checkpass.Client{Path: config.LoginHelper, Stderr: os.Stderr}
}

// lookUpThroughHelper lets auth.SystemAccount ask postern-login for a user
// that /etc/passwd does not name (sssd, LDAP: libc's name service), when
// this process is root and so may run it. The request binary reads
// /etc/passwd and /etc/group itself (os/user with the osusergo tag).
func lookUpThroughHelper() {
	if os.Geteuid() == 0 {
		auth.FallbackLookup = loginHelper().Lookup
	}
}
