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
		b := checkpass.NewPAM(loginHelper(), cfg.PAMService, cfg.Maildir)
		b.Fallback = rootLookup()
		return b, nil
	case "shadow":
		b := shadow.New(cfg.ShadowFile, cfg.Maildir)
		b.Fallback = rootLookup()
		return b, nil
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

// rootLookup is the system backends' auth.UserLookup for a user that
// /etc/passwd does not name (sssd, LDAP: libc's name service): postern-login,
// when this process is root and so may run it; nil otherwise. The request
// binary reads /etc/passwd and /etc/group itself (os/user with the osusergo
// tag). The backends are the root room's: nothing after the drop holds it.
func rootLookup() auth.UserLookup {
	if os.Geteuid() != 0 {
		return nil
	}
	return loginHelper().Lookup
}
