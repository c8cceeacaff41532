package directory

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// Errors callers branch on.
var (
	// ErrUnavailable: the directory could not be reached or used (not
	// answering within the deadline, refused, TLS, bind, search).
	ErrUnavailable = errors.New("directory: unavailable")
	// ErrConfig: the configuration cannot work.
	ErrConfig = errors.New("directory: bad configuration")
)

// Limits of a lookup.
const (
	MaxQuery      = 256  // bytes of the user's text
	MaxValueBytes = 1024 // bytes of one attribute value kept
	MaxMails      = 8    // addresses kept of one entry
	MaxSizeLimit  = 500  // the largest Config.SizeLimit
	// MaxPasswordBytes bounds what is read of Config.BindPasswordFile.
	MaxPasswordBytes = 4096
)

// Defaults of the configuration keys.
const (
	DefaultFilter     = "(|(cn=%s*)(sn=%s*)(givenName=%s*)(mail=%s*))"
	DefaultAttributes = "name=cn mail=mail organisation=o phone=telephoneNumber"
	DefaultSizeLimit  = 20
	DefaultTimeout    = 2 * time.Second
)

// Config is the directory as the administrator set it up.
type Config struct {
	URI              string // ldap://host[:port] or ldaps://host[:port]
	StartTLS         bool   // upgrade an ldap:// connection with StartTLS
	CAFile           string // PEM roots to verify the server with; "" for the system's
	Base             string // the DN searched below
	Filter           string // the template, "%s" for the escaped text
	Attributes       string // "field=attribute ...", see ParseAttributes
	BindDN           string // "" for an anonymous bind
	BindPasswordFile string // its first line is the bind password
	SizeLimit        int
	Timeout          time.Duration
}

// Attributes names, for each field of an Entry, the LDAP attribute it is
// read from.
type Attributes struct {
	Name, Mail, Organisation, Phone string
}

// ParseAttributes reads the attribute map: space-separated field=attribute
// pairs, the fields name, mail, organisation and phone; mail is required,
// an absent field is not read.
func ParseAttributes(s string) (Attributes, error) {
	var a Attributes
	for _, pair := range strings.Fields(s) {
		field, attr, ok := strings.Cut(pair, "=")
		if !ok || !validAttr(attr) {
			return a, fmt.Errorf("%w: attribute map: %q is not field=attribute", ErrConfig, pair)
		}
		var p *string
		switch field {
		case "name":
			p = &a.Name
		case "mail":
			p = &a.Mail
		case "organisation":
			p = &a.Organisation
		case "phone":
			p = &a.Phone
		default:
			return a, fmt.Errorf("%w: attribute map: unknown field %q (name, mail, organisation, phone)", ErrConfig, field)
		}
		if *p != "" {
			return a, fmt.Errorf("%w: attribute map: %s given twice", ErrConfig, field)
		}
		*p = attr
	}
	if a.Mail == "" {
		return a, fmt.Errorf("%w: attribute map: no mail attribute", ErrConfig)
	}
	return a, nil
}

// validAttr: an attribute description's name (RFC 4512 section 2.5:
// keystring, or a numeric OID), without options.
func validAttr(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// parseURI reads an ldap:// or ldaps:// URI of a host and an optional
// port, nothing more (RFC 4516's DN, attributes and filter parts are
// this package's keys instead).
func parseURI(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%w: uri %q: %v", ErrConfig, s, err)
	}
	if u.Scheme != "ldap" && u.Scheme != "ldaps" {
		return nil, fmt.Errorf("%w: uri %q: the scheme is not ldap or ldaps", ErrConfig, s)
	}
	if u.Hostname() == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%w: uri %q: want scheme://host[:port] only", ErrConfig, s)
	}
	return u, nil
}

// address is host:port of u, with the scheme's default port.
func address(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = ldap.DefaultLdapPort
		if u.Scheme == "ldaps" {
			port = ldap.DefaultLdapsPort
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// Check reports every reason c cannot work, joined; nil when it can.
// It reads the CA file, but neither the password file (the lookup reads
// it as the user) nor the network.
func (c *Config) Check() error {
	var errs []error
	if c.URI == "" {
		return fmt.Errorf("%w: no uri", ErrConfig)
	}
	if u, err := parseURI(c.URI); err != nil {
		errs = append(errs, err)
	} else if c.StartTLS && u.Scheme == "ldaps" {
		errs = append(errs, fmt.Errorf("%w: starttls with ldaps://: the connection is TLS already", ErrConfig))
	} else if err := cleartextBind(c, u); err != nil {
		errs = append(errs, err)
	}
	if _, err := ldap.ParseDN(c.Base); err != nil || strings.TrimSpace(c.Base) == "" {
		errs = append(errs, fmt.Errorf("%w: base %q is not a DN", ErrConfig, c.Base))
	}
	if c.BindDN != "" {
		if _, err := ldap.ParseDN(c.BindDN); err != nil {
			errs = append(errs, fmt.Errorf("%w: bind DN %q is not a DN", ErrConfig, c.BindDN))
		}
		if c.BindPasswordFile == "" {
			errs = append(errs, fmt.Errorf("%w: a bind DN without a password file", ErrConfig))
		}
	}
	if _, err := BuildFilter(c.Filter, "x"); err != nil {
		errs = append(errs, err)
	}
	if _, err := ParseAttributes(c.Attributes); err != nil {
		errs = append(errs, err)
	}
	if c.SizeLimit < 1 || c.SizeLimit > MaxSizeLimit {
		errs = append(errs, fmt.Errorf("%w: size limit %d is out of range 1..%d", ErrConfig, c.SizeLimit, MaxSizeLimit))
	}
	if c.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("%w: time limit %v is not positive", ErrConfig, c.Timeout))
	}
	if c.CAFile != "" {
		if _, err := readCAs(c.CAFile); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// readCAs reads a PEM file of CA certificates.
func readCAs(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: CA file: %v", ErrConfig, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("%w: CA file %s: no PEM certificate", ErrConfig, path)
	}
	return pool, nil
}
