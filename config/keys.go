package config

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// key describes one configuration key: how to set it from its text and how
// to write it back.
type key struct {
	name string
	set  func(c *Config, v string) error
	get  func(c *Config) string
}

// keys lists every key, in the order of the Config fields.
var keys = []key{
	stringKey("auth", func(c *Config) *string { return &c.Auth }, oneOf("pam", "shadow", "webpass")),
	stringKey("pam_service", func(c *Config) *string { return &c.PAMService }, serviceName),
	stringKey("shadow_file", func(c *Config) *string { return &c.ShadowFile }, absPath),
	stringKey("maildir", func(c *Config) *string { return &c.Maildir }, maildirPath),
	stringKey("webpass_root", func(c *Config) *string { return &c.WebpassRoot }, absPath),
	stringKey("webpass_file", func(c *Config) *string { return &c.WebpassFile }, fileName),
	intKey("min_uid", func(c *Config) *int { return &c.MinUID }, 1, 1<<31-1),
	stringKey("web_user", func(c *Config) *string { return &c.WebUser }, optional(userName)),
	stringKey("anon_user", func(c *Config) *string { return &c.AnonUser }, userName),
	durationKey("session_idle", func(c *Config) *time.Duration { return &c.SessionIdle }),
	durationKey("session_max", func(c *Config) *time.Duration { return &c.SessionMax }),
	boolKey("bind_ip", func(c *Config) *bool { return &c.BindIP }),
	boolKey("allow_unbound", func(c *Config) *bool { return &c.AllowUnbound }),
	intKey("page_size", func(c *Config) *int { return &c.PageSize }, 5, 500),
	stringKey("template_dir", func(c *Config) *string { return &c.TemplateDir }, optional(absPath)),
	stringKey("site_name", func(c *Config) *string { return &c.SiteName }, func(string) error { return nil }),
	stringKey("trash", func(c *Config) *string { return &c.Trash }, folderName),
	stringKey("sent", func(c *Config) *string { return &c.Sent }, folderName),
	stringKey("drafts", func(c *Config) *string { return &c.Drafts }, folderName),
	stringKey("mail_domain", func(c *Config) *string { return &c.MailDomain }, optional(domainName)),
	stringKey("identities", func(c *Config) *string { return &c.Identities }, identityList),
	stringKey("sendmail_wrapper", func(c *Config) *string { return &c.SendmailWrapper }, optional(absPath)),
	intKey("max_attachment_size", func(c *Config) *int { return &c.MaxAttachmentSize }, 1024, 1<<40),
	intKey("max_message_size", func(c *Config) *int { return &c.MaxMessageSize }, 4096, 1<<40),
	stringKey("guard_dir", func(c *Config) *string { return &c.GuardDir }, absPath),
	durationOrZeroKey("account_cache", func(c *Config) *time.Duration { return &c.AccountCache }),
	intKey("lockout_user", func(c *Config) *int { return &c.LockoutUser }, 1, 1_000_000),
	intKey("lockout_ip", func(c *Config) *int { return &c.LockoutIP }, 1, 1_000_000),
	durationKey("lockout_time", func(c *Config) *time.Duration { return &c.LockoutTime }),
	stringKey("audit_socket", func(c *Config) *string { return &c.AuditSocket }, absPath),
	boolKey("require_https", func(c *Config) *bool { return &c.RequireHTTPS }),
	stringKey("allow_from", func(c *Config) *string { return &c.AllowFrom }, networks),
	durationKey("public_idle", func(c *Config) *time.Duration { return &c.PublicIdle }),
	stringKey("totp", func(c *Config) *string { return &c.TOTP }, oneOf("off", "optional", "required")),
	boolKey("webauthn", func(c *Config) *bool { return &c.WebAuthn }),
	boolKey("webauthn_passwordless", func(c *Config) *bool { return &c.WebAuthnPasswordless }),
	stringKey("webauthn_rp_id", func(c *Config) *string { return &c.WebAuthnRPID }, optional(rpID)),
	stringKey("webauthn_origins", func(c *Config) *string { return &c.WebAuthnOrigins }, originList),
	stringKey("client_cert", func(c *Config) *string { return &c.ClientCert }, oneOf("off", "require", "match")),
	boolKey("landlock", func(c *Config) *bool { return &c.Landlock }),
	stringKey("landlock_send_exec", func(c *Config) *string { return &c.LandlockSendExec }, pathList),
	stringKey("landlock_send_read", func(c *Config) *string { return &c.LandlockSendRead }, pathList),
	stringKey("landlock_send_write", func(c *Config) *string { return &c.LandlockSendWrite }, pathList),
	stringKey("index_dir", func(c *Config) *string { return &c.IndexDir }, optional(absPath)),
	durationKey("index_budget", func(c *Config) *time.Duration { return &c.IndexBudget }),
	stringKey("filter_language", func(c *Config) *string { return &c.FilterLanguage }, oneOf("none", "sieve", "maildrop")),
	stringKey("sieve_script", func(c *Config) *string { return &c.SieveScript }, homePath),
	stringKey("sieve_active", func(c *Config) *string { return &c.SieveActive }, optional(homePath)),
	stringKey("sievec", func(c *Config) *string { return &c.Sievec }, program),
	stringKey("maildrop_filter", func(c *Config) *string { return &c.MaildropFilter }, homePath),
	stringKey("maildrop", func(c *Config) *string { return &c.Maildrop }, program),
	stringKey("mailbot", func(c *Config) *string { return &c.Mailbot }, program),
	stringKey("vacation_sendmail", func(c *Config) *string { return &c.VacationSendmail }, program),
	stringKey("landlock_filter_exec", func(c *Config) *string { return &c.LandlockFilterExec }, pathList),
	stringKey("landlock_filter_read", func(c *Config) *string { return &c.LandlockFilterRead }, pathList),
	stringKey("junk", func(c *Config) *string { return &c.Junk }, folderName),
	stringKey("learn_spam", func(c *Config) *string { return &c.LearnSpam }, optional(command)),
	stringKey("learn_ham", func(c *Config) *string { return &c.LearnHam }, optional(command)),
	stringKey("landlock_learn_read", func(c *Config) *string { return &c.LandlockLearnRead }, pathList),
	stringKey("landlock_learn_write", func(c *Config) *string { return &c.LandlockLearnWrite }, pathList),
	boolKey("crypto", func(c *Config) *bool { return &c.Crypto }),
	boolKey("crypto_openpgp", func(c *Config) *bool { return &c.CryptoOpenPGP }),
	boolKey("crypto_smime", func(c *Config) *bool { return &c.CryptoSMIME }),
	stringKey("gpg_path", func(c *Config) *string { return &c.GPGPath }, absPath),
	stringKey("gpgsm_path", func(c *Config) *string { return &c.GPGSMPath }, absPath),
	stringKey("gnupg_home", func(c *Config) *string { return &c.GnuPGHome }, gnupgHome),
	durationKey("gnupg_timeout", func(c *Config) *time.Duration { return &c.GnuPGTimeout }),
	intKey("gnupg_max_output", func(c *Config) *int { return &c.GnuPGMaxOutput }, 4096, 1<<34),
	stringKey("landlock_gnupg_exec", func(c *Config) *string { return &c.LandlockGnuPGExec }, pathList),
	stringKey("directory_uri", func(c *Config) *string { return &c.DirectoryURI }, optional(ldapURI)),
	boolKey("directory_starttls", func(c *Config) *bool { return &c.DirectoryStartTLS }),
	stringKey("directory_ca_file", func(c *Config) *string { return &c.DirectoryCAFile }, optional(absPath)),
	stringKey("directory_base", func(c *Config) *string { return &c.DirectoryBase }, func(string) error { return nil }),
	stringKey("directory_filter", func(c *Config) *string { return &c.DirectoryFilter }, searchFilter),
	stringKey("directory_attributes", func(c *Config) *string { return &c.DirectoryAttributes }, nonEmpty),
	stringKey("directory_bind_dn", func(c *Config) *string { return &c.DirectoryBindDN }, func(string) error { return nil }),
	stringKey("directory_bind_password_file", func(c *Config) *string { return &c.DirectoryBindPasswordFile }, optional(absPath)),
	intKey("directory_size_limit", func(c *Config) *int { return &c.DirectorySizeLimit }, 1, 500),
	durationKey("directory_timeout", func(c *Config) *time.Duration { return &c.DirectoryTimeout }),
}

