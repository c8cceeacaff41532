package ldapsearch

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"postern/directory"

	"github.com/go-ldap/ldap/v3"
)

// BuildFilter returns the filter of template (directory.CheckFilter) for
// the user's text: every "%s" replaced by text escaped with
// ldap.EscapeFilter (RFC 4515 section 3), so that nothing in text can
// open, close or widen an assertion; the result must compile as an RFC
// 4515 filter.
func BuildFilter(template, text string) (string, error) {
	if err := directory.CheckFilter(template); err != nil {
		return "", err
	}
	f := strings.ReplaceAll(template, "%s", ldap.EscapeFilter(text))
	if _, err := ldap.CompileFilter(f); err != nil {
		return "", fmt.Errorf("%w: filter %q: %v", directory.ErrConfig, template, err)
	}
	return f, nil
}

// Check is directory.Config.Check and what needs the LDAP library or a
// file: the base and the bind DN parse as DNs (RFC 4514), the filter
// compiles, the CA file holds PEM certificates. It reads the CA file,
// but neither the password file (the lookup reads it as the user) nor the
// network.
func Check(c *directory.Config) error {
	var errs []error
	if err := c.Check(); err != nil {
		errs = append(errs, err)
	}
	if c.URI == "" {
		return errors.Join(errs...)
	}
	if _, err := ldap.ParseDN(c.Base); err != nil && strings.TrimSpace(c.Base) != "" {
		errs = append(errs, fmt.Errorf("%w: base %q is not a DN", directory.ErrConfig, c.Base))
	}
	if c.BindDN != "" {
		if _, err := ldap.ParseDN(c.BindDN); err != nil {
			errs = append(errs, fmt.Errorf("%w: bind DN %q is not a DN", directory.ErrConfig, c.BindDN))
		}
	}
	if directory.CheckFilter(c.Filter) == nil {
		if _, err := BuildFilter(c.Filter, "x"); err != nil {
			errs = append(errs, err)
		}
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
		return nil, fmt.Errorf("%w: CA file: %v", directory.ErrConfig, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("%w: CA file %s: no PEM certificate", directory.ErrConfig, path)
	}
	return pool, nil
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

// ErrRequest is a request that is not one: not JSON, an unknown
// operation.
var ErrRequest = errors.New("ldapsearch: bad request")

// Serve answers one request of the directory helper (a
// directory.HelperRequest as JSON) with a directory.HelperAnswer as
// JSON: a directory that does not answer, or a configuration that
// cannot work, is an answer.
func Serve(ctx context.Context, in []byte) ([]byte, error) {
	var req directory.HelperRequest
	if err := json.Unmarshal(in, &req); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRequest, err)
	}
	var a directory.HelperAnswer
	var err error
	switch req.Op {
	case directory.OpSearch:
		a.Result, err = Search(ctx, &req.Config, req.Text)
	case directory.OpCheck:
		err = Check(&req.Config)
	default:
		return nil, fmt.Errorf("%w: operation %q", ErrRequest, req.Op)
	}
	switch {
	case err == nil && req.Op == directory.OpSearch && a.Result == nil:
		a.Result = &directory.Result{}
	case errors.Is(err, directory.ErrConfig):
		for _, e := range flatten(err) {
			a.Config = append(a.Config, strings.TrimPrefix(e.Error(), directory.ErrConfig.Error()+": "))
		}
	case err != nil:
		a.Unavailable = strings.TrimPrefix(err.Error(), directory.ErrUnavailable.Error()+": ")
	}
	return json.Marshal(a)
}

// flatten lists the errors of a join, its joins' too.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}
