package directory

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
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
	// Helper is the path of postern-helper (config.DefaultHelper), which
	// does the lookup; it is not sent to the helper.
	Helper string `json:"-"`
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

// ParseURI reads an ldap:// or ldaps:// URI of a host and an optional
// port, nothing more (RFC 4516's DN, attributes and filter parts are
// this package's keys instead).
func ParseURI(s string) (*url.URL, error) {
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

// Check reports every reason c cannot work that needs no LDAP parsing,
// joined; nil when it can. The DNs, the filter's syntax and the CA file
// are the helper's to check (CheckAll). It reads no file and not the
// network.
func (c *Config) Check() error {
	var errs []error
	if c.URI == "" {
		return fmt.Errorf("%w: no uri", ErrConfig)
	}
	if u, err := ParseURI(c.URI); err != nil {
		errs = append(errs, err)
	} else if c.StartTLS && u.Scheme == "ldaps" {
		errs = append(errs, fmt.Errorf("%w: starttls with ldaps://: the connection is TLS already", ErrConfig))
	} else if err := c.CleartextBind(u); err != nil {
		errs = append(errs, err)
	}
	if strings.TrimSpace(c.Base) == "" {
		errs = append(errs, fmt.Errorf("%w: base %q is not a DN", ErrConfig, c.Base))
	}
	if c.BindDN != "" {
		if c.BindPasswordFile == "" {
			errs = append(errs, fmt.Errorf("%w: a bind DN without a password file", ErrConfig))
		}
	}
	if err := CheckFilter(c.Filter); err != nil {
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
	return errors.Join(errs...)
}

// CleartextBind refuses a bind password that would cross the network
// without TLS: a bind DN with an ldap:// URI (u) without StartTLS to a
// host that is not a loopback address.
func (c *Config) CleartextBind(u *url.URL) error {
	if c.BindDN == "" || u.Scheme == "ldaps" || c.StartTLS || loopback(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("%w: refusing to send the bind password to %s without TLS (use ldaps:// or starttls)", ErrConfig, u.Hostname())
}

// loopback reports whether host is a loopback address or "localhost".
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// List is the attributes to ask for.
func (a Attributes) List() []string {
	var out []string
	for _, s := range []string{a.Name, a.Mail, a.Organisation, a.Phone} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Plan is a lookup made ready: what the checks that need no LDAP parsing
// made of the configuration and the user's text.
type Plan struct {
	URI        *url.URL
	Attributes Attributes
}

// Plan checks c for a lookup of text (not empty, at most MaxQuery
// bytes) and returns what the lookup needs; a configuration that cannot
// work is ErrConfig.
func (c *Config) Plan(text string) (*Plan, error) {
	if len(text) > MaxQuery {
		return nil, fmt.Errorf("directory: search text longer than %d bytes", MaxQuery)
	}
	u, err := ParseURI(c.URI)
	if err != nil {
		return nil, err
	}
	attrs, err := ParseAttributes(c.Attributes)
	if err != nil {
		return nil, err
	}
	if err := CheckFilter(c.Filter); err != nil {
		return nil, err
	}
	if c.SizeLimit < 1 || c.SizeLimit > MaxSizeLimit || c.Timeout <= 0 {
		return nil, fmt.Errorf("%w: size or time limit out of range", ErrConfig)
	}
	if err := c.CleartextBind(u); err != nil {
		return nil, err
	}
	return &Plan{URI: u, Attributes: attrs}, nil
}
