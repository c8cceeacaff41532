package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"postern/gate"
	"strings"

	"postern/app"
	"postern/config"
	"postern/templates"
)

// lookup is what checkConfig asks of the system, replaceable in tests.
type lookup struct {
	user func(name string) (*user.User, error)
	stat func(path string) (fs.FileInfo, error)
}

var systemLookup = lookup{user: user.Lookup, stat: os.Stat}

// pamDir is where PAM service files live.
const pamDir = "/etc/pam.d"

// -check-config is the one command that may run as root: root's own run
// (an administrator checking /etc/postern/postern.conf, which may be
// closed to others). It parses the configuration and every template of
// template_dir, so it is refused to any other caller of the setuid
// program (commandAs), and a setuid run has dropped to its caller before
// (command).

// checkConfig loads the configuration at path and writes one line for each
// problem: every bad line of the file (config.Parse reports them all, each
// with its line number), then what the values name but the system lacks.
// It returns gate.ExitOK when there is no error; warnings do not count.
func checkConfig(w io.Writer, path string, sys lookup) int {
	if _, err := sys.stat(path); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(w, "%s: does not exist; the compiled-in defaults apply\n", path)
	}
	cfg, err := config.Load(path)
	if err != nil {
		errs := splitErrors(err)
		for _, e := range errs {
			fmt.Fprintln(w, e)
		}
		fmt.Fprintf(w, "%s: %d error(s)\n", path, len(errs))
		return gate.ExitConfig
	}
	problems, warnings := checkValues(cfg, sys)
	for _, p := range warnings {
		fmt.Fprintf(w, "%s: warning: %s\n", path, p)
	}
	for _, p := range problems {
		fmt.Fprintf(w, "%s: %s\n", path, p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(w, "%s: %d error(s)\n", path, len(problems))
		return gate.ExitConfig
	}
	fmt.Fprintf(w, "%s: ok (auth = %s)\n", path, cfg.Auth)
	return gate.ExitOK
}

// splitErrors undoes errors.Join, so that each problem gets its own line.
func splitErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, splitErrors(e)...)
		}
		return out
	}
	return []error{err}
}

// checkValues checks what a syntactically valid configuration refers to:
// the backend's files, the users, the template directory.
func checkValues(cfg *config.Config, sys lookup) (problems, warnings []string) {
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if _, err := gate.NewBackend(cfg); err != nil {
		bad("auth = %s: %v", cfg.Auth, err)
	}
	switch cfg.Auth {
	case "pam":
		if _, err := sys.stat(filepath.Join(pamDir, cfg.PAMService)); err != nil {
			bad("pam_service = %s: %v (install dist/pam.d/postern there)", cfg.PAMService, err)
		}
		if _, err := sys.stat(config.LoginHelper); err != nil {
			bad("auth = pam: the login helper %s: %v (make install puts it there)", config.LoginHelper, err)
		}
	case "shadow":
		if _, err := sys.stat(cfg.ShadowFile); err != nil {
			bad("shadow_file = %s: %v", cfg.ShadowFile, err)
		}
	case "webpass":
		if fi, err := sys.stat(cfg.WebpassRoot); err != nil {
			bad("webpass_root = %s: %v", cfg.WebpassRoot, err)
		} else if !fi.IsDir() {
			bad("webpass_root = %s: not a directory", cfg.WebpassRoot)
		}
	}
	if cfg.WebUser == "" {
		warnings = append(warnings, "web_user is not set: any local user may run the program setuid")
	} else if _, err := sys.user(cfg.WebUser); err != nil {
		bad("web_user = %s: %v", cfg.WebUser, err)
	}
	if u, err := sys.user(cfg.AnonUser); err != nil {
		bad("anon_user = %s: %v", cfg.AnonUser, err)
	} else if u.Uid == "0" || u.Gid == "0" {
		bad("anon_user = %s: uid or gid 0 is never used", cfg.AnonUser)
	}
	if cfg.TemplateDir != "" {
		if fi, err := sys.stat(cfg.TemplateDir); err != nil {
			bad("template_dir = %s: %v", cfg.TemplateDir, err)
		} else if !fi.IsDir() {
			bad("template_dir = %s: not a directory", cfg.TemplateDir)
		} else if err := checkTemplates(cfg.TemplateDir); err != nil {
			bad("template_dir = %s: %v", cfg.TemplateDir, err)
		}
	}
	if cfg.Landlock {
		warnings = append(warnings, sendPathWarnings(cfg, sys)...)
	}
	if d := app.Directory(cfg); d != nil {
		for _, e := range splitErrors(d.CheckAll(context.Background())) {
			if e != nil {
				bad("%v", e)
			}
		}
		if p := cfg.DirectoryBindPasswordFile; p != "" {
			if fi, err := sys.stat(p); err != nil {
				bad("directory_bind_password_file = %s: %v", p, err)
			} else if w := passwordFileWarning(fi.Mode()); w != "" {
				warnings = append(warnings, "directory_bind_password_file = "+p+": "+w)
			}
		}
	}
	for _, err := range cfg.CheckWebAuthn() {
		bad("%v", err)
	}
	if cfg.SessionIdle > cfg.SessionMax {
		warnings = append(warnings, fmt.Sprintf("session_idle %v is longer than session_max %v: session_max wins", cfg.SessionIdle, cfg.SessionMax))
	}
	return problems, warnings
}

// checkTemplates parses every page with the overrides of dir: a request
// parses only the page it shows, so a broken override would otherwise
// show only when someone opens that page.
func checkTemplates(dir string) error {
	set, err := templates.Load(dir)
	if err != nil {
		return err
	}
	return set.Check()
}

// sendPathWarnings names each landlock_send_* path that does not exist.
// The sandbox of a send skips such a path, so the MTA is refused what it
// was meant to get (and Postfix's postdrop, say, waits for a queue it
// cannot write): a warning, because another MTA may not need the defaults.
// Paths with %u are left out: they differ per user.
func sendPathWarnings(cfg *config.Config, sys lookup) []string {
	var out []string
	for _, kv := range []struct{ key, value string }{
		{"landlock_send_exec", cfg.LandlockSendExec},
		{"landlock_send_read", cfg.LandlockSendRead},
		{"landlock_send_write", cfg.LandlockSendWrite},
	} {
		for _, p := range config.PathList(kv.value) {
			if strings.Contains(p, "%u") {
				continue
			}
			if _, err := sys.stat(p); err != nil {
				out = append(out, fmt.Sprintf("%s: %s does not exist, so the Landlock sandbox of a send cannot allow it", kv.key, p))
			}
		}
	}
	return out
}

// passwordFileWarning says what is worth knowing about the mode of the
// directory's bind password file, which each user's lookup reads after
// the privilege drop: readable by everyone (every local account can bind
// as the directory's reader), or by its owner alone (the lookups of the
// other users cannot read it).
func passwordFileWarning(mode fs.FileMode) string {
	switch {
	case mode&0o004 != 0:
		return "readable by every local account, which can then search the directory as its bind DN; a group of the webmail's users is narrower"
	case mode&0o044 == 0:
		return "readable only by its owner, but the lookup runs as each user: give the users' group read access"
	}
	return ""
}
