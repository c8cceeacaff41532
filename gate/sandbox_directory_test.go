package gate

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"postern/auth"
	"postern/config"
	"postern/directory"
	"postern/internal/helpertest"
	"postern/internal/slapdtest"
	"postern/internal/testenv"
	"postern/sandbox"
)

// TestLooksUpDirectory: only completion and the directory page may look
// the site's directory up; compose, the message page and the forms do
// not.
func TestLooksUpDirectory(t *testing.T) {
	for _, tt := range []struct {
		method, path string
		want         bool
	}{
		{"GET", "/complete", true},
		{"HEAD", "/complete", true}, // the app answers HEAD as GET
		{"GET", "/directory", true},
		{"HEAD", "/directory", true},
		{"POST", "/directory", false},
		{"POST", "/complete", false},
		{"GET", "/compose", false}, // never waits for the directory
		{"GET", "/msg", false},
		{"POST", "/send", false},
		{"GET", "/directory/", false},
	} {
		r := &Request{Method: tt.method, Path: tt.path}
		if got := r.LooksUpDirectory(); got != tt.want {
			t.Errorf("Request{%s %s}.LooksUpDirectory() = %v, want %v", tt.method, tt.path, got, tt.want)
		}
	}
	cfg := config.Default()
	req := &Request{Method: "GET", Path: "/directory"}
	if siteDirectory(cfg, req) {
		t.Error("siteDirectory without directory_uri = true")
	}
	cfg.DirectoryURI = "ldaps://ldap.example.org"
	if !siteDirectory(cfg, req) {
		t.Error("siteDirectory(GET /directory) with directory_uri = false")
	}
	// The lookups run postern-helper on a site with a directory only.
	for _, path := range []string{"/directory", "/complete"} {
		req := &Request{Method: "GET", Path: path}
		if got := siteProgram(cfg, req); got != RunsHelper {
			t.Errorf("siteProgram(directory_uri set, GET %s) = %s, want helper", path, got)
		}
		if got := siteProgram(config.Default(), req); got != RunsNothing {
			t.Errorf("siteProgram(no directory, GET %s) = %s, want nothing", path, got)
		}
	}
}

// TestDirectoryRules: the lookup's files are read-only in directoryRules
// and absent from userRules; nothing becomes writable, and only
// postern-helper, which does the lookup, executable.
func TestDirectoryRules(t *testing.T) {
	cfg := config.Default()
	cfg.DirectoryCAFile, cfg.DirectoryBindPasswordFile = "/etc/postern/ldap-ca.pem", "/etc/postern/ldap.pw"
	acct := &auth.Account{User: "pt", UID: 1000, Home: "/home/pt", Maildir: "/home/pt/Maildir"}
	user, dir := userRules(cfg, "/etc/postern/postern.conf", acct), directoryRules(cfg, "/etc/postern/postern.conf", acct)
	for _, p := range []string{"/etc/resolv.conf", "/etc/ssl/certs", cfg.DirectoryCAFile, cfg.DirectoryBindPasswordFile} {
		if !slices.Contains(dir.RO, p) {
			t.Errorf("directoryRules RO lacks %s", p)
		}
		if slices.Contains(user.RO, p) {
			t.Errorf("userRules RO has %s", p)
		}
	}
	if !slices.Equal(dir.Exec, []string{config.DefaultHelper}) || !slices.Equal(dir.RW, user.RW) || len(dir.Sockets) != 0 {
		t.Errorf("directoryRules = %+v, want userRules plus read-only paths and %s executable only", dir, config.DefaultHelper)
	}
	if len(user.Exec) != 0 {
		t.Errorf("userRules.Exec = %q, want nothing", user.Exec)
	}
	// TCP: nothing for every request, the directory's port for these.
	cfg.DirectoryURI = "ldaps://127.0.0.1:6360"
	dir = directoryRules(cfg, "/etc/postern/postern.conf", acct)
	if !user.RestrictTCP || len(user.ConnectTCP) != 0 || !dir.RestrictTCP || !slices.Equal(dir.ConnectTCP, []uint16{6360}) {
		t.Errorf("TCP: userRules %v %v, directoryRules %v %v; want restricted, none; restricted, 6360",
			user.RestrictTCP, user.ConnectTCP, dir.RestrictTCP, dir.ConnectTCP)
	}
	// The requests that run a program, and GnuPG's, keep TCP.
	for kind, r := range map[string]sandbox.Rules{
		"send": runRules(cfg, "", acct, RunsSendmail), "gnupg": runRules(cfg, "", acct, RunsGnuPG),
	} {
		if r.RestrictTCP {
			t.Errorf("%s rules restrict TCP", kind)
		}
	}
}

