package gate

import (
	"os/exec"
	"strings"
	"testing"
)

// forbidden are the packages that parse what the root room must not:
// sessions, forms and cookies beyond the identity, mail, HTML, the search
// index, and the app itself.
var forbidden = []string{
	"postern/app", "postern/session", "postern/maildir", "postern/message", "postern/index",
	"postern/sanitize", "postern/compose", "postern/templates", "postern/twofactor", "postern/httpcgi", "postern/loginlog",
	"golang.org/x/net/html", "github.com/emersion/go-message", "github.com/mattn/go-sqlite3",
	"html/template", "mime/multipart", "encoding/json",
	"postern/directory", "github.com/go-ldap/ldap",
}

// TestRootRoomImports keeps the code that runs as root small: package gate
// and everything it depends on must not depend on the packages that parse
// mail, forms, sessions, HTML or SQLite (doc.go). A package that needs
// one of them belongs after the drop, in package app.
func TestRootRoomImports(t *testing.T) {
	deps := goList(t, "-deps", "postern/gate")
	if !contains(deps, "postern/privdrop") || !contains(deps, "postern/privdrop/rtenv") || !contains(deps, "postern/auth/checkpass") {
		t.Fatalf("go list -deps postern/gate = %q, lacks the root room's own packages", deps)
	}
	for _, dep := range deps {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, f+"/") {
				t.Errorf("postern/gate depends on %s, which must not run as root", dep)
			}
		}
	}
}

// TestRequestBinaryLinksNoPAM: the request binary (postern/cgi) is linked
// static, without libpam; PAM is postern-login's (postern/login, through
// auth/checkpass). A dependency on auth/pam or on the Go binding of libpam
// would link libpam again (and fail a static link).
func TestRequestBinaryLinksNoPAM(t *testing.T) {
	deps := goList(t, "-deps", "postern/cgi")
	if !contains(deps, "postern/gate") {
		t.Fatalf("go list -deps postern/cgi = %q, lacks postern/gate", deps)
	}
	for _, dep := range deps {
		if dep == "postern/auth/pam" || dep == "postern/login" || strings.HasPrefix(dep, "github.com/msteinert/pam") {
			t.Errorf("postern/cgi depends on %s: PAM belongs in postern-login", dep)
		}
	}
	if deps := goList(t, "-deps", "postern/login"); !contains(deps, "postern/auth/pam") {
		t.Errorf("go list -deps postern/login = %q, lacks postern/auth/pam", deps)
	}
}

// heavy are the packages the request binary leaves to postern-helper
// (helper/doc.go): every request maps what the binary links, and these
// cost page faults at every start (the WebAuthn library parses X.509
// roots at init; the LDAP client brings TLS and, through NTLM, HTTP).
// crypto/x509 and the public-key packages it brings have no use in a
// request (gnupg tells a certificate by its shape; gpg and gpgsm do the
// cryptography) and their package inits were 2% of a warm list.
var heavy = []string{
	"github.com/go-webauthn", "github.com/go-ldap", "net/http", "crypto/tls",
	"crypto/x509", "crypto/ecdsa", "crypto/rsa", "crypto/ed25519",
	"github.com/Azure/go-ntlmssp", "github.com/fxamacker/cbor", "github.com/google/go-tpm",
	"github.com/golang-jwt/jwt", "github.com/tinylib/msgp", "github.com/go-viper/mapstructure",
	"postern/passkey/ceremony", "postern/directory/ldapsearch",
}

// TestRequestBinaryLean: postern (package cgi) links none of heavy, and
// postern-helper does link the libraries (else this test proves nothing).
func TestRequestBinaryLean(t *testing.T) {
	isHeavy := func(dep string) bool {
		for _, h := range heavy {
			if dep == h || strings.HasPrefix(dep, h+"/") {
				return true
			}
		}
		return false
	}
	for _, dep := range goList(t, "-tags=sqlite_fts5", "-deps", "postern/cgi") {
		if isHeavy(dep) {
			t.Errorf("postern/cgi depends on %s, which belongs in postern-helper", dep)
		}
	}
	helper := goList(t, "-deps", "postern/helper")
	for _, want := range []string{"github.com/go-webauthn/webauthn/webauthn", "github.com/go-ldap/ldap/v3", "crypto/tls"} {
		if !contains(helper, want) {
			t.Errorf("postern/helper does not depend on %s", want)
		}
	}
}

// TestConfigImporters: only the three packages of the program read the
// configuration (STYLE.md); the libraries under them are given values.
func TestConfigImporters(t *testing.T) {
	allowed := map[string]bool{"postern/cgi": true, "postern/gate": true, "postern/app": true, "postern/config": true}
	for _, line := range goList(t, "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "postern/...") {
		pkg, imports, _ := strings.Cut(line, " ")
		if allowed[pkg] || strings.HasPrefix(pkg, "postern/e2e") {
			continue
		}
		for _, imp := range strings.Fields(imports) {
			if imp == "postern/config" || imp == "postern/gate" || imp == "postern/app" || imp == "postern/cgi" {
				t.Errorf("%s imports %s; only cgi, gate and app may", pkg, imp)
			}
		}
	}
}

// goList runs go list with args and returns its output's lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list %q: %v\n%s", args, err, out)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
