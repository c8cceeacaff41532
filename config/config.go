// Package config reads postern.conf(5), the one configuration file of the
// setuid CGI program.
//
// The file is read as root before anything else is parsed, so its format is
// deliberately small: one "key = value" per line; blank lines and lines
// whose first non-blank character is '#' are ignored. There is no quoting,
// no trailing comment and no continuation: the value is everything after
// the first '=', with surrounding white space removed, so "a#b" is a value
// and not a comment. Every key is optional (see Default); an unknown key, a
// value of the wrong type or out of range, a control character in a value
// and a key given twice are errors that name the line. Parse reports all of
// them at once (errors.Join), not just the first.
//
// Types: strings are taken literally; integers are decimal; booleans are
// yes/no, true/false, on/off or 1/0; durations use Go syntax ("30m", "12h",
// "1h30m") and must be positive.
//
// Load adds the checks a setuid program needs on the file itself: it is not
// followed if it is a symbolic link, it must be a regular file, it must not
// be group- or world-writable and it must be owned by root or by the user
// the process runs as (its effective uid). A file that does not exist is
// not an error: Load returns Default(), and the caller decides whether that
// is acceptable (it is for the compiled-in Path, not for a file named on
// the command line).
//
// Format writes a Config back in the same syntax; Parse(Format(c)) gives c
// back for every c that Parse returned.
//
// This package imports only the standard library.
package config

import (
	"path/filepath"
	"time"
)

// Path is the configuration file the program reads. Packagers set it at
// build time with -ldflags "-X postern/config.Path=/etc/postern/postern.conf".
var Path = "/etc/postern/postern.conf"

// LoginMaxBytes is the largest login request body (the urlencoded user,
// pass and nobind fields) postern reads, checked on CONTENT_LENGTH before
// reading. It is a constant, not a key: a login form never needs more.
const LoginMaxBytes = 1024

// MaxBytes is the largest configuration file Parse and Load accept.
const MaxBytes = 64 << 10

// MaxLineBytes is the longest line Parse accepts.
const MaxLineBytes = 4096

