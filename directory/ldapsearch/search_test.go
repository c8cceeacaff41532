package ldapsearch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"postern/directory"
	"postern/internal/helpertest"
	"postern/internal/slapdtest"
)

// entries are the people of the test directory: an ordinary one, one
// with a star in her name, one without an address, one with an address
// net/mail cannot read back, and one only a bound reader sees.
const entries = `dn: cn=Ann Example,` + slapdtest.People + `
objectClass: inetOrgPerson
cn: Ann Example
sn: Example
givenName: Ann
mail: ann@example.org
mail: ann.example@example.org
o: Example Widgets
telephoneNumber: +44 20 7946 0001

dn: cn=Star*Person,` + slapdtest.People + `
objectClass: inetOrgPerson
cn: Star*Person
sn: Person
mail: star@example.org

dn: cn=Annex Nomail,` + slapdtest.People + `
objectClass: inetOrgPerson
cn: Annex Nomail
sn: Nomail

dn: cn=Anne Broken,` + slapdtest.People + `
objectClass: inetOrgPerson
cn: Anne Broken
sn: Broken
mail: not an address

dn: cn=Zoë Ünicode,` + slapdtest.People + `
objectClass: inetOrgPerson
cn: Zoë Ünicode
sn: Ünicode
mail: zoe@example.org

dn: cn=Bob Staff,` + slapdtest.Staff + `
objectClass: inetOrgPerson
cn: Bob Staff
sn: Staff
mail: bob@example.org
`

// many are n people named "Many i".
func many(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "dn: cn=Many %d,%s\nobjectClass: inetOrgPerson\ncn: Many %d\nsn: Many\nmail: many%d@example.org\n\n", i, slapdtest.People, i, i)
	}
	return b.String()
}

// testConfig is the defaults of postern.conf for s.
func testConfig(s *slapdtest.Server) *directory.Config {
	return &directory.Config{
		URI:        s.URI,
		Base:       slapdtest.Suffix,
		Filter:     directory.DefaultFilter,
		Attributes: directory.DefaultAttributes,
		SizeLimit:  directory.DefaultSizeLimit,
		Timeout:    directory.DefaultTimeout,
	}
}

// names are the names of r's entries, sorted.
func names(r *directory.Result) []string {
	var out []string
	for _, e := range r.Entries {
		out = append(out, e.Name)
	}
	slices.Sort(out)
	return out
}

func search(t *testing.T, c *directory.Config, text string) *directory.Result {
	t.Helper()
	r, err := Search(context.Background(), c, text)
	if err != nil {
		t.Fatalf("Search(%q): %v", text, err)
	}
	return r
}

func TestSearch(t *testing.T) {
	s := slapdtest.Start(t, entries+"\n"+many(30))
	c := testConfig(s)

	r := search(t, c, "ann")
	// Annex has no address and Anne's cannot be read back: left out.
	if got := names(r); !slices.Equal(got, []string{"Ann Example"}) || r.Skipped != 2 || r.Truncated {
		t.Fatalf("Search(ann) = %v, skipped %d, truncated %v; want [Ann Example], 2, false", got, r.Skipped, r.Truncated)
	}
	want := directory.Entry{
		DN:   "cn=Ann Example," + slapdtest.People,
		Name: "Ann Example", Mail: []string{"ann@example.org", "ann.example@example.org"},
		Organisation: "Example Widgets", Phone: "+44 20 7946 0001",
	}
	if e := r.Entries[0]; e.DN != want.DN || e.Name != want.Name || !slices.Equal(e.Mail, want.Mail) || e.Organisation != want.Organisation || e.Phone != want.Phone {
		t.Errorf("Search(ann) entry = %+v, want %+v", e, want)
	}

	for _, tt := range []struct {
		text string
		want []string
	}{
		{"ANN", []string{"Ann Example"}},          // the server compares without case
		{"ann.example@", []string{"Ann Example"}}, // by address
		{"Example", []string{"Ann Example"}},      // by surname
		{"zoë", []string{"Zoë Ünicode"}},          // UTF-8 escaped byte by byte
		{"Star*", []string{"Star*Person"}},        // a star is a star
		{"*", nil},                                // not everyone
		{"*)(mail=*", nil},                        // no second assertion
		{"\\2a", nil},                             // an escape typed is text
		{"bob", nil},                              // staff is for bound readers
		{"   ", nil},                              // nothing asked, nothing found
	} {
		if got := names(search(t, c, tt.text)); !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}

	// The size limit: the server stops at it and says so.
	c.SizeLimit = 5
	if r := search(t, c, "many"); len(r.Entries) != 5 || !r.Truncated {
		t.Errorf("Search(many) with size limit 5 = %d entries, truncated %v; want 5, true", len(r.Entries), r.Truncated)
	}
	c.SizeLimit = 50
	if r := search(t, c, "many"); len(r.Entries) != 30 || r.Truncated {
		t.Errorf("Search(many) with size limit 50 = %d entries, truncated %v; want 30, false", len(r.Entries), r.Truncated)
	}

	// A base that does not exist finds nobody; it is not a failure.
	c.Base = "ou=nowhere," + slapdtest.Suffix
	if r := search(t, c, "ann"); len(r.Entries) != 0 {
		t.Errorf("Search below a missing base = %v, want nothing", names(r))
	}
}

