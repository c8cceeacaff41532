package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want func(c *Config) // changes from Default
	}{
		{"", func(c *Config) {}},
		// comments and blank lines only
		{"# comment\n\n   # indented comment\n\t\n", func(c *Config) {}},
		{"auth = shadow\nshadow_file = /etc/shadow.postern\n", func(c *Config) { c.Auth = "shadow"; c.ShadowFile = "/etc/shadow.postern" }},
		// no spaces around '=', CRLF line ends
		{"auth=webpass\r\npage_size=500\r\n", func(c *Config) { c.Auth = "webpass"; c.PageSize = 500 }},
		{"session_idle = 1h30m\nsession_max = 24h\n", func(c *Config) { c.SessionIdle = 90 * time.Minute; c.SessionMax = 24 * time.Hour }},
		// account_cache takes 0 (off), unlike the other durations
		{"account_cache = 0\n", func(c *Config) { c.AccountCache = 0 }},
		{"account_cache = 5m\n", func(c *Config) { c.AccountCache = 5 * time.Minute }},
		// booleans in every spelling, case-insensitive
		{"bind_ip = No\nallow_unbound = off\n", func(c *Config) { c.BindIP = false; c.AllowUnbound = false }},
		{"bind_ip = 0\nallow_unbound = FALSE\n", func(c *Config) { c.BindIP = false; c.AllowUnbound = false }},
		// '#' inside a value is part of it; '=' after the first too
		{"site_name = Mail #1 = best\n", func(c *Config) { c.SiteName = "Mail #1 = best" }},
		{"web_user = www-data\nanon_user = postern-anon\nmin_uid = 500\n", func(c *Config) { c.WebUser = "www-data"; c.AnonUser = "postern-anon"; c.MinUID = 500 }},
		// an empty value clears an optional string
		{"web_user =\ntemplate_dir =\nsite_name =\n", func(c *Config) { c.SiteName = "" }},
		{"maildir = /var/mail/%u/Maildir\n", func(c *Config) { c.Maildir = "/var/mail/%u/Maildir" }},
		{"maildir = .mail/Maildir\ntemplate_dir = /etc/postern/templates\n", func(c *Config) { c.Maildir = ".mail/Maildir"; c.TemplateDir = "/etc/postern/templates" }},
		{"trash = Deleted Items\nsent = Archive.Sent\ndrafts = Entwürfe\n", func(c *Config) { c.Trash = "Deleted Items"; c.Sent = "Archive.Sent"; c.Drafts = "Entwürfe" }},
		// page_size at the lower bound
		{"page_size = 5\npam_service = webmail\nwebpass_root = /srv/mail\nwebpass_file = /etc/postern/passwd\n", func(c *Config) {
			c.PageSize = 5
			c.PAMService = "webmail"
			c.WebpassRoot = "/srv/mail"
			c.WebpassFile = "/etc/postern/passwd"
		}},
	}
	for _, tt := range tests {
		want := Default()
		tt.want(want)
		got, err := Parse(strings.NewReader(tt.in))
		if err != nil {
			t.Errorf("Parse(%q) error %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		want []string // substrings of the error, in order
	}{
		{"foo = bar\n", []string{`line 1: unknown key "foo"`}},
		// keys are case-sensitive
		{"\nAuth = pam\n", []string{`line 2: unknown key "Auth"`}},
		{"auth pam\n", []string{"line 1: missing '='"}},
		// a second occurrence names the first
		{"auth = pam\n# x\nauth = shadow\n", []string{"line 3: duplicate key auth (first set on line 1)"}},
		{"auth = ldap\n", []string{`line 1: auth: "ldap" is not one of pam, shadow, webpass`}},
		{"page_size = 4\n", []string{"line 1: page_size: 4 is out of range 5..500"}},
		{"page_size = 501\n", []string{"out of range"}},
		{"min_uid = 0\n", []string{"min_uid: 0 is out of range"}},
		{"min_uid = 1e3\n", []string{`min_uid: "1e3" is not an integer`}},
		{"session_idle = 30\n", []string{"session_idle: \"30\" is not a duration"}},
		{"session_max = -1h\n", []string{"session_max: \"-1h\" is not positive"}},
		{"session_idle = 0s\n", []string{"not positive"}},
		{"account_cache = -1s\n", []string{"account_cache: \"-1s\" is not positive"}},
		{"account_cache = soon\n", []string{"is not a duration"}},
		{"bind_ip = maybe\n", []string{`bind_ip: "maybe" is not yes or no`}},
		{"shadow_file = shadow\n", []string{"not an absolute path"}},
		// an absolute Maildir shared by all users
		{"maildir = /var/mail/Maildir\n", []string{"must contain %u"}},
		{"maildir = ../other/Maildir\n", []string{"may not contain .."}},
		{"maildir = Mail/%s\n", []string{"only %u may follow %"}},
		{"maildir =\n", []string{"empty Maildir path"}},
		{"template_dir = templates\n", []string{"not an absolute path"}},
		{"web_user = www data\n", []string{"not a user name"}},
		{"anon_user =\n", []string{"not a user name"}},
		{"pam_service = ../passwd\n", []string{"not a PAM service name"}},
		{"trash = INBOX\n", []string{"not a usable folder name"}},
		{"sent = a..b\n", []string{"not a usable folder name"}},
		{"drafts = ../x\n", []string{"not a usable folder name"}},
		{"site_name = a\x00b\n", []string{"site_name: control character"}},
		{"filter_language = procmail\n", []string{`filter_language: "procmail" is not one of none, sieve, maildrop`}},
		{"sieve_script = ../x.sieve\n", []string{"not a path without .."}},
		{"sieve_active = a b\n", []string{"not a path without"}},
		{"maildrop_filter = %s/x\n", []string{"only %u and %h may follow %"}},
		{"sievec = sievec\n", []string{"not an absolute path"}},
		{"mailbot = /usr/bin/mail bot\n", []string{"not an absolute path"}},
		{"junk = INBOX\n", []string{"not a usable folder name"}},
		// a command is a program and fixed arguments, no shell
		{"learn_spam = sa-learn --spam\n", []string{"not an absolute path"}},
		{"learn_ham = /usr/bin/sa-learn --ham %u\n", []string{"arguments are fixed"}},
		{"landlock_learn_write = ~/.spamassassin\n", []string{"not an absolute path"}},
		{"landlock_learn_read = %h/../x\n", []string{"not an absolute path without .."}},
		// every error is reported, not only the first
		{"foo = 1\nauth = x\npage_size = 1\nbar\n", []string{"line 1:", "line 2:", "line 3:", "line 4:"}},
		{"site_name = " + strings.Repeat("x", MaxLineBytes) + "\n", []string{"line 1: line longer than"}},
		{strings.Repeat("# padding padding padding\n", MaxBytes/20), []string{"larger than"}},
	}
	for _, tt := range tests {
		c, err := Parse(strings.NewReader(tt.in))
		if err == nil {
			t.Errorf("Parse(%.60q) = %+v, want error", tt.in, c)
			continue
		}
		if c != nil {
			t.Errorf("Parse(%.60q) returned a Config with error %v", tt.in, err)
		}
		msg, rest := err.Error(), err.Error()
		if !strings.HasPrefix(msg, "config: ") {
			t.Errorf("Parse(%.60q) error %q lacks the package prefix", tt.in, msg)
		}
		for _, w := range tt.want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("Parse(%.60q) error = %q, want it to contain %q", tt.in, msg, w)
				break
			}
			rest = rest[i+len(w):]
		}
	}
}

