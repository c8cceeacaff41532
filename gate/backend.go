package gate

import (
	"fmt"

	"postern/auth"
	"postern/auth/pam"
	"postern/auth/shadow"
	"postern/auth/webpass"
	"postern/config"
)

// NewBackend returns the authenticator the configuration names. Only the
// configuration chooses it, never the request or the environment.
func NewBackend(cfg *config.Config) (auth.Authenticator, error) {
	switch cfg.Auth {
	case "pam":
		return pam.New(cfg.PAMService, cfg.Maildir), nil
	case "shadow":
		return shadow.New(cfg.ShadowFile, cfg.Maildir), nil
	case "webpass":
		return webpass.New(cfg.WebpassRoot, cfg.WebpassFile), nil
	}
	return nil, fmt.Errorf("auth: unknown backend %q", cfg.Auth)
}
