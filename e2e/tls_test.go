package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tlsSite is a second private Apache, with mod_ssl, in front of the same
// installed binary: a test CA, a server certificate for 127.0.0.1 and
// client certificates made with openssl.
type tlsSite struct {
	dir, base        string
	ca               string
	certA, keyA      string // client certificate CN = user A, e-mail A@example.test
	certB, keyB      string // client certificate CN = user B
	certBad, keyBad  string // from another CA
	curlBin, nodeBin string
}

func openssl(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("openssl", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// makeCA writes name.key and name.pem, a self-signed CA.
func makeCA(t *testing.T, dir, name string) {
	openssl(t, dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", name+".key", "-out", name+".pem", "-days", "2", "-subj", "/CN=postern test "+name,
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
}

// makeCert writes name.key and name.pem signed by ca, with subject and
// extensions.
func makeCert(t *testing.T, dir, ca, name, subj, ext string) {
	openssl(t, dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", name+".key", "-out", name+".csr", "-subj", subj)
	os.WriteFile(filepath.Join(dir, name+".ext"), []byte(ext+"\n"), 0o644)
	openssl(t, dir, "x509", "-req", "-in", name+".csr", "-CA", ca+".pem", "-CAkey", ca+".key",
		"-CAcreateserial", "-out", name+".pem", "-days", "2", "-extfile", name+".ext")
}

func startTLSSite(t *testing.T) *tlsSite {
	t.Helper()
	for _, p := range []string{"/usr/bin/openssl", "/usr/bin/curl", filepath.Join(modulesDir, "mod_ssl.so"), filepath.Join(modulesDir, "mod_socache_shmcb.so")} {
		needBinary(t, p)
	}
	dir := filepath.Join(env.tmp, "tls-"+randomHex(3))
	for _, d := range []string{dir, filepath.Join(dir, "htdocs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	makeCA(t, dir, "ca")
	makeCA(t, dir, "otherca")
	makeCert(t, dir, "ca", "server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth")
	makeCert(t, dir, "ca", "clienta", "/CN="+env.a.name+"/emailAddress="+env.a.name+"@example.test", "extendedKeyUsage=clientAuth")
	makeCert(t, dir, "ca", "clientb", "/CN="+env.b.name, "extendedKeyUsage=clientAuth")
	makeCert(t, dir, "otherca", "clientbad", "/CN="+env.a.name, "extendedKeyUsage=clientAuth")
	for _, f := range []string{"server.key", "server.pem", "ca.pem"} {
		os.Chmod(filepath.Join(dir, f), 0o644) // read by Apache as root at start
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	conf := apacheConf(dir, port) + fmt.Sprintf(`LoadModule socache_shmcb_module %s/mod_socache_shmcb.so
LoadModule ssl_module %s/mod_ssl.so
SSLSessionCache "shmcb:%s/ssl_scache(512000)"
SSLEngine on
SSLCertificateFile %q
SSLCertificateKeyFile %q
SSLCACertificateFile %q
SSLVerifyClient optional
SSLVerifyDepth 2
<Directory %q>
	SSLOptions +StdEnvVars
</Directory>
`, modulesDir, modulesDir, dir, filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key"),
		filepath.Join(dir, "ca.pem"), env.cgiDir)
	confPath := filepath.Join(dir, "apache2.conf")
	os.WriteFile(confPath, []byte(conf), 0o644)
	if out, err := exec.Command(apacheBin, "-f", confPath, "-t").CombinedOutput(); err != nil {
		t.Fatalf("apache2 -t (TLS): %v: %s", err, out)
	}
	cmd := exec.Command(apacheBin, "-f", confPath, "-DFOREGROUND")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = newProcessGroup()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			if len(b) > 32<<10 {
				b = b[len(b)-32<<10:]
			}
			t.Logf("TLS Apache error log:\n%s", b)
		}
	})
	up := waitFor(15*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
		if err != nil {
			return false
		}
		c.Close()
		return true
	})
	if !up {
		t.Fatalf("TLS apache2 did not answer on port %d", port)
	}
	j := func(n string) string { return filepath.Join(dir, n) }
	return &tlsSite{dir: dir, base: "https://127.0.0.1:" + strconv.Itoa(port) + "/cgi-bin/postern", ca: j("ca.pem"),
		certA: j("clienta.pem"), keyA: j("clienta.key"), certB: j("clientb.pem"), keyB: j("clientb.key"),
		certBad: j("clientbad.pem"), keyBad: j("clientbad.key")}
}

// curlResult is a response as curl saw it.
type curlResult struct {
	status int
	head   string
	body   string
}

// curl runs the real curl against the TLS site with an optional client
// certificate and cookie.
func (s *tlsSite) curl(t *testing.T, path, cert, key, cookie, form string) curlResult {
	t.Helper()
	args := []string{"-sS", "-D", "-", "--cacert", s.ca, "--max-time", "30"}
	if cert != "" {
		args = append(args, "--cert", cert, "--key", key)
	}
	if cookie != "" {
		args = append(args, "-H", "Cookie: postern="+cookie)
	}
	if form != "" {
		args = append(args, "--data", form)
	}
	out, err := exec.Command("curl", append(args, s.base+path)...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok && (ee.ExitCode() == 35 || ee.ExitCode() == 56) {
		return curlResult{} // the TLS handshake was refused: status 0
	}
	if err != nil {
		t.Fatalf("curl %s: %v\n%s", path, err, out)
	}
	head, body, _ := strings.Cut(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n\n")
	m := regexp.MustCompile(`^HTTP/\S+ (\d+)`).FindStringSubmatch(head)
	if m == nil {
		t.Fatalf("curl %s: no status line in %q", path, out)
	}
	code, _ := strconv.Atoi(m[1])
	return curlResult{status: code, head: head, body: body}
}

// cookieOf returns the postern cookie value a response set.
func cookieOf(head string) string {
	m := regexp.MustCompile(`(?mi)^Set-Cookie: postern=([^;\s]+)`).FindStringSubmatch(head)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestTLS: over HTTPS (Apache mod_ssl) the login works with require_https
// on and Strict-Transport-Security is sent; with client_cert = match, a
// login needs a client certificate of the test CA whose CN or e-mail is
// the user, and a session without the certificate is refused. Checked with
// curl and with headless Chromium.
func TestTLS(t *testing.T) {
	s := startTLSSite(t)
	a := env.a
	noHTTP := strings.Replace(env.baseConf, "require_https = no\n", "", 1)
	withConfig(t, noHTTP)
	r := s.curl(t, "/", "", "", "", "")
	if r.status != 200 || !strings.Contains(r.head, "Strict-Transport-Security: max-age=") || strings.Contains(r.body, `id="need-https"`) {
		t.Errorf("GET / over TLS: status %d, want 200 with Strict-Transport-Security and no HTTPS warning; head:\n%s", r.status, r.head)
	}
	login := "user=" + a.name + "&pass=" + urlEscape(a.pass)
	r = s.curl(t, "/login", "", "", "", login)
	if r.status != 303 || cookieOf(r.head) == "" || !strings.Contains(strings.ToLower(r.head), "secure") {
		t.Errorf("login over TLS (client_cert off): status %d, want 303 and a Secure cookie; head:\n%s", r.status, r.head)
	}

	withConfig(t, noHTTP+"client_cert = match\n")
	for _, tc := range []struct {
		what      string
		cert, key string
		want      int
	}{
		{"no client certificate", "", "", 403},
		{"certificate of another CA", s.certBad, s.keyBad, 0}, // mod_ssl ends the handshake
		{"certificate of user B", s.certB, s.keyB, 401},
		{"certificate of user A", s.certA, s.keyA, 303},
	} {
		r := s.curl(t, "/login", tc.cert, tc.key, "", login)
		if r.status != tc.want {
			t.Errorf("login as A with %s: status %d, want %d", tc.what, r.status, tc.want)
		}
		if tc.want != 303 && cookieOf(r.head) != "" {
			t.Errorf("login as A with %s set a session cookie", tc.what)
		}
		if tc.want == 303 {
			cookie := cookieOf(r.head)
			if got := s.curl(t, "/list?f=INBOX", s.certA, s.keyA, cookie, ""); got.status != 200 || !strings.Contains(got.body, `id="messages"`) {
				t.Errorf("list with A's certificate and session: status %d, want the list", got.status)
			}
			if got := s.curl(t, "/list?f=INBOX", "", "", cookie, ""); got.status != 403 || strings.Contains(got.body, `id="messages"`) {
				t.Errorf("list with A's session but no certificate: status %d, want 403 and no mail", got.status)
			}
		}
	}

	// Headless Chromium with A's client certificate (playwright's
	// clientCertificates) logs in through the form.
	needBinary(t, chromiumBin)
	cmd := exec.Command("node", "tls.mjs")
	cmd.Dir = filepath.Join(env.root, "e2e", "browser")
	cmd.Env = append(os.Environ(), "BASE_URL="+s.base, "USER_A="+a.name, "PASS_A="+a.pass,
		"CLIENT_CERT="+s.certA, "CLIENT_KEY="+s.keyA, "CHROMIUM="+chromiumBin)
	out, err := runTimeout(cmd, 2*time.Minute)
	t.Logf("node tls.mjs:\n%s", out)
	if err != nil {
		t.Errorf("node tls.mjs: %v", err)
	}
}

func urlEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