// Config holds every setting of postern.conf. The key of each field is
// given first in its comment, then its meaning and its default.
type Config struct {
	// auth: how passwords are checked: "pam" (PAM service pam_service),
	// "shadow" (crypt(3) hashes read from shadow_file) or "webpass"
	// (virtual users under webpass_root). Default "pam".
	Auth string
	// pam_service: the PAM service name, a file in /etc/pam.d. Default
	// "postern".
	PAMService string
	// shadow_file: the shadow(5) file used by auth = shadow; an absolute
	// path. Default "/etc/shadow".
	ShadowFile string
	// maildir: where a system user's mail is: a path relative to the home
	// directory (no ".." element), or an absolute path in which "%u" stands
	// for the user name (it must appear, so that users never share a
	// Maildir). Default "Maildir".
	Maildir string
	// webpass_root: the directory of the virtual users of auth = webpass;
	// the Maildir of virtual user u is webpass_root/u. An absolute path.
	// Default "/var/lib/postern/users".
	WebpassRoot string
	// webpass_file: the name of the password file of auth = webpass; a
	// relative name is resolved by the webpass backend. Default
	// "postern-passwd".
	WebpassFile string
	// min_uid: accounts with a smaller uid (system accounts) may not log
	// in; root never may. At least 1. Default 1000.
	MinUID int
	// web_user: when set, only this user (the web server's, e.g.
	// "www-data") may run the setuid program; other callers are refused.
	// Default "" (any caller).
	WebUser string
	// anon_user: the user an anonymous request (login page, style sheet)
	// runs as when the caller is root. Default "nobody".
	AnonUser string
	// session_idle: a session unused for longer than this ends. Default
	// 30m.
	SessionIdle time.Duration
	// session_max: a session ends this long after login however it is used.
	// Default 12h.
	SessionMax time.Duration
	// bind_ip: sessions are bound to the IP address they logged in from.
	// Default yes.
	BindIP bool
	// allow_unbound: the login page offers a checkbox to turn IP binding
	// off for that session (for users whose address changes). Default yes.
	AllowUnbound bool
	// page_size: messages per page in a folder listing, 5 to 500; users may
	// change their own. Default 50.
	PageSize int
	// template_dir: a directory whose files override the embedded
	// templates and style.css, file by file; an absolute path, or empty for
	// none. Default "".
	TemplateDir string
	// site_name: the name shown in page titles and headings. Default
	// "postern".
	SiteName string
	// trash: the folder deleted messages are moved to. Default "Trash".
	Trash string
	// sent: the folder sent messages are saved in. Default "Sent".
	Sent string
	// drafts: the folder drafts are saved in. Default "Drafts".
	Drafts string
	// mail_domain: the domain of a user's own address, user@mail_domain,
	// when the auth backend gives none (pam, shadow). Default "": the
	// first line of /etc/mailname, else the host name.
	MailDomain string
	// identities: more From addresses a user may choose, separated by
	// commas; "%u" stands for the user name (e.g. "%u@example.org,
	// %u@lists.example.org"). The user's own address always comes first.
	// Default "" (only the own address).
	Identities string
	// sendmail_wrapper: the program outgoing mail is given to (see
	// postern-sendmail(8)); an absolute path. Default "": the wrapper
	// installed with postern (DefaultWrapper).
	SendmailWrapper string
	// max_attachment_size: the largest attached file, in bytes. Default
	// 26214400 (25 MiB).
	MaxAttachmentSize int
	// max_message_size: the largest compose form (text and attachments
	// together, and the sum of the attachments of one message), in
	// bytes. Default 52428800 (50 MiB).
	MaxMessageSize int
	// guard_dir: the root-owned directory (mode 700) of the failed-login
	// counters; an absolute path. Default "/var/lib/postern/guard".
	GuardDir string
	// account_cache: how long the root room trusts what the backend's
	// Lookup said of a logged-in user (kept in guard_dir/accounts), 0 to
	// ask the backend on every request. Default 1m.
	AccountCache time.Duration
	// lockout_user: failed logins that lock a user name for lockout_time.
	// Default 10.
	LockoutUser int
	// lockout_ip: failed logins that lock a client address for
	// lockout_time. Default 50.
	LockoutIP int
	// lockout_time: failures are forgotten this long after the last one,
	// which also ends a lockout. Default 15m.
	LockoutTime time.Duration
	// audit_socket: the syslog datagram socket the audit log (facility
	// authpriv) is sent to. Default "/dev/log".
	AuditSocket string
	// require_https: the login page refuses passwords that did not arrive
	// over TLS (CGI HTTPS=on). Default yes.
	RequireHTTPS bool
	// allow_from: networks (CIDR, IPv4 and IPv6, separated by commas or
	// spaces) that may log in and use sessions; empty for all. Default "".
	AllowFrom string
	// public_idle: the idle timeout of a session logged in with "this is
	// a public computer". Default 10m.
	PublicIdle time.Duration
	// totp: the TOTP second factor: "off", "optional" (each user may
	// enrol) or "required" (every user must). Default "optional".
	TOTP string
	// webauthn: passkeys and security keys (WebAuthn) as a second factor
	// on the security page and at login. Needs webauthn_rp_id. Default no.
	WebAuthn bool
	// webauthn_passwordless: the login page also offers "Log in with a
	// passkey", a discoverable credential with user verification instead
	// of the password. Needs webauthn. Default no.
	WebAuthnPasswordless bool
	// webauthn_rp_id: the WebAuthn relying party id, the host name users
	// reach the site by (or a registrable suffix of it), never an IP
	// address. Default "".
	WebAuthnRPID string
	// webauthn_origins: the origins (scheme://host[:port], separated by
	// commas or spaces) whose assertions are accepted; empty for
	// https://<webauthn_rp_id>. Default "".
	WebAuthnOrigins string
	// client_cert: TLS client certificates: "off", "require" (the web
	// server must have verified one, SSL_CLIENT_VERIFY=SUCCESS) or "match"
	// (and its e-mail address or CN must be the login name). Default "off".
	ClientCert string
	// landlock: restrict the process with Landlock after the privilege
	// drop (best effort on kernels without it). Default yes.
	Landlock bool
	// landlock_send_exec, landlock_send_read, landlock_send_write: what
	// the request that sends mail may also execute, read, and read and
	// write: the MTA's programs, configuration and queue (a PathList;
	// "%u" stands for the user name). The sendmail wrapper, the
	// interpreters and loaders of what may be executed, the shared
	// libraries and the user and group files need not be named. Defaults
	// are Postfix's: "/usr/sbin/sendmail /usr/sbin/postdrop",
	// "/etc/postfix", "/var/spool/postfix/maildrop".
	LandlockSendExec  string
	LandlockSendRead  string
	LandlockSendWrite string
	// filter_language: the rule language of the site's delivery agent,
	// which postern writes the user's filters and vacation reply in:
	// "sieve" (Dovecot's Pigeonhole), "maildrop", or "none" (the Filters
	// and Vacation pages are hidden). Default "none".
	FilterLanguage string
	// sieve_script: postern's Sieve script, relative to the user's home
	// or absolute ("%u", "%h" for the user name and home). Default
	// "sieve/postern.sieve".
	SieveScript string
	// sieve_active: the active script Dovecot runs (sieve_script's
	// symbolic link is made there when nothing is), relative to the home
	// or absolute; empty when the site activates scripts otherwise.
	// Default ".dovecot.sieve".
	SieveActive string
	// sievec: Pigeonhole's compiler, which checks a script before it
	// replaces the old one. Default "/usr/bin/sievec".
	Sievec string
	// maildrop_filter: the maildrop filter file postern writes, relative
	// to the home or absolute. Default ".mailfilter".
	MaildropFilter string
	// maildrop: maildrop(1), which checks a filter file before it
	// replaces the old one. Default "/usr/bin/maildrop".
	Maildrop string
	// mailbot: mailbot(1), which the maildrop rules run for the vacation
	// reply at delivery. Default "/usr/bin/mailbot".
	Mailbot string
	// vacation_sendmail: the sendmail mailbot hands the reply to, at
	// delivery. Default "/usr/sbin/sendmail".
	VacationSendmail string
	// landlock_filter_exec, landlock_filter_read: what the requests that
	// save filters (they run sievec or maildrop) may also execute and
	// read, besides the compiler itself and the shared libraries; they
	// may write the user's home (the scripts are there). Defaults are
	// what sievec needs: "/usr/bin/doveconf", "/etc/dovecot
	// /usr/share/dovecot /etc/hosts /etc/host.conf /etc/resolv.conf
	// /etc/maildroprc".
	LandlockFilterExec string
	LandlockFilterRead string
	// junk: the display name of the folder the Spam button moves mail
	// to. Default "Junk".
	Junk string
	// learn_spam, learn_ham: the command the Spam and Not spam buttons
	// run as the user with the message on standard input: an absolute
	// program and fixed arguments separated by spaces, such as
	// "/usr/bin/sa-learn --spam"; empty to only move the message.
	// Default "".
	LearnSpam string
	LearnHam  string
	// landlock_learn_read, landlock_learn_write: what the learn command
	// may also read, and read and write ("%u", "%h" for the user name
	// and home). Defaults are SpamAssassin's on Debian: "/usr/share/perl5
	// /usr/share/perl /etc/perl /usr/share/spamassassin /etc/spamassassin
	// /etc/mail/spamassassin /var/lib/spamassassin /etc/hosts
	// /etc/resolv.conf", "%h" (SpamAssassin makes ~/.spamassassin on
	// its first run, and a Landlock rule needs an existing path).
	LandlockLearnRead  string
	LandlockLearnWrite string
	// index_dir: the directory of each user's search index, "%u" standing
	// for the user name; empty for "postern/index.sqlite" in the Maildir.
	// Default "".
	IndexDir string
	// index_budget: how long one request may spend indexing new mail.
	// Default 200ms.
	IndexBudget time.Duration

	// crypto: signed and encrypted mail through the user's own GnuPG
	// (packages mailcrypto, gnupg). Default no.
	Crypto bool
	// crypto_openpgp, crypto_smime: which of OpenPGP (gpg) and S/MIME
	// (gpgsm) crypto uses. Default yes, yes.
	CryptoOpenPGP bool
	CryptoSMIME   bool
	// gpg_path, gpgsm_path: the programs. Defaults "/usr/bin/gpg",
	// "/usr/bin/gpgsm".
	GPGPath   string
	GPGSMPath string
	// gnupg_home: the user's GnuPG home: relative to the home directory,
	// or absolute with "%u" for the user name (virtual users: a directory
	// in their Maildir). Default ".gnupg".
	GnuPGHome string
	// gnupg_timeout: the time limit of one call of gpg or gpgsm.
	// Default 10s.
	GnuPGTimeout time.Duration
	// gnupg_max_output: the bytes read from one call's output (a
	// decrypted message). Default 33554432 (32 MiB).
	GnuPGMaxOutput int
	// landlock_gnupg_exec: what the requests that run GnuPG may execute
	// besides (a PathList): gpg, gpgsm, the agent and the helpers GnuPG
	// starts. Default "/usr/bin/gpg /usr/bin/gpgsm /usr/bin/gpg-agent
	// /usr/bin/gpgconf /usr/bin/gpg-connect-agent /usr/lib/gnupg".
	LandlockGnuPGExec string

	// The site's directory (package directory): a read-only LDAP lookup
	// offered in compose's completion and on the directory page.
	//
	// directory_uri: "ldap://host[:port]" or "ldaps://host[:port]";
	// empty for no directory. Default "".
	DirectoryURI string
	// directory_starttls: upgrade an ldap:// connection with StartTLS.
	// Default no.
	DirectoryStartTLS bool
	// directory_ca_file: PEM certificates the directory's is verified
	// against; empty for the system's roots. Read by the user. Default "".
	DirectoryCAFile string
	// directory_base: the DN searched below. Default "".
	DirectoryBase string
	// directory_filter: the search filter, "%s" standing for the user's
	// text, escaped. Default "(|(cn=%s*)(sn=%s*)(givenName=%s*)(mail=%s*))".
	DirectoryFilter string
	// directory_attributes: the LDAP attribute of each field, as
	// field=attribute pairs (name, mail, organisation, phone; mail
	// required). Default "name=cn mail=mail organisation=o
	// phone=telephoneNumber".
	DirectoryAttributes string
	// directory_bind_dn: the DN to bind as; empty for an anonymous bind.
	// Default "".
	DirectoryBindDN string
	// directory_bind_password_file: a file whose first line is the bind
	// password. The lookup runs as the user, so the users must be able
	// to read it. Default "".
	DirectoryBindPasswordFile string
	// directory_size_limit: the most entries one lookup returns.
	// Default 20.
	DirectorySizeLimit int
	// directory_timeout: the time limit of one lookup, connection
	// included. Default 2s.
	DirectoryTimeout time.Duration
}