// TestDirectorySandbox looks the directory up for real, through
// postern-helper, under the real Landlock rulesets, in a child process of
// this test, over ldaps:// with the test CA and a bind password in files
// outside the Maildir: under directoryRules the lookup finds its entry;
// under userRules (every request that runs nothing) the helper cannot
// even be executed; under runRules(RunsHelper) (a passkey ceremony's) it
// runs but cannot read the CA file. Anonymous over the server's plain
// port, where no file is read, TCP alone refuses it: under
// runRules(RunsHelper), and under directoryRules, which allow the
// ldaps:// port only.
func TestDirectorySandbox(t *testing.T) {
	if os.Getenv("PT_DIRECTORY_CHILD") != "" {
		directoryChild(t)
		return
	}
	if sandbox.ABI() < 2 {
		testenv.Lacking(t, "Landlock (ABI 2) not supported by this kernel")
	}
	s := slapdtest.Start(t, `dn: cn=Bob Staff,`+slapdtest.Staff+`
objectClass: inetOrgPerson
cn: Bob Staff
sn: Staff
mail: bob@example.org
`)
	pw := filepath.Join(t.TempDir(), "ldap.pw")
	if err := os.WriteFile(pw, []byte(slapdtest.ReaderPassword+"\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	helper := helpertest.Build(t)
	for _, kind := range []string{"directory", "user", "passkey", "other-port", "passkey-tcp"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDirectorySandbox$", "-test.v")
		cmd.Env = append(os.Environ(), "PT_DIRECTORY_CHILD="+kind, "PT_URI="+s.LDAPS, "PT_PLAIN="+s.URI, "PT_CA="+s.CAFile,
			"PT_PW="+pw, "PT_DIR="+t.TempDir(), "PT_HELPER="+helper)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s rules: child failed: %v\n%s", kind, err, out)
		}
	}
}

// directoryChild is the child of TestDirectorySandbox.
func directoryChild(t *testing.T) {
	kind, dir := os.Getenv("PT_DIRECTORY_CHILD"), os.Getenv("PT_DIR")
	cfg := config.Default()
	cfg.DirectoryURI, cfg.DirectoryBase = os.Getenv("PT_URI"), slapdtest.Suffix
	cfg.DirectoryCAFile, cfg.DirectoryBindPasswordFile = os.Getenv("PT_CA"), os.Getenv("PT_PW")
	cfg.DirectoryBindDN = slapdtest.ReaderDN
	config.DefaultHelper = os.Getenv("PT_HELPER")
	acct := &auth.Account{User: "pt", UID: os.Getuid(), Home: dir, Maildir: dir}
	rules := userRules(cfg, "", acct)
	switch kind {
	case "directory", "other-port":
		rules = directoryRules(cfg, "", acct)
	case "passkey", "passkey-tcp":
		rules = runRules(cfg, "", acct, RunsHelper)
	}
	if err := sandbox.Restrict(rules); err != nil {
		t.Fatalf("Restrict: %v", err)
	}
	if kind == "other-port" || kind == "passkey-tcp" {
		// Anonymous, in the clear, no file to read: only TCP can
		// refuse it.
		d := &directory.Config{URI: os.Getenv("PT_PLAIN"), Base: slapdtest.Suffix, Filter: directory.DefaultFilter,
			Attributes: directory.DefaultAttributes, SizeLimit: 10, Timeout: 5 * time.Second, Helper: config.DefaultHelper}
		res, err := directory.Search(context.Background(), d, "bob")
		if sandbox.ABI() >= 4 && (!errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), "permission denied")) {
			t.Fatalf("%s: Search of %s = %+v, %v; want the connection refused by Landlock", kind, d.URI, res, err)
		}
		return
	}
	d := &directory.Config{URI: cfg.DirectoryURI, CAFile: cfg.DirectoryCAFile, Base: cfg.DirectoryBase,
		Filter: cfg.DirectoryFilter, Attributes: cfg.DirectoryAttributes, BindDN: cfg.DirectoryBindDN,
		BindPasswordFile: cfg.DirectoryBindPasswordFile, SizeLimit: 10, Timeout: 5 * time.Second, Helper: config.DefaultHelper}
	res, err := directory.Search(context.Background(), d, "bob")
	switch kind {
	case "directory":
		if err != nil || len(res.Entries) != 1 {
			t.Fatalf("under directoryRules: Search = %+v, %v, want Bob", res, err)
		}
	case "user":
		if !errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), "permission denied") ||
			!strings.Contains(err.Error(), "the helper failed") {
			t.Fatalf("under userRules: Search = %+v, %v, want the helper's execution refused", res, err)
		}
	case "passkey":
		if !errors.Is(err, directory.ErrConfig) || !strings.Contains(err.Error(), "permission denied") {
			t.Fatalf("under runRules(RunsHelper): Search = %+v, %v, want the CA file refused", res, err)
		}
	}
}

// TestDirectoryPorts: the lookup may connect to the URI's port, the
// scheme's by default, and to the name servers' for a host by name.
func TestDirectoryPorts(t *testing.T) {
	for _, tt := range []struct {
		uri  string
		want []uint16
	}{
		{"ldap://127.0.0.1", []uint16{389}},
		{"ldaps://192.0.2.1", []uint16{636}},
		{"ldap://[::1]:3389", []uint16{3389}},
		{"ldaps://ldap.example.org", []uint16{636, 53}},
		{"ldap://ldap.example.org:10389", []uint16{10389, 53}},
		{"ldap://h:0", nil},
		{"ldap://h:99999", nil},
		{"http://h", nil},
	} {
		if got := directoryPorts(tt.uri); !slices.Equal(got, tt.want) {
			t.Errorf("directoryPorts(%q) = %v, want %v", tt.uri, got, tt.want)
		}
	}
}
