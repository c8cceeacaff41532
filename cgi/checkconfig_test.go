package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"postern/gate"
	"postern/httpcgi"
	"strings"
	"testing"
	"time"

	"postern/config"
	"postern/directory"
	"postern/internal/helpertest"
)

// fakeSystem knows the users www-data, nobody and root, and the files in
// files (directories end in '/').
func fakeSystem(files ...string) lookup {
	users := map[string]*user.User{
		"www-data": {Username: "www-data", Uid: "33", Gid: "33"},
		"nobody":   {Username: "nobody", Uid: "65534", Gid: "65534"},
		"root":     {Username: "root", Uid: "0", Gid: "0"},
	}
	return lookup{
		user: func(name string) (*user.User, error) {
			if u, ok := users[name]; ok {
				return u, nil
			}
			return nil, user.UnknownUserError(name)
		},
		stat: func(path string) (fs.FileInfo, error) {
			for _, f := range files {
				if strings.TrimSuffix(f, "/") == path {
					return fakeInfo{dir: strings.HasSuffix(f, "/")}, nil
				}
			}
			// The configuration file itself is real.
			if strings.HasPrefix(path, os.TempDir()) {
				return os.Stat(path)
			}
			return nil, &fs.PathError{Op: "stat", Path: path, Err: fs.ErrNotExist}
		},
	}
}

type fakeInfo struct{ dir bool }

func (f fakeInfo) Name() string { return "x" }
func (f fakeInfo) Size() int64  { return 0 }
func (f fakeInfo) Mode() fs.FileMode {
	return map[bool]fs.FileMode{true: fs.ModeDir | 0o755, false: 0o644}[f.dir]
}
func (f fakeInfo) ModTime() time.Time { return time.Time{} }
func (f fakeInfo) IsDir() bool        { return f.dir }
func (f fakeInfo) Sys() any           { return nil }

func writeConfFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "postern.conf")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// postfixPaths are the defaults of landlock_send_exec, _read and _write.
var postfixPaths = []string{"/usr/sbin/sendmail", "/usr/sbin/postdrop", "/etc/postfix/", "/var/spool/postfix/maildrop/"}