// Default returns the configuration used when the file sets nothing.
func Default() *Config {
	return &Config{
		Auth:         "pam",
		PAMService:   "postern",
		ShadowFile:   "/etc/shadow",
		Maildir:      "Maildir",
		WebpassRoot:  "/var/lib/postern/users",
		WebpassFile:  "postern-passwd",
		MinUID:       1000,
		WebUser:      "",
		AnonUser:     "nobody",
		SessionIdle:  30 * time.Minute,
		SessionMax:   12 * time.Hour,
		BindIP:       true,
		AllowUnbound: true,
		PageSize:     50,
		TemplateDir:  "",
		SiteName:     "postern",
		Trash:        "Trash",
		Sent:         "Sent",
		Drafts:       "Drafts",
		GuardDir:     "/var/lib/postern/guard",
		AccountCache: time.Minute,
		LockoutUser:  10,
		LockoutIP:    50,
		LockoutTime:  15 * time.Minute,
		AuditSocket:  "/dev/log",
		RequireHTTPS: true,
		AllowFrom:    "",
		PublicIdle:   10 * time.Minute,
		TOTP:         "optional",
		ClientCert:   "off",
		Landlock:     true,
		IndexDir:     "",
		IndexBudget:  200 * time.Millisecond,

		// Filters, vacation, spam.
		FilterLanguage:     "none",
		SieveScript:        "sieve/postern.sieve",
		SieveActive:        ".dovecot.sieve",
		Sievec:             "/usr/bin/sievec",
		MaildropFilter:     ".mailfilter",
		Maildrop:           "/usr/bin/maildrop",
		Mailbot:            "/usr/bin/mailbot",
		VacationSendmail:   "/usr/sbin/sendmail",
		LandlockFilterExec: "/usr/bin/doveconf",
		LandlockFilterRead: "/etc/dovecot /usr/share/dovecot /etc/hosts /etc/host.conf /etc/resolv.conf /etc/maildroprc",
		Junk:               "Junk",
		LearnSpam:          "",
		LearnHam:           "",
		LandlockLearnRead:  "/usr/share/perl5 /usr/share/perl /etc/perl /usr/share/spamassassin /etc/spamassassin /etc/mail/spamassassin /var/lib/spamassassin /etc/hosts /etc/resolv.conf",
		LandlockLearnWrite: "%h",

		// Compose and send.
		MailDomain:        "",
		Identities:        "",
		SendmailWrapper:   "",
		MaxAttachmentSize: 25 << 20,
		MaxMessageSize:    50 << 20,
		// The sandbox of a send: Postfix's sendmail, its set-group-id
		// postdrop, and the queue directory postdrop writes.
		LandlockSendExec:  "/usr/sbin/sendmail /usr/sbin/postdrop",
		LandlockSendRead:  "/etc/postfix",
		LandlockSendWrite: "/var/spool/postfix/maildrop",

		// Signed and encrypted mail.
		Crypto:            false,
		CryptoOpenPGP:     true,
		CryptoSMIME:       true,
		GPGPath:           "/usr/bin/gpg",
		GPGSMPath:         "/usr/bin/gpgsm",
		GnuPGHome:         ".gnupg",
		GnuPGTimeout:      10 * time.Second,
		GnuPGMaxOutput:    32 << 20,
		LandlockGnuPGExec: "/usr/bin/gpg /usr/bin/gpgsm /usr/bin/gpg-agent /usr/bin/gpgconf /usr/bin/gpg-connect-agent /usr/lib/gnupg",

		// The site's directory: none.
		DirectoryFilter:     "(|(cn=%s*)(sn=%s*)(givenName=%s*)(mail=%s*))",
		DirectoryAttributes: "name=cn mail=mail organisation=o phone=telephoneNumber",
		DirectorySizeLimit:  20,
		DirectoryTimeout:    2 * time.Second,
	}
}

// GnuPGHomeFor is the GnuPG home of a user whose home directory is home:
// gnupg_home with "%u" replaced, under home when relative.
func (c *Config) GnuPGHomeFor(user, home string) string {
	h := ForUser(c.GnuPGHome, user)
	if !filepath.IsAbs(h) {
		h = filepath.Join(home, h)
	}
	return filepath.Clean(h)
}

// Keys returns every key of postern.conf in the order Format writes them.
func Keys() []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.name
	}
	return out
}