// passwordFile writes pw into a file of the test's and returns its path.
func passwordFile(t *testing.T, pw string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bindpw")
	if err := os.WriteFile(p, []byte(pw), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSearchBind(t *testing.T) {
	s := slapdtest.Start(t, entries)
	c := testConfig(s)
	c.BindDN = slapdtest.ReaderDN
	c.BindPasswordFile = passwordFile(t, slapdtest.ReaderPassword+"\nthe rest is ignored\n")
	if got := names(search(t, c, "bob")); !slices.Equal(got, []string{"Bob Staff"}) {
		t.Errorf("bound Search(bob) = %q, want [Bob Staff]", got)
	}

	c.BindPasswordFile = passwordFile(t, "wrong\n")
	if _, err := Search(context.Background(), c, "bob"); !errors.Is(err, directory.ErrUnavailable) {
		t.Errorf("Search with a wrong password: %v, want directory.ErrUnavailable", err)
	}
	c.BindPasswordFile = passwordFile(t, "\n")
	if _, err := Search(context.Background(), c, "bob"); !errors.Is(err, directory.ErrConfig) {
		t.Errorf("Search with an empty password file: %v, want directory.ErrConfig", err)
	}
	c.BindPasswordFile = filepath.Join(t.TempDir(), "missing")
	if _, err := Search(context.Background(), c, "bob"); !errors.Is(err, directory.ErrConfig) {
		t.Errorf("Search with no password file: %v, want directory.ErrConfig", err)
	}
}

func TestSearchTLS(t *testing.T) {
	s := slapdtest.Start(t, entries)
	for _, tt := range []struct {
		name     string
		uri      string
		startTLS bool
	}{
		{"ldaps", s.LDAPS, false},
		{"starttls", s.URI, true},
	} {
		c := testConfig(s)
		c.URI, c.StartTLS, c.CAFile = tt.uri, tt.startTLS, s.CAFile
		c.BindDN = slapdtest.ReaderDN
		c.BindPasswordFile = passwordFile(t, slapdtest.ReaderPassword)
		if got := names(search(t, c, "bob")); !slices.Equal(got, []string{"Bob Staff"}) {
			t.Errorf("%s: Search(bob) = %q, want [Bob Staff]", tt.name, got)
		}
		// Without the test CA, the system's roots do not know the
		// server: refused, not trusted.
		c.CAFile = ""
		if _, err := Search(context.Background(), c, "bob"); !errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("%s: Search with an unknown CA: %v, want directory.ErrUnavailable about the certificate", tt.name, err)
		}
	}

	// A password is never sent in the clear to a host that is not this
	// one (refused before connecting: 192.0.2.1 is TEST-NET-1).
	c := testConfig(s)
	c.URI = "ldap://192.0.2.1"
	c.BindDN = slapdtest.ReaderDN
	c.BindPasswordFile = passwordFile(t, slapdtest.ReaderPassword)
	if _, err := Search(context.Background(), c, "bob"); !errors.Is(err, directory.ErrConfig) || !strings.Contains(err.Error(), "without TLS") {
		t.Errorf("bind without TLS to a named host: %v, want directory.ErrConfig (without TLS)", err)
	}
}

// silentServer accepts connections and never answers, until the test
// ends.
func silentServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
			close(done)
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	return l.Addr().String()
}

