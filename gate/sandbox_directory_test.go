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
}

// TestDirectoryRules: the lookup's files are read-only in directoryRules
// and absent from userRules; nothing becomes executable or writable.
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
	if len(dir.Exec) != 0 || !slices.Equal(dir.RW, user.RW) || len(dir.Sockets) != 0 {
		t.Errorf("directoryRules = %+v, want userRules plus read-only paths only", dir)
	}
}

// TestDirectorySandbox looks the directory up for real under the real
// Landlock rulesets, in a child process of this test, over ldaps:// with
// the test CA and a bind password in files outside the Maildir: under
// directoryRules the lookup finds its entry; under userRules (every other
// request) it cannot read the CA file.
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
	for _, kind := range []string{"directory", "user"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDirectorySandbox$", "-test.v")
		cmd.Env = append(os.Environ(), "PT_DIRECTORY_CHILD="+kind, "PT_URI="+s.LDAPS, "PT_CA="+s.CAFile,
			"PT_PW="+pw, "PT_DIR="+t.TempDir())
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
	acct := &auth.Account{User: "pt", UID: os.Getuid(), Home: dir, Maildir: dir}
	rules := userRules(cfg, "", acct)
	if kind == "directory" {
		rules = directoryRules(cfg, "", acct)
	}
	if err := sandbox.Restrict(rules); err != nil {
		t.Fatalf("Restrict: %v", err)
	}
	d := &directory.Config{URI: cfg.DirectoryURI, CAFile: cfg.DirectoryCAFile, Base: cfg.DirectoryBase,
		Filter: cfg.DirectoryFilter, Attributes: cfg.DirectoryAttributes, BindDN: cfg.DirectoryBindDN,
		BindPasswordFile: cfg.DirectoryBindPasswordFile, SizeLimit: 10, Timeout: 5 * time.Second}
	res, err := directory.Search(context.Background(), d, "bob")
	switch kind {
	case "directory":
		if err != nil || len(res.Entries) != 1 {
			t.Fatalf("under directoryRules: Search = %+v, %v, want Bob", res, err)
		}
	case "user":
		if !errors.Is(err, directory.ErrConfig) || !strings.Contains(err.Error(), "permission denied") {
			t.Fatalf("under userRules: Search = %+v, %v, want the CA file refused", res, err)
		}
	}
}