// ldapURI accepts ldap://host[:port] and ldaps://host[:port]; package
// directory checks the rest (-check-config).
func ldapURI(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "ldap" && u.Scheme != "ldaps") || u.Hostname() == "" {
		return fmt.Errorf("%q is not ldap://host[:port] or ldaps://host[:port]", v)
	}
	return nil
}

// searchFilter accepts an LDAP filter template with "%s" for the user's
// text; package directory compiles it (-check-config).
func searchFilter(v string) error {
	if !strings.HasPrefix(v, "(") || !strings.Contains(v, "%s") {
		return fmt.Errorf("%q is not a filter in parentheses with %%s for the text", v)
	}
	return nil
}

func nonEmpty(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("empty value")
	}
	return nil
}

// gnupgHome accepts a relative path (under the home directory) or an
// absolute one, without "..", in which "%u" may stand for the user name.
func gnupgHome(v string) error {
	if v == "" || hasDotDot(v) || strings.ContainsAny(v, " \t,") {
		return fmt.Errorf("%q is not a path without .. or spaces", v)
	}
	if strings.Contains(strings.ReplaceAll(v, "%u", ""), "%") {
		return fmt.Errorf("%q: only %%u may follow %%", v)
	}
	return nil
}

func stringKey(name string, field func(*Config) *string, check func(string) error) key {
	return key{
		name: name,
		set: func(c *Config, v string) error {
			if err := check(v); err != nil {
				return err
			}
			*field(c) = v
			return nil
		},
		get: func(c *Config) string { return *field(c) },
	}
}

