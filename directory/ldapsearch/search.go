package ldapsearch

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"postern/directory"

	"github.com/go-ldap/ldap/v3"
)

// Search looks text up in the directory of c, within c.Timeout (and the
// deadline of ctx, when sooner). An empty text finds nothing, without
// connecting.
func Search(ctx context.Context, c *directory.Config, text string) (*directory.Result, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return &directory.Result{}, nil
	}
	p, err := c.Plan(text)
	if err != nil {
		return nil, err
	}
	u, attrs := p.URI, p.Attributes
	filter, err := BuildFilter(c.Filter, text)
	if err != nil {
		return nil, err
	}
	tc, err := tlsConfig(c, u)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	conn, err := dial(ctx, c, u, tc)
	if err != nil {
		return nil, unavailable("connecting to %s: %v", c.URI, err)
	}
	defer conn.Close()
	if err := bind(conn, c); err != nil {
		return nil, err
	}
	deadline, _ := ctx.Deadline()
	req := ldap.NewSearchRequest(c.Base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		c.SizeLimit, int(math.Ceil(time.Until(deadline).Seconds())), false,
		filter, attrs.List(), nil)
	req.EnforceSizeLimit = true
	sr, err := conn.Search(req)
	truncated := false
	switch {
	case err == nil:
	case ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded), errors.Is(err, ldap.ErrSizeLimitExceeded):
		truncated = true
	case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject):
		return &directory.Result{}, nil // the base is not there (or not visible): nobody
	default:
		return nil, unavailable("searching %s: %v", c.URI, err)
	}
	res := &directory.Result{Truncated: truncated}
	if sr != nil {
		for _, e := range sr.Entries {
			if len(res.Entries) == c.SizeLimit {
				res.Truncated = true
				break
			}
			if en, ok := entry(attrs, e); ok {
				res.Entries = append(res.Entries, en)
			} else {
				res.Skipped++
			}
		}
	}
	_ = conn.Unbind()
	return res, nil
}

// unavailable is an ErrUnavailable with what failed.
func unavailable(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{directory.ErrUnavailable}, args...)...)
}

// dial connects to u, TLS from the start for ldaps://, and sets ctx's
// deadline on the connection, so that no later step (StartTLS, bind,
// search) can outlast it.
func dial(ctx context.Context, c *directory.Config, u *url.URL, tc *tls.Config) (*ldap.Conn, error) {
	var d net.Dialer
	raw, err := d.DialContext(ctx, "tcp", address(u))
	if err != nil {
		return nil, err
	}
	deadline, _ := ctx.Deadline()
	if err := raw.SetDeadline(deadline); err != nil {
		raw.Close()
		return nil, err
	}
	nc := raw
	if u.Scheme == "ldaps" {
		tlsConn := tls.Client(raw, tc)
		if err := tlsConn.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, err
		}
		nc = tlsConn
	}
	conn := ldap.NewConn(nc, u.Scheme == "ldaps")
	conn.SetTimeout(time.Until(deadline))
	conn.Start()
	if c.StartTLS && u.Scheme == "ldap" {
		if err := conn.StartTLS(tc); err != nil {
			conn.Close()
			return nil, fmt.Errorf("starttls: %w", err)
		}
	}
	return conn, nil
}

// tlsConfig verifies the server's certificate for u's host against
// c.CAFile, or the system's roots.
func tlsConfig(c *directory.Config, u *url.URL) (*tls.Config, error) {
	tc := &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	if c.CAFile != "" {
		pool, err := readCAs(c.CAFile)
		if err != nil {
			return nil, err
		}
		tc.RootCAs = pool
	}
	return tc, nil
}

// bind binds anonymously, or with c.BindDN and the password of
// c.BindPasswordFile.
func bind(conn *ldap.Conn, c *directory.Config) error {
	if c.BindDN == "" {
		return nil // an LDAPv3 connection starts anonymous (RFC 4513 5.1)
	}
	pw, err := readPassword(c.BindPasswordFile)
	if err != nil {
		return err
	}
	if err := conn.Bind(c.BindDN, pw); err != nil {
		return unavailable("binding as %s: %v", c.BindDN, err)
	}
	return nil
}

// readPassword returns the first line of path, which must not be empty.
func readPassword(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("%w: bind password file: %v", directory.ErrConfig, err)
	}
	defer f.Close()
	line, err := bufio.NewReader(io.LimitReader(f, directory.MaxPasswordBytes)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("%w: bind password file: %v", directory.ErrConfig, err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("%w: bind password file %s: empty first line", directory.ErrConfig, path)
	}
	return line, nil
}

// entry makes an Entry of e, and reports whether it has a usable
// address.
func entry(a directory.Attributes, e *ldap.Entry) (directory.Entry, bool) {
	en := directory.Entry{
		DN:           e.DN,
		Name:         first(e, a.Name),
		Organisation: first(e, a.Organisation),
		Phone:        first(e, a.Phone),
	}
	for _, v := range e.GetAttributeValues(a.Mail) {
		if len(en.Mail) == directory.MaxMails {
			break
		}
		if addrSpec(v) {
			en.Mail = append(en.Mail, v)
		}
	}
	return en, len(en.Mail) > 0
}

// first is the first usable value of attr: valid UTF-8 without control
// characters, at most directory.MaxValueBytes.
func first(e *ldap.Entry, attr string) string {
	if attr == "" {
		return ""
	}
	for _, v := range e.GetAttributeValues(attr) {
		v = strings.TrimSpace(v)
		if v != "" && len(v) <= directory.MaxValueBytes && utf8.ValidString(v) && !strings.ContainsFunc(v, isControl) {
			return v
		}
	}
	return ""
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// addrSpec reports whether v is a bare addr-spec that net/mail reads back
// unchanged, within directory.MaxValueBytes.
func addrSpec(v string) bool {
	if v == "" || len(v) > directory.MaxValueBytes {
		return false
	}
	a, err := mail.ParseAddress(v)
	return err == nil && a.Name == "" && a.Address == v
}
