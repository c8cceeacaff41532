package ldapsearch

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"postern/directory"
)

// TestCheck: each reason a configuration cannot work is reported, those
// of directory.Config.Check and those that need the library or a file.
func TestCheck(t *testing.T) {
	good := func() *directory.Config {
		return &directory.Config{URI: "ldaps://ldap.example.org", Base: "ou=people,dc=example,dc=org",
			Filter: directory.DefaultFilter, Attributes: directory.DefaultAttributes, SizeLimit: directory.DefaultSizeLimit, Timeout: directory.DefaultTimeout}
	}
	if err := Check(good()); err != nil {
		t.Fatalf("Check(good) = %v", err)
	}
	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		edit func(c *directory.Config)
	}{
		{"no uri", func(c *directory.Config) { c.URI = "" }},
		{"http", func(c *directory.Config) { c.URI = "http://ldap.example.org" }},
		{"ldapi", func(c *directory.Config) { c.URI = "ldapi:///run/slapd/ldapi" }}, // not supported
		{"no host", func(c *directory.Config) { c.URI = "ldap://" }},
		{"dn in uri", func(c *directory.Config) { c.URI = "ldap://h/dc=example,dc=org" }}, // the base has its key
		{"user in uri", func(c *directory.Config) { c.URI = "ldap://me@h" }},
		{"bad uri", func(c *directory.Config) { c.URI = "ldap://h:port" }},
		{"starttls on ldaps", func(c *directory.Config) { c.StartTLS = true }},
		{"empty base", func(c *directory.Config) { c.Base = "" }},
		{"base not a dn", func(c *directory.Config) { c.Base = "example.org" }},
		{"base unbalanced", func(c *directory.Config) { c.Base = "dc=example,dc" }},
		{"bind dn not a dn", func(c *directory.Config) { c.BindDN, c.BindPasswordFile = "reader", "/etc/postern/pw" }},
		{"bind dn without password", func(c *directory.Config) { c.BindDN = "cn=reader,dc=example,dc=org" }},
		{"cleartext bind", func(c *directory.Config) {
			c.URI, c.BindDN, c.BindPasswordFile = "ldap://ldap.example.org", "cn=reader,dc=example,dc=org", "/etc/postern/pw"
		}},
		{"filter without %s", func(c *directory.Config) { c.Filter = "(objectClass=*)" }},
		{"filter not compiling", func(c *directory.Config) { c.Filter = "(cn=%s" }},
		{"no mail attribute", func(c *directory.Config) { c.Attributes = "name=cn" }},
		{"unknown field", func(c *directory.Config) { c.Attributes = "mail=mail photo=jpegPhoto" }},
		{"field twice", func(c *directory.Config) { c.Attributes = "mail=mail mail=email" }},
		{"attribute with options", func(c *directory.Config) { c.Attributes = "mail=mail;lang-en" }},
		{"size limit 0", func(c *directory.Config) { c.SizeLimit = 0 }},
		{"size limit too big", func(c *directory.Config) { c.SizeLimit = directory.MaxSizeLimit + 1 }},
		{"no time", func(c *directory.Config) { c.Timeout = 0 }},
		{"ca missing", func(c *directory.Config) { c.CAFile = "/nonexistent/ca.pem" }},
		{"ca not pem", func(c *directory.Config) { c.CAFile = notPEM }},
	} {
		c := good()
		tt.edit(c)
		if err := Check(c); !errors.Is(err, directory.ErrConfig) {
			t.Errorf("%s: Check() = %v, want directory.ErrConfig", tt.name, err)
		}
	}
	// A bind over TLS, or in the clear to this machine, is fine.
	for _, edit := range []func(c *directory.Config){
		func(c *directory.Config) { c.BindDN, c.BindPasswordFile = "cn=reader,dc=example,dc=org", "/x" },
		func(c *directory.Config) {
			c.URI, c.StartTLS, c.BindDN, c.BindPasswordFile = "ldap://ldap.example.org", true, "cn=r,dc=example,dc=org", "/x"
		},
		func(c *directory.Config) {
			c.URI, c.BindDN, c.BindPasswordFile = "ldap://127.0.0.1:3890", "cn=r,dc=example,dc=org", "/x"
		},
		func(c *directory.Config) { c.Timeout = 100 * time.Millisecond; c.Attributes = "mail=mail" },
	} {
		c := good()
		edit(c)
		if err := Check(c); err != nil {
			t.Errorf("Check(%+v) = %v, want nil", c, err)
		}
	}
}