// TestSearchUnavailable: a directory that does not answer, or is not
// there, is directory.ErrUnavailable within the time limit (with a wide margin:
// the point is that the lookup does not hang, not its speed).
func TestSearchUnavailable(t *testing.T) {
	silent := silentServer(t)
	closed := fmt.Sprintf("127.0.0.1:%d", slapdtest.FreePort(t))
	for _, tt := range []struct {
		name, uri string
		startTLS  bool
		bind      bool
	}{
		{"silent", "ldap://" + silent, false, false},
		{"silent starttls", "ldap://" + silent, true, false},
		{"silent ldaps", "ldaps://" + silent, false, false},
		{"silent bind", "ldap://" + silent, false, true},
		{"closed port", "ldap://" + closed, false, false},
		{"closed port ldaps", "ldaps://" + closed, false, false},
	} {
		c := &directory.Config{URI: tt.uri, StartTLS: tt.startTLS, Base: "dc=example,dc=org",
			Filter: directory.DefaultFilter, Attributes: directory.DefaultAttributes, SizeLimit: 10,
			Timeout: 300 * time.Millisecond}
		if tt.bind {
			c.BindDN, c.BindPasswordFile = slapdtest.ReaderDN, passwordFile(t, "x")
		}
		start := time.Now()
		r, err := Search(context.Background(), c, "ann")
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%s: Search took %v with a time limit of %v", tt.name, took, c.Timeout)
		}
		if !errors.Is(err, directory.ErrUnavailable) || r != nil {
			t.Errorf("%s: Search = %v, %v; want nil, directory.ErrUnavailable", tt.name, r, err)
		}
	}
}

// TestSearchStopped: a directory that goes away between two lookups.
func TestSearchStopped(t *testing.T) {
	s := slapdtest.Start(t, entries)
	c := testConfig(s)
	search(t, c, "ann")
	s.Stop()
	if _, err := Search(context.Background(), c, "ann"); !errors.Is(err, directory.ErrUnavailable) {
		t.Errorf("Search of a stopped directory: %v, want directory.ErrUnavailable", err)
	}
}

func TestSearchRefuses(t *testing.T) {
	c := &directory.Config{URI: "ldap://127.0.0.1:1", Base: "dc=x", Filter: directory.DefaultFilter, Attributes: directory.DefaultAttributes, SizeLimit: 1, Timeout: time.Second}
	if _, err := Search(context.Background(), c, strings.Repeat("a", directory.MaxQuery+1)); err == nil {
		t.Error("Search of a text longer than directory.MaxQuery: no error")
	}
	c.Filter = "(cn=*)"
	if _, err := Search(context.Background(), c, "a"); !errors.Is(err, directory.ErrConfig) {
		t.Errorf("Search with a filter without %%s: %v, want directory.ErrConfig", err)
	}
}

// BenchmarkSearch is one lookup, connection to close, against a local
// slapd with 200 people.
func BenchmarkSearch(b *testing.B) {
	s := slapdtest.Start(b, entries+"\n"+many(200))
	c := &directory.Config{URI: s.URI, Base: slapdtest.Suffix, Filter: directory.DefaultFilter, Attributes: directory.DefaultAttributes, SizeLimit: 20, Timeout: directory.DefaultTimeout}
	for b.Loop() {
		r, err := Search(context.Background(), c, "many 1")
		if err != nil || len(r.Entries) == 0 {
			b.Fatalf("Search: %v, %v", r, err)
		}
	}
}

// BenchmarkSearchHelper is BenchmarkSearch as a request does it: the
// request side's directory.Search running the real postern-helper.
// helper-minflt/op and helper-cpu-ms/op are the helper's page faults
// and CPU time.
func BenchmarkSearchHelper(b *testing.B) {
	s := slapdtest.Start(b, entries+"\n"+many(200))
	c := &directory.Config{URI: s.URI, Base: slapdtest.Suffix, Filter: directory.DefaultFilter, Attributes: directory.DefaultAttributes,
		SizeLimit: 20, Timeout: directory.DefaultTimeout, Helper: helpertest.Build(b)}
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &before)
	for b.Loop() {
		r, err := directory.Search(context.Background(), c, "many 1")
		if err != nil || len(r.Entries) == 0 {
			b.Fatalf("Search: %v, %v", r, err)
		}
	}
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &after)
	b.ReportMetric(float64(after.Minflt-before.Minflt)/float64(b.N), "helper-minflt/op")
	cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "helper-cpu-ms/op")
}