func TestCheckConfig(t *testing.T) {
	// The directory's DNs and filter are checked by postern-helper.
	defer func(p string) { config.DefaultHelper = p }(config.DefaultHelper)
	config.DefaultHelper = helpertest.Build(t)
	tests := []struct {
		name       string
		conf       string
		files      []string
		wantStatus int
		want       []string // each must appear on a line of its own
		wantNot    []string
	}{
		{"good", "auth = pam\nweb_user = www-data\n", append([]string{"/etc/pam.d/postern", config.LoginHelper}, postfixPaths...), gate.ExitOK,
			[]string{": ok (auth = pam)"}, []string{"warning"}},
		// The MTA's paths of the send sandbox: missing ones are named;
		// those with %u differ per user and are not looked at.
		{"send paths missing", "auth = pam\nweb_user = www-data\nlandlock_send_read = /etc/postfix /etc/msmtprc /home/%u/.msmtprc\n", append([]string{"/etc/pam.d/postern", config.LoginHelper}, postfixPaths[:3]...), gate.ExitOK,
			[]string{"warning: landlock_send_read: /etc/msmtprc does not exist", "warning: landlock_send_write: /var/spool/postfix/maildrop does not exist"}, []string{"/etc/postfix does", "%u"}},
		{"send paths without landlock", "auth = pam\nweb_user = www-data\nlandlock = no\n", []string{"/etc/pam.d/postern", config.LoginHelper}, gate.ExitOK,
			nil, []string{"warning"}},
		// Every bad line is reported, not only the first.
		{"three bad lines", "auth = ldap\n# fine\nfoo = bar\nmin_uid = -1\nno equals sign\npage_size = 50\n", nil, gate.ExitConfig,
			[]string{"line 1: auth", "line 3: unknown key \"foo\"", "line 4: min_uid", "line 5: missing '='", ": 4 error(s)"}, []string{"line 2", "line 6"}},
		{"duplicate", "auth = pam\nauth = shadow\n", nil, gate.ExitConfig,
			[]string{"line 2: duplicate key auth (first set on line 1)"}, nil},
		{"missing pam file", "web_user = www-data\n", nil, gate.ExitConfig,
			[]string{"pam_service = postern: stat /etc/pam.d/postern"}, nil},
		{"missing login helper", "web_user = www-data\n", []string{"/etc/pam.d/postern"}, gate.ExitConfig,
			[]string{"auth = pam: the login helper " + config.LoginHelper}, nil},
		{"unknown web_user", "web_user = nosuchuser\n", []string{"/etc/pam.d/postern", config.LoginHelper}, gate.ExitConfig,
			[]string{"web_user = nosuchuser: user: unknown user nosuchuser"}, nil},
		// An empty web_user is allowed but worth a word.
		{"no web_user", "", []string{"/etc/pam.d/postern", config.LoginHelper}, gate.ExitOK,
			[]string{"warning: web_user is not set"}, nil},
		{"root anon_user", "web_user = www-data\nanon_user = root\n", []string{"/etc/pam.d/postern", config.LoginHelper}, gate.ExitConfig,
			[]string{"anon_user = root: uid or gid 0"}, nil},
		{"shadow missing", "auth = shadow\nshadow_file = /nonexistent\nweb_user = www-data\n", nil, gate.ExitConfig,
			[]string{"shadow_file = /nonexistent"}, []string{"pam_service"}},
		// webpass_root must be a directory.
		{"webpass root is a file", "auth = webpass\nwebpass_root = /srv/users\nweb_user = www-data\n", []string{"/srv/users"}, gate.ExitConfig,
			[]string{"webpass_root = /srv/users: not a directory"}, nil},
		{"webpass ok", "auth = webpass\nwebpass_root = /srv/users\nweb_user = www-data\n", []string{"/srv/users/"}, gate.ExitOK,
			[]string{"ok (auth = webpass)"}, nil},
		{"template dir missing", "web_user = www-data\ntemplate_dir = /srv/brand\n", []string{"/etc/pam.d/postern", config.LoginHelper}, gate.ExitConfig,
			[]string{"template_dir = /srv/brand"}, nil},
		// The site's directory: its URI and base parse, its password
		// file exists and is readable by the users, not by everyone.
		{"directory", "web_user = www-data\ndirectory_uri = ldaps://ldap.example.org\ndirectory_base = ou=people,dc=example,dc=org\n", append([]string{"/etc/pam.d/postern", config.LoginHelper}, postfixPaths...), gate.ExitOK,
			[]string{": ok (auth = pam)"}, []string{"warning", "bad configuration"}},
		{"directory base not a DN", "web_user = www-data\ndirectory_uri = ldaps://ldap.example.org\ndirectory_base = example.org\n", []string{"/etc/pam.d/postern", config.LoginHelper}, gate.ExitConfig,
			[]string{`directory: bad configuration: base "example.org" is not a DN`}, nil},
		{"directory uri with a DN", "web_user = www-data\ndirectory_uri = ldap://ldap.example.org/dc=example,dc=org\ndirectory_base = dc=example,dc=org\n", []string{"/etc/pam.d/postern", config.LoginHelper}, gate.ExitConfig,
			[]string{"want scheme://host[:port] only"}, nil},
		{"directory filter", "web_user = www-data\ndirectory_uri = ldaps://h\ndirectory_base = dc=example,dc=org\ndirectory_filter = (cn=%s\n", []string{"/etc/pam.d/postern", config.LoginHelper}, gate.ExitConfig,
			[]string{"directory: bad configuration: filter"}, nil},
		{"directory cleartext bind", "web_user = www-data\ndirectory_uri = ldap://ldap.example.org\ndirectory_base = dc=example,dc=org\ndirectory_bind_dn = cn=reader,dc=example,dc=org\ndirectory_bind_password_file = /etc/postern/ldap.pw\n", []string{"/etc/pam.d/postern", config.LoginHelper, "/etc/postern/ldap.pw"}, gate.ExitConfig,
			[]string{"without TLS"}, nil},
		{"directory password file for everyone", "web_user = www-data\ndirectory_uri = ldaps://ldap.example.org\ndirectory_base = dc=example,dc=org\ndirectory_bind_dn = cn=reader,dc=example,dc=org\ndirectory_bind_password_file = /etc/postern/ldap.pw\n", append([]string{"/etc/pam.d/postern", config.LoginHelper, "/etc/postern/ldap.pw"}, postfixPaths...), gate.ExitOK,
			[]string{"warning: directory_bind_password_file = /etc/postern/ldap.pw: readable by every local account"}, nil},
		{"directory password file missing", "web_user = www-data\ndirectory_uri = ldaps://ldap.example.org\ndirectory_base = dc=example,dc=org\ndirectory_bind_dn = cn=reader,dc=example,dc=org\ndirectory_bind_password_file = /etc/postern/ldap.pw\n", []string{"/etc/pam.d/postern", config.LoginHelper}, gate.ExitConfig,
			[]string{"directory_bind_password_file = /etc/postern/ldap.pw: stat"}, nil},
		// The relying party id must be the origins' host or a suffix of it.
		{"webauthn ok", "web_user = www-data\nwebauthn = yes\nwebauthn_rp_id = example.org\nwebauthn_origins = https://mail.example.org\n", append([]string{"/etc/pam.d/postern", config.LoginHelper}, postfixPaths...), gate.ExitOK,
			[]string{": ok (auth = pam)"}, []string{"needs", "is not webauthn_rp_id"}},
		{"webauthn origin elsewhere", "web_user = www-data\nwebauthn = yes\nwebauthn_rp_id = mail.example.org\nwebauthn_origins = https://webmail.example.net\n", []string{"/etc/pam.d/postern", config.LoginHelper}, gate.ExitConfig,
			[]string{`webauthn_origins: the host of "https://webmail.example.net" is not webauthn_rp_id "mail.example.org"`}, nil},
		{"webauthn without rp id", "web_user = www-data\nwebauthn = yes\n", []string{"/etc/pam.d/postern", config.LoginHelper}, gate.ExitConfig,
			[]string{"webauthn = yes needs webauthn_rp_id"}, nil},
		{"idle longer than max", "web_user = www-data\nsession_idle = 2h\nsession_max = 1h\n", []string{"/etc/pam.d/postern", config.LoginHelper}, gate.ExitOK,
			[]string{"warning: session_idle 2h0m0s is longer than session_max 1h0m0s"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfFile(t, tt.conf)
			var out bytes.Buffer
			status := checkConfig(&out, path, fakeSystem(tt.files...))
			if status != tt.wantStatus {
				t.Errorf("checkConfig(%q) = %d, want %d; output:\n%s", tt.conf, status, tt.wantStatus, out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("checkConfig(%q) output:\n%s\nwant a line containing %q", tt.conf, out.String(), w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(out.String(), w) {
					t.Errorf("checkConfig(%q) output:\n%s\nwant no %q", tt.conf, out.String(), w)
				}
			}
		})
	}
}

// TestCheckConfigOneLinePerError: each error of a file with many bad lines
// is on a line of its own that names the file.
func TestCheckConfigOneLinePerError(t *testing.T) {
	var conf strings.Builder
	for i := range 10 {
		fmt.Fprintf(&conf, "bad_key_%d = x\n", i)
	}
	path := writeConfFile(t, conf.String())
	var out bytes.Buffer
	if got := checkConfig(&out, path, fakeSystem()); got != gate.ExitConfig {
		t.Errorf("checkConfig = %d, want %d", got, gate.ExitConfig)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 11 {
		t.Fatalf("checkConfig wrote %d lines, want 10 errors and a summary:\n%s", len(lines), out.String())
	}
	for i, l := range lines[:10] {
		want := fmt.Sprintf("%s: line %d: unknown key \"bad_key_%d\"", path, i+1, i)
		if !strings.Contains(l, want) {
			t.Errorf("line %d = %q, want it to contain %q", i+1, l, want)
		}
	}
}

func TestCheckConfigMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.conf")
	var out bytes.Buffer
	checkConfig(&out, path, fakeSystem("/etc/pam.d/postern", config.LoginHelper))
	if !strings.Contains(out.String(), "does not exist; the compiled-in defaults apply") {
		t.Errorf("checkConfig(missing) output = %q, want it to say the defaults apply", out.String())
	}
}

func TestCommand(t *testing.T) {
	good := writeConfFile(t, "auth = pam\n")
	tests := []struct {
		name       string
		args       []string
		setuid     bool
		uid        int
		wantStatus int
		wantOut    string
		wantErr    string
	}{
		{"version", []string{"-version"}, true, 1000, gate.ExitOK, "postern " + version + "\nconfig: " + config.Path + "\nwrapper: " + config.DefaultWrapper + "\nlogin: " + config.LoginHelper + "\nhelper: " + config.DefaultHelper + "\n", ""},
		// A user may run the setuid binary but not read its configuration.
		{"check-config as user while setuid", []string{"-check-config"}, true, 1000, gate.ExitCaller, "", "-check-config is for root"},
		{"check-config as root", []string{"-check-config"}, true, 0, -1, "", ""},
		// Not setuid (virtual-user mode): nothing to protect.
		{"check-config not setuid", []string{"-check-config"}, false, 1000, -1, "", ""},
		{"no flag setuid", nil, true, 1000, gate.ExitNotCGI, "", "this is a CGI program"},
		{"no flag", nil, false, 1000, gate.ExitUsage, "", "this is a CGI program"},
		{"unknown flag", []string{"-config", "/tmp/x"}, false, 0, gate.ExitUsage, "", "flag provided but not defined"},
		// No argument may name a file.
		{"extra argument", []string{"-check-config", "/tmp/x"}, false, 0, gate.ExitUsage, "", "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			got := commandAs(tt.args, tt.setuid, tt.uid, good, &out, &errOut)
			if tt.wantStatus >= 0 && got != tt.wantStatus {
				t.Errorf("commandAs(%q, setuid=%v, uid=%d) = %d, want %d (stderr %q)", tt.args, tt.setuid, tt.uid, got, tt.wantStatus, errOut.String())
			}
			if tt.wantStatus < 0 && !strings.Contains(out.String(), good+":") {
				t.Errorf("commandAs(%q, setuid=%v, uid=%d) stdout = %q, want a report on %s", tt.args, tt.setuid, tt.uid, out.String(), good)
			}
			if tt.wantOut != "" && out.String() != tt.wantOut {
				t.Errorf("commandAs(%q) stdout = %q, want %q", tt.args, out.String(), tt.wantOut)
			}
			if !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("commandAs(%q) stderr = %q, want it to contain %q", tt.args, errOut.String(), tt.wantErr)
			}
		})
	}
}