func TestFormatRoundTrip(t *testing.T) {
	c := Default()
	c.Auth = "webpass"
	c.WebUser = ""
	c.TemplateDir = "/etc/postern/t"
	c.SessionIdle = 90 * time.Second
	c.BindIP = false
	c.SiteName = "  "
	c.SiteName = "Mail # of the house"
	got, err := Parse(strings.NewReader(Format(c)))
	if err != nil {
		t.Fatalf("Parse(Format(c)) error %v\n%s", err, Format(c))
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("Parse(Format(c)) = %+v, want %+v", got, c)
	}
}

// TestKeys checks that every key is formatted, exactly once, and that every
// Config field has a key: a new field without a key fails here.
func TestKeys(t *testing.T) {
	ks := Keys()
	if n := reflect.TypeOf(Config{}).NumField(); len(ks) != n {
		t.Errorf("len(Keys()) = %d, want %d (one per Config field)", len(ks), n)
	}
	lines := strings.Split(strings.TrimSuffix(Format(Default()), "\n"), "\n")
	seen := map[string]bool{}
	for i, line := range lines {
		name, _, _ := strings.Cut(line, " =")
		if seen[name] {
			t.Errorf("Keys() repeats %q", name)
		}
		seen[name] = true
		if i < len(ks) && ks[i] != name {
			t.Errorf("Keys()[%d] = %q, want %q (Format order)", i, ks[i], name)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Format(Default()))
	f.Add("auth = shadow\nsite_name = # x\n")
	f.Add("session_idle = 1.5h\nmin_uid = +0100\nbind_ip = ON\n")
	f.Add("site_name = \xff\xfe\n")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := Parse(strings.NewReader(in))
		if err != nil {
			return
		}
		out := Format(c)
		c2, err := Parse(strings.NewReader(out))
		if err != nil {
			t.Fatalf("Parse(Format(Parse(%q))) error %v\nformatted:\n%s", in, err, out)
		}
		if !reflect.DeepEqual(c, c2) {
			t.Fatalf("Parse(Format(c)) = %+v, want %+v", c2, c)
		}
		if Format(c2) != out {
			t.Fatalf("Format is not stable for %q", in)
		}
	})
}

