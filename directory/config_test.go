package directory

import (
	"errors"
	"testing"
	"time"
)

// TestCheck: each reason a configuration cannot work that needs no LDAP
// parsing is reported (ldapsearch's TestCheck has the others).
func TestCheck(t *testing.T) {
	good := func() *Config {
		return &Config{URI: "ldaps://ldap.example.org", Base: "ou=people,dc=example,dc=org",
			Filter: DefaultFilter, Attributes: DefaultAttributes, SizeLimit: DefaultSizeLimit, Timeout: DefaultTimeout}
	}
	if err := good().Check(); err != nil {
		t.Fatalf("Check(good) = %v", err)
	}
	for _, tt := range []struct {
		name string
		edit func(c *Config)
	}{
		{"no uri", func(c *Config) { c.URI = "" }},
		{"http", func(c *Config) { c.URI = "http://ldap.example.org" }},
		{"ldapi", func(c *Config) { c.URI = "ldapi:///run/slapd/ldapi" }}, // not supported
		{"no host", func(c *Config) { c.URI = "ldap://" }},
		{"dn in uri", func(c *Config) { c.URI = "ldap://h/dc=example,dc=org" }}, // the base has its key
		{"user in uri", func(c *Config) { c.URI = "ldap://me@h" }},
		{"bad uri", func(c *Config) { c.URI = "ldap://h:port" }},
		{"starttls on ldaps", func(c *Config) { c.StartTLS = true }},
		{"empty base", func(c *Config) { c.Base = "" }},
		{"bind dn without password", func(c *Config) { c.BindDN = "cn=reader,dc=example,dc=org" }},
		{"cleartext bind", func(c *Config) {
			c.URI, c.BindDN, c.BindPasswordFile = "ldap://ldap.example.org", "cn=reader,dc=example,dc=org", "/etc/postern/pw"
		}},
		{"filter without %s", func(c *Config) { c.Filter = "(objectClass=*)" }},
		{"no mail attribute", func(c *Config) { c.Attributes = "name=cn" }},
		{"unknown field", func(c *Config) { c.Attributes = "mail=mail photo=jpegPhoto" }},
		{"field twice", func(c *Config) { c.Attributes = "mail=mail mail=email" }},
		{"attribute with options", func(c *Config) { c.Attributes = "mail=mail;lang-en" }},
		{"size limit 0", func(c *Config) { c.SizeLimit = 0 }},
		{"size limit too big", func(c *Config) { c.SizeLimit = MaxSizeLimit + 1 }},
		{"no time", func(c *Config) { c.Timeout = 0 }},
	} {
		c := good()
		tt.edit(c)
		if err := c.Check(); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: Check() = %v, want ErrConfig", tt.name, err)
		}
	}
	// A bind over TLS, or in the clear to this machine, is fine.
	for _, edit := range []func(c *Config){
		func(c *Config) { c.BindDN, c.BindPasswordFile = "cn=reader,dc=example,dc=org", "/x" },
		func(c *Config) {
			c.URI, c.StartTLS, c.BindDN, c.BindPasswordFile = "ldap://ldap.example.org", true, "cn=r,dc=example,dc=org", "/x"
		},
		func(c *Config) {
			c.URI, c.BindDN, c.BindPasswordFile = "ldap://127.0.0.1:3890", "cn=r,dc=example,dc=org", "/x"
		},
		func(c *Config) { c.Timeout = 100 * time.Millisecond; c.Attributes = "mail=mail" },
	} {
		c := good()
		edit(c)
		if err := c.Check(); err != nil {
			t.Errorf("Check(%+v) = %v, want nil", c, err)
		}
	}
}