func intKey(name string, field func(*Config) *int, lo, hi int) key {
	return key{
		name: name,
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("%q is not an integer", v)
			}
			if n < lo || n > hi {
				return fmt.Errorf("%d is out of range %d..%d", n, lo, hi)
			}
			*field(c) = n
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(*field(c)) },
	}
}

func durationKey(name string, field func(*Config) *time.Duration) key {
	return key{
		name: name,
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%q is not a duration (like 30m or 12h)", v)
			}
			if d <= 0 {
				return fmt.Errorf("%q is not positive", v)
			}
			*field(c) = d
			return nil
		},
		get: func(c *Config) string { return field(c).String() },
	}
}

// durationOrZeroKey is durationKey that also takes 0 (off).
func durationOrZeroKey(name string, field func(*Config) *time.Duration) key {
	k := durationKey(name, field)
	set := k.set
	k.set = func(c *Config, v string) error {
		if d, err := time.ParseDuration(v); err == nil && d == 0 {
			*field(c) = 0
			return nil
		}
		return set(c, v)
	}
	return k
}

func boolKey(name string, field func(*Config) *bool) key {
	return key{
		name: name,
		set: func(c *Config, v string) error {
			switch strings.ToLower(v) {
			case "yes", "true", "on", "1":
				*field(c) = true
			case "no", "false", "off", "0":
				*field(c) = false
			default:
				return fmt.Errorf("%q is not yes or no", v)
			}
			return nil
		},
		get: func(c *Config) string {
			if *field(c) {
				return "yes"
			}
			return "no"
		},
	}
}

func oneOf(choices ...string) func(string) error {
	return func(v string) error {
		for _, c := range choices {
			if v == c {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", v, strings.Join(choices, ", "))
	}
}

// optional accepts the empty string or what check accepts.
func optional(check func(string) error) func(string) error {
	return func(v string) error {
		if v == "" {
			return nil
		}
		return check(v)
	}
}

func absPath(v string) error {
	if !strings.HasPrefix(v, "/") {
		return fmt.Errorf("%q is not an absolute path", v)
	}
	return nil
}

// hasDotDot reports whether the slash-separated path p has a ".." element.
func hasDotDot(p string) bool {
	for _, e := range strings.Split(p, "/") {
		if e == ".." {
			return true
		}
	}
	return false
}

func maildirPath(v string) error {
	if v == "" {
		return errors.New("empty Maildir path")
	}
	if strings.Contains(strings.ReplaceAll(v, "%u", ""), "%") {
		return fmt.Errorf("%q: only %%u may follow %%", v)
	}
	if path.IsAbs(v) {
		if !strings.Contains(v, "%u") {
			return fmt.Errorf("%q: an absolute Maildir path must contain %%u", v)
		}
		return nil
	}
	if hasDotDot(v) {
		return fmt.Errorf("%q: a relative Maildir path may not contain ..", v)
	}
	return nil
}

func fileName(v string) error {
	if v == "" || hasDotDot(v) {
		return fmt.Errorf("%q is not a usable file name", v)
	}
	return nil
}

// serviceName accepts a PAM service name: a file name in /etc/pam.d.
func serviceName(v string) error {
	if v == "" || v == "." || v == ".." || strings.ContainsAny(v, "/ ") {
		return fmt.Errorf("%q is not a PAM service name", v)
	}
	return nil
}

// userName accepts the user names of postern's mailbox ids:
// [A-Za-z0-9_@+-][A-Za-z0-9._@+-]*, at most 64 bytes.
func userName(v string) error {
	ok := v != "" && len(v) <= 64 && v[0] != '.'
	for i := 0; ok && i < len(v); i++ {
		c := v[i]
		ok = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("._@+-", c) >= 0
	}
	if !ok {
		return fmt.Errorf("%q is not a user name", v)
	}
	return nil
}

// folderName accepts a folder display name: '.'-separated, no empty
// element, no '/', not INBOX itself.
func folderName(v string) error {
	if v == "" || strings.EqualFold(v, "INBOX") || strings.Contains(v, "/") ||
		strings.HasPrefix(v, ".") || strings.HasSuffix(v, ".") || strings.Contains(v, "..") {
		return fmt.Errorf("%q is not a usable folder name", v)
	}
	return nil
}