func TestComposeKeys(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"mail_domain = example.org", true},
		{"mail_domain = bücher.example", true}, // an IDN, converted when sending
		{"mail_domain = a@example.org", false}, // a domain, not an address
		{"mail_domain = .example.org", false},
		{"identities = %u@example.org, %u@lists.example.org", true},
		{"identities = sales@example.org", true},      // a shared address, allowed by the admin
		{"identities = %u", false},                    // no domain
		{"identities = %s@example.org", false},        // only %u may follow %
		{"identities = Name <%u@example.org>", false}, // addresses only, never display names
		{"sendmail_wrapper = /usr/lib/postern/sendmail", true},
		{"sendmail_wrapper = sendmail", false}, // must be absolute
		{"max_attachment_size = 1048576", true},
		{"max_attachment_size = 10", false}, // below 1 KiB
		{"max_message_size = 0", false},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.in + "\n"))
		if (err == nil) != tt.ok {
			t.Errorf("Parse(%q) = %v, want ok %v", tt.in, err, tt.ok)
		}
	}
	if got := SplitIdentities(" a@b , ,%u@c "); len(got) != 2 || got[0] != "a@b" || got[1] != "%u@c" {
		t.Errorf("SplitIdentities = %q, want [a@b %%u@c]", got)
	}
}

func TestForAccount(t *testing.T) {
	tests := []struct{ in, want string }{
		{"sieve/postern.sieve", "/home/al/sieve/postern.sieve"},
		{".dovecot.sieve", "/home/al/.dovecot.sieve"},
		{"%h/.spamassassin", "/home/al/.spamassassin"},
		{"/var/sieve/%u/postern.sieve", "/var/sieve/al/postern.sieve"},
	}
	for _, tt := range tests {
		if got := ForAccount(tt.in, "al", "/home/al"); got != tt.want {
			t.Errorf("ForAccount(%q, al, /home/al) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Command(" /usr/bin/sa-learn  --spam "); len(got) != 2 || got[0] != "/usr/bin/sa-learn" || got[1] != "--spam" {
		t.Errorf("Command(sa-learn --spam) = %q", got)
	}
}

func TestCheckWebAuthn(t *testing.T) {
	for _, tc := range []struct {
		conf string
		errs int
	}{
		{"", 0},
		{"webauthn = yes\nwebauthn_rp_id = mail.example.org", 0},
		{"webauthn = yes\nwebauthn_rp_id = example.org\nwebauthn_origins = https://mail.example.org, https://example.org:8443", 0},
		{"webauthn = yes\nwebauthn_rp_id = localhost\nwebauthn_origins = http://localhost:8080", 0},
		{"webauthn = yes", 1},              // no relying party id
		{"webauthn_passwordless = yes", 1}, // without webauthn
		{"webauthn = yes\nwebauthn_rp_id = mail.example.org\nwebauthn_origins = https://example.org", 1}, // origin above the id
		{"webauthn = yes\nwebauthn_rp_id = example.org\nwebauthn_origins = https://evil-example.org", 1}, // not below: a suffix of letters is not a domain
	} {
		c, err := Parse(strings.NewReader(tc.conf))
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.conf, err)
		}
		if got := c.CheckWebAuthn(); len(got) != tc.errs {
			t.Errorf("CheckWebAuthn(%q) = %v, want %d error(s)", tc.conf, got, tc.errs)
		}
	}
	for _, bad := range []string{
		"webauthn_rp_id = 192.0.2.1",
		"webauthn_rp_id = https://mail.example.org",
		"webauthn_rp_id = mail.example.org:443",
		"webauthn_origins = http://mail.example.org",
		"webauthn_origins = https://mail.example.org/path",
		"webauthn_origins = mail.example.org",
	} {
		if _, err := Parse(strings.NewReader(bad)); err == nil {
			t.Errorf("Parse(%q) accepted it", bad)
		}
	}
}
