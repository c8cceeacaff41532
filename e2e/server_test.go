package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/html"

	"postern/internal/testenv"
)

// Helpers for the tests that start a web server of their own (the
// recipes of INSTALL and the Debian package): start and stop a daemon,
// install a snippet of dist/, and log in through a base URL.

// lacking stops a test whose prerequisite is missing (testenv.Lacking).
var lacking = testenv.Lacking

// needBinary stops the test (see lacking) when a path is missing.
func needBinary(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			lacking(t, "missing %s", p)
		}
	}
}

// needBrowser stops the test (see lacking) when node, Chromium or
// playwright-core are missing.
func needBrowser(t *testing.T, dir string) {
	t.Helper()
	if missing := browserPrereqs(dir); missing != "" {
		lacking(t, "browser tests: %s", missing)
	}
}

// webUserIDs returns the uid and gid of the web server's user.
func webUserIDs(t *testing.T) (uid, gid int) {
	t.Helper()
	u, err := user.Lookup(webUser)
	if err != nil {
		t.Fatal(err)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid
}

// startDaemon starts cmd (a server kept in the foreground) in its own
// process group and waits until something listens on port, when port is
// not 0. stop, which the test's cleanup also calls, sends SIGTERM to that
// group, which holds only what cmd started, then waits; logs are printed
// when the test failed.
func startDaemon(t *testing.T, cmd *exec.Cmd, port int, logs ...string) (stop func()) {
	t.Helper()
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = newProcessGroup()
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", cmd.Path, err)
	}
	pid := cmd.Process.Pid
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			syscall.Kill(-pid, syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				syscall.Kill(-pid, syscall.SIGKILL)
				<-done
			}
		})
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, l := range logs {
				if b, err := os.ReadFile(l); err == nil {
					t.Logf("----- %s -----\n%s", l, tail(b, 16<<10))
				}
			}
		}
		stop()
	})
	if port == 0 {
		return stop
	}
	up := waitFor(15*time.Second, func() bool {
		select {
		case err := <-done:
			done <- err
			return true
		default:
		}
		c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
		if err != nil {
			return false
		}
		c.Close()
		return true
	})
	select {
	case err := <-done:
		done <- err
		t.Fatalf("%s exited early: %v", cmd.Path, err)
	default:
	}
	if !up {
		t.Fatalf("%s did not answer on port %d", cmd.Path, port)
	}
	return stop
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// snippet writes dist/rel into dir with each old string of repl replaced
// by the new one, checking that each occurs, and returns the new file.
func snippet(t *testing.T, rel, dir string, repl ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(env.root, "dist", rel))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(repl); i += 2 {
		if !strings.Contains(s, repl[i]) {
			t.Fatalf("dist/%s does not contain %q", rel, repl[i])
		}
		s = strings.ReplaceAll(s, repl[i], repl[i+1])
	}
	out := filepath.Join(dir, strings.ReplaceAll(rel, "/", "-"))
	if err := os.WriteFile(out, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// serverDir makes a fresh directory for a server's files, writable by
// the web server's user (for sockets and temporary files).
func serverDir(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(env.tmp, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// siteClient is a cookie-keeping client of one installation at base
// (http://127.0.0.1:PORT/webmail), following no redirects.
type siteClient struct {
	t    *testing.T
	base string
	hc   *http.Client
}

// newSiteClient returns a client of base; roots, when not nil, are the
// certificates it trusts for https.
func newSiteClient(t *testing.T, base string, roots *x509.CertPool) *siteClient {
	jar, _ := cookiejar.New(nil)
	return &siteClient{t: t, base: base, hc: &http.Client{
		Jar:           jar,
		Timeout:       60 * time.Second,
		Transport:     &http.Transport{DisableKeepAlives: true, TLSClientConfig: &tls.Config{RootCAs: roots}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends a request to base+path (a form when form is not nil) and
// checks the security headers.
func (c *siteClient) do(method, path string, form url.Values) *response {
	c.t.Helper()
	var req *http.Request
	var err error
	if form != nil {
		req, err = http.NewRequest(method, c.base+path, strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		}
	} else {
		req, err = http.NewRequest(method, c.base+path, nil)
	}
	if err != nil {
		c.t.Fatal(err)
	}
	tc := &client{t: c.t, hc: c.hc}
	return tc.do(req)
}

// loginThrough logs a in at c.base, reads the INBOX, logs out, and checks
// that the session is gone: the whole flow through one web server. The
// cookie must carry Path=scriptName, and Secure over https.
func loginThrough(t *testing.T, c *siteClient, scriptName string, a *account) {
	t.Helper()
	base := c.base
	r := c.do("GET", "/", nil)
	wantStatus(t, r, http.StatusOK)
	if r.doc == nil || byID(r.doc, "login") == nil {
		t.Fatalf("%s: no form#login; body: %.600s", r, r.body)
	}
	r = c.do("POST", "/login", url.Values{"user": {a.name}, "pass": {a.pass}})
	wantStatus(t, r, http.StatusSeeOther)
	var cookie *http.Cookie
	for _, k := range (&http.Response{Header: r.header}).Cookies() {
		if k.Name == "postern" {
			cookie = k
		}
	}
	if cookie == nil {
		t.Fatalf("%s: no postern cookie; Set-Cookie = %q", r, r.header.Values("Set-Cookie"))
	}
	if secure := strings.HasPrefix(base, "https:"); cookie.Path != scriptName || !cookie.HttpOnly || cookie.Secure != secure {
		t.Errorf("%s: cookie Path = %q, HttpOnly = %v, Secure = %v, want %q, true, %v", r, cookie.Path, cookie.HttpOnly, cookie.Secure, scriptName, secure)
	}
	loc := r.header.Get("Location")
	if want := scriptName + "/list?f=INBOX"; !strings.HasSuffix(loc, want) {
		t.Fatalf("%s: Location = %q, want it to end in %q", r, loc, want)
	}
	r = c.do("GET", "/list?f=INBOX", nil)
	if r.status != http.StatusOK || byID(r.doc, "messages") == nil || len(listRows(r.doc)) == 0 {
		t.Errorf("%s: status %d, want the INBOX of %s with its messages; body: %.300s", r, r.status, a.name, r.body)
	}
	r = c.do("GET", "/folders", nil)
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "folders") == nil {
		t.Fatalf("%s: no ul#folders; body: %.600s", r, r.body)
	}
	csrf := ""
	for _, n := range findAll(r.doc, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "csrf" }) {
		csrf = attr(n, "value")
	}
	if csrf == "" {
		t.Fatalf("%s: no CSRF token", r)
	}
	r = c.do("POST", "/logout", url.Values{"csrf": {csrf}})
	if r.status >= 400 || r.header.Get("Clear-Site-Data") == "" {
		t.Errorf("%s: status %d, Clear-Site-Data %q, want a logout", r, r.status, r.header.Get("Clear-Site-Data"))
	}
	// The old cookie no longer opens the mail.
	u, _ := url.Parse(base + "/")
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "postern", Value: cookie.Value, Path: scriptName}})
	wantRefused(t, c.do("GET", "/list?f=INBOX", nil))
}

// listenConf returns a free port and the base URL of /webmail on it.
func listenConf(t *testing.T) (int, string) {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return port, fmt.Sprintf("http://127.0.0.1:%d/webmail", port)
}