// TestCheckConfigBrokenTemplate: requests parse only the page they show,
// so -check-config parses every page of template_dir and names the one
// that does not parse.
func TestCheckConfigBrokenTemplate(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"style.css":   "body{color:black}",
		"thread.html": `{{define "content"}}{{range}}{{end}}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := writeConfFile(t, "web_user = www-data\ntemplate_dir = "+dir+"\n")
	var out bytes.Buffer
	if status := checkConfig(&out, path, fakeSystem("/etc/pam.d/postern", config.LoginHelper)); status != gate.ExitConfig || !strings.Contains(out.String(), "thread.html") {
		t.Errorf("checkConfig with a broken thread.html = %d, output:\n%s\nwant %d and the file named", status, out.String(), gate.ExitConfig)
	}
	if err := os.Remove(filepath.Join(dir, "thread.html")); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if status := checkConfig(&out, path, fakeSystem("/etc/pam.d/postern", config.LoginHelper)); status != gate.ExitOK {
		t.Errorf("checkConfig with a good template_dir = %d, output:\n%s", status, out.String())
	}
}

// TestHTTPSReadings: the root room (which does not link httpcgi) and the
// app read the HTTPS variable the same way.
func TestHTTPSReadings(t *testing.T) {
	for _, v := range []string{"", "on", "ON", "On", "1", "off", "0", "yes", "true", " on", "on "} {
		if g, h := gate.HTTPSOn(v), httpcgi.HTTPSOn(v); g != h {
			t.Errorf("gate.HTTPSOn(%q) = %v, httpcgi.HTTPSOn = %v", v, g, h)
		}
	}
}

// TestPasswordFileWarning: the bind password file is read by each user's
// lookup, so a group must be able to read it; everyone is too many.
func TestPasswordFileWarning(t *testing.T) {
	for _, tt := range []struct {
		mode fs.FileMode
		want string
	}{
		{0o640, ""},
		{0o440, ""},
		{0o644, "readable by every local account"},
		{0o604, "readable by every local account"},
		{0o600, "readable only by its owner"},
		{0o400, "readable only by its owner"},
	} {
		if got := passwordFileWarning(tt.mode); !strings.Contains(got, tt.want) || (tt.want == "") != (got == "") {
			t.Errorf("passwordFileWarning(%o) = %q, want %q", tt.mode, got, tt.want)
		}
	}
}

// TestDirectoryDefaults: postern.conf's defaults are the directory
// package's (config does not import it: it is part of the root room).
func TestDirectoryDefaults(t *testing.T) {
	c := config.Default()
	if c.DirectoryFilter != directory.DefaultFilter || c.DirectoryAttributes != directory.DefaultAttributes ||
		c.DirectorySizeLimit != directory.DefaultSizeLimit || c.DirectoryTimeout != directory.DefaultTimeout {
		t.Errorf("config defaults %q, %q, %d, %v; directory's %q, %q, %d, %v",
			c.DirectoryFilter, c.DirectoryAttributes, c.DirectorySizeLimit, c.DirectoryTimeout,
			directory.DefaultFilter, directory.DefaultAttributes, directory.DefaultSizeLimit, directory.DefaultTimeout)
	}
}
