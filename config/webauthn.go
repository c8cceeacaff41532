package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// maxOrigins bounds webauthn_origins.
const maxOrigins = 16

// rpID accepts a relying party id: a host name (letters, digits, '-',
// '.'), not an IP address, no port, no scheme.
func rpID(v string) error {
	if net.ParseIP(v) != nil {
		return fmt.Errorf("%q is an IP address; a relying party id must be a host name", v)
	}
	if len(v) > 253 || strings.HasPrefix(v, ".") || strings.HasSuffix(v, ".") || strings.Contains(v, "..") {
		return fmt.Errorf("%q is not a host name", v)
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return fmt.Errorf("%q is not a host name in lower case (a Unicode name goes in its A-label form)", v)
		}
	}
	return nil
}

// originList accepts webauthn_origins: origins separated by commas or
// spaces, each scheme://host[:port] with scheme https, or http for
// localhost.
func originList(v string) error {
	os := SplitOrigins(v)
	if len(os) > maxOrigins {
		return fmt.Errorf("more than %d origins", maxOrigins)
	}
	for _, o := range os {
		if _, err := originHost(o); err != nil {
			return err
		}
	}
	return nil
}

// SplitOrigins splits webauthn_origins.
func SplitOrigins(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

// originHost is the host of origin o, which must be https://host[:port]
// or http://localhost[:port], nothing else.
func originHost(o string) (string, error) {
	u, err := url.Parse(o)
	if err != nil || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q is not an origin (scheme://host[:port])", o)
	}
	host := u.Hostname()
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && host == "localhost":
	default:
		return "", fmt.Errorf("origin %q: WebAuthn needs https (or http://localhost)", o)
	}
	return host, nil
}

// WebAuthnOriginList is the origins whose assertions are accepted: those
// of webauthn_origins, or https://<webauthn_rp_id>.
func (c *Config) WebAuthnOriginList() []string {
	if os := SplitOrigins(c.WebAuthnOrigins); len(os) > 0 {
		out := make([]string, len(os))
		for i, o := range os {
			out[i] = strings.TrimSuffix(o, "/")
		}
		return out
	}
	if c.WebAuthnRPID == "" {
		return nil
	}
	return []string{"https://" + c.WebAuthnRPID}
}

// CheckWebAuthn reports what makes the WebAuthn keys unusable together:
// webauthn without a relying party id, passwordless without webauthn,
// an origin whose host is not the relying party id or below it
// (WebAuthn §5.1.4.1: the id must be a registrable suffix of the
// origin's host, or the browser refuses every ceremony).
func (c *Config) CheckWebAuthn() []error {
	var errs []error
	if c.WebAuthnPasswordless && !c.WebAuthn {
		errs = append(errs, fmt.Errorf("webauthn_passwordless = yes needs webauthn = yes"))
	}
	if !c.WebAuthn {
		return errs
	}
	if c.WebAuthnRPID == "" {
		return append(errs, fmt.Errorf("webauthn = yes needs webauthn_rp_id (the host name of the site)"))
	}
	for _, o := range c.WebAuthnOriginList() {
		host, err := originHost(o)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if host != c.WebAuthnRPID && !strings.HasSuffix(host, "."+c.WebAuthnRPID) {
			errs = append(errs, fmt.Errorf("webauthn_origins: the host of %q is not webauthn_rp_id %q or a name below it", o, c.WebAuthnRPID))
		}
	}
	return errs
}
