// Package slapdtest starts a real OpenLDAP server (Debian's slapd) for the
// tests of the site directory: its own configuration file and mdb
// database in a temporary directory, listening on 127.0.0.1 on ports
// picked for the run (ldap:// with StartTLS, and ldaps://, under a test
// CA made here), loaded with entries by ldapadd, and stopped at the end
// of the test (only the process it started). A missing slapd or ldapadd
// is testenv.Lacking (Debian: slapd, ldap-utils).
//
// The tree it serves, under Suffix:
//
//   - ou=people: readable by anyone, anonymous binds included;
//   - ou=staff: readable only after a bind (ReaderDN, ReaderPassword);
//     anonymous searches see nothing there.
//
// Only tests import it.
package slapdtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"postern/internal/testenv"
)

// The tree's names and the bind account's password.
const (
	Suffix         = "dc=example,dc=org"
	People         = "ou=people," + Suffix
	Staff          = "ou=staff," + Suffix
	AdminDN        = "cn=admin," + Suffix
	AdminPassword  = "pt-admin-secret"
	ReaderDN       = "cn=reader," + Suffix
	ReaderPassword = "pt-reader-secret"
)

// Server is a running slapd.
type Server struct {
	URI    string // ldap://127.0.0.1:PORT (StartTLS offered)
	LDAPS  string // ldaps://127.0.0.1:PORT
	CAFile string // the PEM certificate of the CA that signed the server's
	Dir    string // its configuration, database and certificates
	Port   int    // the port of URI
	cmd    *exec.Cmd
}

// schemas are the Debian schema files the entries need.
var schemas = []string{"core", "cosine", "inetorgperson"}

// Start starts slapd with the base entries and entries (LDIF, may be
// empty) loaded, and stops it when the test ends.
func Start(t testing.TB, entries string) *Server {
	t.Helper()
	slapd := tool(t, "/usr/sbin/slapd")
	tool(t, "ldapadd")
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "db"), 0o700); err != nil {
		t.Fatal(err)
	}
	caFile := writeCerts(t, dir)
	conf := &bytes.Buffer{}
	for _, s := range schemas {
		fmt.Fprintf(conf, "include /etc/ldap/schema/%s.schema\n", s)
	}
	fmt.Fprintf(conf, `pidfile %[1]s/slapd.pid
argsfile %[1]s/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCACertificateFile %[2]s
TLSCertificateFile %[1]s/server.pem
TLSCertificateKeyFile %[1]s/server.key
database mdb
maxsize 16777216
suffix "%[3]s"
rootdn "%[4]s"
rootpw %[5]s
directory %[1]s/db
access to dn.subtree="%[6]s" by users read by anonymous auth by * none
access to * by * read
`, dir, caFile, Suffix, AdminDN, AdminPassword, Staff)
	confFile := filepath.Join(dir, "slapd.conf")
	if err := os.WriteFile(confFile, conf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	port, tlsPort := FreePort(t), FreePort(t)
	s := &Server{
		URI:    "ldap://127.0.0.1:" + strconv.Itoa(port),
		LDAPS:  "ldaps://127.0.0.1:" + strconv.Itoa(tlsPort),
		CAFile: caFile,
		Dir:    dir,
		Port:   port,
	}
	// -d keeps slapd in the foreground, so that the process started is
	// the server, and only it is stopped.
	s.cmd = exec.Command(slapd, "-f", confFile, "-h", s.URI+"/ "+s.LDAPS+"/", "-d", "0")
	var log bytes.Buffer
	s.cmd.Stdout, s.cmd.Stderr = &log, &log
	// A test binary killed before its cleanup takes slapd with it.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("slapdtest: starting slapd: %v", err)
	}
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	})
	s.waitReady(t, &log)
	s.Add(t, baseEntries+entries)
	return s
}

// baseEntries are the tree's containers and the bind account.
const baseEntries = `dn: ` + Suffix + `
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ` + People + `
objectClass: organizationalUnit
ou: people

dn: ` + Staff + `
objectClass: organizationalUnit
ou: staff

dn: ` + ReaderDN + `
objectClass: person
objectClass: simpleSecurityObject
cn: reader
sn: reader
userPassword: ` + ReaderPassword + `

`

// Add loads LDIF entries with ldapadd, as the tree's administrator.
func (s *Server) Add(t testing.TB, ldif string) {
	t.Helper()
	cmd := exec.Command("ldapadd", "-x", "-H", s.URI, "-D", AdminDN, "-w", AdminPassword)
	cmd.Stdin = bytes.NewBufferString(ldif)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("slapdtest: ldapadd: %v\n%s", err, out)
	}
}

// Stop stops the server before the end of the test (a directory that
// went away).
func (s *Server) Stop() {
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// waitReady waits until slapd accepts connections on both ports.
func (s *Server) waitReady(t testing.TB, log *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for _, u := range []string{s.URI, s.LDAPS} {
		addr := u[len("ldap://"):]
		if u == s.LDAPS {
			addr = u[len("ldaps://"):]
		}
		for {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) || s.cmd.ProcessState != nil {
				t.Fatalf("slapdtest: slapd does not listen on %s: %v\n%s", addr, err, log)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// FreePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// tool finds a program or stops the test as lacking it.
func tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		testenv.Lacking(t, "%s not installed (Debian: slapd, ldap-utils)", name)
	}
	return p
}

// writeCerts makes a test CA and a certificate for 127.0.0.1 signed by
// it, writes them into dir (server.pem, server.key, ca.pem; readable by
// slapd, which runs as the test's user) and returns the CA's file.
func writeCerts(t testing.TB, dir string) string {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "postern test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, typ string, der []byte) {
		b := pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("ca.pem", "CERTIFICATE", caDER)
	write("server.pem", "CERTIFICATE", leafDER)
	write("server.key", "PRIVATE KEY", keyDER)
	return filepath.Join(dir, "ca.pem")
}
