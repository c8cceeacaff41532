package app

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"postern/gate"
	"strings"

	"postern/config"
	"postern/identity"
)

// identities are the From addresses the user may choose: their own
// first (from the auth backend, else user@mail_domain, or the user name
// itself when it is an address), then those of the identities key with
// %u replaced, each once. Never free text.
func (a *app) identities() []string {
	own := a.acct.Address
	if own == "" {
		own = a.acct.User
		if !strings.Contains(own, "@") {
			own += "@" + mailDomain(a.cfg)
		}
	}
	out := []string{own}
	for _, id := range config.SplitIdentities(a.cfg.Identities) {
		id = strings.ReplaceAll(id, "%u", a.acct.User)
		if !containsFold(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// idStore is the user's identities, in the Maildir's postern/.
func (a *app) idStore() identity.Store {
	return identity.Store{Dir: filepath.Join(a.store.Root, "postern")}
}

// identityList is the user's identities within the policy. A damaged
// file is logged and the allowed addresses are offered bare: it never
// keeps a user from writing.
func (a *app) identityList() identity.List {
	set, err := a.idStore().Load()
	if err != nil {
		logf("identities of %s: %v", a.acct.User, err)
		set = &identity.Set{}
	}
	return set.Resolve(a.identities())
}

// mailDomain is mail_domain, else the first line of /etc/mailname, else
// the host name.
func mailDomain(cfg *config.Config) string {
	if cfg.MailDomain != "" {
		return cfg.MailDomain
	}
	if f, err := os.Open(gate.MailnameFile); err == nil {
		defer f.Close()
		if d := firstLine(f); d != "" {
			return d
		}
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "localhost"
}

// firstLine returns the trimmed first line of r (at most 255 bytes) when
// it looks like a domain, else "".
func firstLine(r io.Reader) string {
	line, _ := bufio.NewReader(io.LimitReader(r, 256)).ReadString('\n')
	line = strings.TrimSpace(line)
	if line == "" || len(line) > 253 || strings.ContainsAny(line, "@ \t,;<>()[]\\\"/%") {
		return ""
	}
	return line
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
