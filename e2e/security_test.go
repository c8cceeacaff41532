package e2e

import (
	"bytes"
	"fmt"
	"image/png"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// syslogCapture is a syslog socket of the test's own: a unix datagram
// socket that postern is configured to send its audit lines to.
type syslogCapture struct {
	path  string
	conn  *net.UnixConn
	mu    sync.Mutex
	lines []string
}

func captureSyslog(t *testing.T) *syslogCapture {
	t.Helper()
	c := &syslogCapture{path: filepath.Join(env.tmp, "syslog-"+randomHex(4)+".sock")}
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: c.path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	c.conn = conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 8192)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			c.mu.Lock()
			c.lines = append(c.lines, string(buf[:n]))
			c.mu.Unlock()
		}
	}()
	t.Cleanup(func() { conn.Close(); <-done; os.Remove(c.path) })
	return c
}

// waitLines waits until n lines arrived and returns them all.
func (c *syslogCapture) waitLines(n int) []string {
	waitFor(10*time.Second, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return len(c.lines) >= n
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.lines...)
}

// resetGuard forgets every failed-login counter of the suite.
func resetGuard(t *testing.T) {
	dir := filepath.Join(env.tmp, "guard")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "u-") && !strings.HasPrefix(e.Name(), "i-") {
			continue // not a counter: the account cache's accounts/
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			t.Errorf("reset guard: %v", err)
		}
	}
}

// TestBruteForceAndAudit: a name is locked after lockout_user failures (even
// the right password then fails, with the same page as a user who does
// not exist), every event reaches syslog as one authpriv line, and
// Debian's fail2ban-regex with dist/fail2ban finds the failures in the
// lines postern really sent.
func TestBruteForceAndAudit(t *testing.T) {
	needBinary(t, "/usr/bin/fail2ban-regex")
	logs := captureSyslog(t)
	withConfig(t, env.baseConf+"audit_socket = "+logs.path+"\nlockout_user = 3\n")
	resetGuard(t)
	t.Cleanup(func() { resetGuard(t) })
	b := env.b
	ghost := "ptghost" + randomHex(3)

	c := newClient(t, "")
	for i := range 3 {
		r := c.post("/login", url.Values{"user": {b.name}, "pass": {"wrong" + strconv.Itoa(i)}})
		wantStatus(t, r, http.StatusUnauthorized)
		r = c.post("/login", url.Values{"user": {ghost}, "pass": {"wrong"}})
		wantStatus(t, r, http.StatusUnauthorized)
	}
	locked := c.post("/login", url.Values{"user": {b.name}, "pass": {b.pass}})
	wantStatus(t, locked, http.StatusUnauthorized)
	if c.cookie() != "" || byID(locked.doc, "login-failed") == nil {
		t.Errorf("%s: right password of a locked user: cookie %q, want the failed-login page and no session", locked, c.cookie())
	}
	unknown := c.post("/login", url.Values{"user": {ghost}, "pass": {"wrong"}})
	if a, u := bytes.ReplaceAll(locked.body, []byte(b.name), nil), bytes.ReplaceAll(unknown.body, []byte(ghost), nil); !bytes.Equal(a, u) {
		t.Errorf("the page of a locked user differs from that of a user who does not exist:\n%s\n----\n%s", a, u)
	}

	// Forget the lock: a success then logs in and resets the count.
	resetGuard(t)
	c.login(b)
	r := c.post("/logout", url.Values{"csrf": {c.csrf()}})
	wantStatus(t, r, http.StatusOK)
	forged := newClient(t, "")
	forged.setCookie(b.mailboxID + ":0123456789abcdef:" + randomHex(16))
	wantRefused(t, forged.get("/list?f=INBOX"))

	// 6 failures, 2 locked (the locked user and the unknown one), login
	// ok, logout, session refused (no such session): 11 lines at least.
	lines := logs.waitLines(11)
	re := regexp.MustCompile(`^<(\d+)>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d postern\[\d+\]: (.*)$`)
	var plain []string
	want := map[string]int{}
	for _, l := range lines {
		m := re.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("syslog datagram %q is not <PRI>Mmm dd hh:mm:ss postern[PID]: ...", l)
			continue
		}
		pri, _ := strconv.Atoi(m[1])
		if pri/8 != 10 {
			t.Errorf("syslog line %q: facility %d, want 10 (authpriv)", l, pri/8)
		}
		event := strings.SplitN(m[2], " ip=", 2)[0]
		want[event]++
		// What a syslog daemon writes to auth.log: the PRI is consumed, the
		// host name added.
		plain = append(plain, strings.Replace(l[len(m[1])+2:], " postern[", " testhost postern[", 1))
		if !strings.Contains(m[2], " ip=127.0.0.1 ") {
			t.Errorf("syslog line %q: want ip=127.0.0.1", l)
		}
	}
	for ev, n := range map[string]int{"login failed": 6, "login locked": 2, "login ok": 1, "logout ok": 1, "session refused": 1} {
		if want[ev] < n {
			t.Errorf("%d %q lines, want %d; lines:\n%s", want[ev], ev, n, strings.Join(lines, "\n"))
		}
	}
	failures := want["login failed"] + want["login locked"]
	if matched, out := fail2banRegex(t, filepath.Join(env.root, "dist/fail2ban/filter.d/postern.conf"), plain); matched != failures {
		t.Errorf("fail2ban-regex matched %d of the lines, want %d failures:\n%s\nlog:\n%s", matched, failures, out, strings.Join(plain, "\n"))
	}
}

// fail2banRegex runs Debian's fail2ban-regex with the fail2ban filter
// file filter (and the system's common.conf) on the auth.log lines, and
// returns how many lines it matched and its output.
func fail2banRegex(t *testing.T, filter string, lines []string) (matched int, out string) {
	t.Helper()
	logFile := filepath.Join(t.TempDir(), "auth.log")
	if err := os.WriteFile(logFile, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := t.TempDir()
	if err := os.MkdirAll(filepath.Join(conf, "filter.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	for src, dst := range map[string]string{
		"/etc/fail2ban/filter.d/common.conf": "common.conf",
		filter:                               "postern.conf",
	} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(conf, "filter.d", dst), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := exec.Command("fail2ban-regex", "--config", conf, logFile, "postern").CombinedOutput()
	if err != nil {
		t.Fatalf("fail2ban-regex: %v\n%s", err, b)
	}
	m := regexp.MustCompile(`Lines: (\d+) lines, \d+ ignored, (\d+) matched`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("fail2ban-regex printed no count of matched lines:\n%s", b)
	}
	matched, _ = strconv.Atoi(string(m[2]))
	return matched, string(b)
}

// TestRequireHTTPS: with require_https on (the default), a login over
// plain HTTP is refused before the password is looked at, and the login
// page says why; no Strict-Transport-Security without TLS.
func TestRequireHTTPS(t *testing.T) {
	withConfig(t, strings.Replace(env.baseConf, "require_https = no\n", "", 1))
	c := newClient(t, "")
	r := c.get("/")
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "need-https") == nil {
		t.Errorf("%s: no #need-https warning on the login page over HTTP", r)
	}
	if h := r.header.Get("Strict-Transport-Security"); h != "" {
		t.Errorf("%s: Strict-Transport-Security = %q over plain HTTP, want none", r, h)
	}
	r = c.post("/login", url.Values{"user": {env.a.name}, "pass": {env.a.pass}})
	wantStatus(t, r, http.StatusForbidden)
	if c.cookie() != "" {
		t.Errorf("%s: a session over plain HTTP with require_https on", r)
	}
}

// TestAllowFrom: logins and sessions from outside allow_from are refused.
func TestAllowFrom(t *testing.T) {
	c := loggedIn(t, env.a)
	withConfig(t, env.baseConf+"allow_from = 192.0.2.0/24, 2001:db8::/32\n")
	r := c.get("/list?f=INBOX")
	wantRefused(t, r)
	wantStatus(t, r, http.StatusForbidden)
	r = newClient(t, "").post("/login", url.Values{"user": {env.a.name}, "pass": {env.a.pass}})
	wantStatus(t, r, http.StatusForbidden)
	withConfig(t, env.baseConf+"allow_from = 127.0.0.0/8 ::1\n")
	if r := c.get("/list?f=INBOX"); !isMailPage(r) {
		t.Errorf("%s from 127.0.0.1 with allow_from 127.0.0.0/8: status %d, want the list", r, r.status)
	}
}

// TestLoginOptions: "remember my user name" keeps only the name in a
// long-lived cookie; "public computer" remembers nothing and shortens the
// idle timeout.
func TestLoginOptions(t *testing.T) {
	a := env.a
	c := newClient(t, "")
	r := c.post("/login", url.Values{"user": {a.name}, "pass": {a.pass}, "remember": {"1"}})
	wantStatus(t, r, http.StatusSeeOther)
	var remembered *http.Cookie
	for _, k := range (&http.Response{Header: r.header}).Cookies() {
		if k.Name == "postern-user" {
			remembered = k
		}
	}
	if remembered == nil || remembered.Value != a.name || remembered.MaxAge < 30*24*3600 || !remembered.HttpOnly {
		t.Fatalf("%s with remember: postern-user cookie = %+v, want the user name, long-lived, HttpOnly", r, remembered)
	}
	if strings.Contains(strings.Join(r.header.Values("Set-Cookie"), ";"), a.pass) {
		t.Errorf("%s: a cookie holds the password", r)
	}
	c.post("/logout", url.Values{"csrf": {c.csrf()}})
	c.setRememberCookie(a.name) // Clear-Site-Data is for browsers; the jar keeps what it is told
	r = c.get("/")
	if in := findFirst(r.doc, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "user" }); in == nil || attr(in, "value") != a.name {
		t.Errorf("%s: login page does not prefill the remembered user name", r)
	}

	withConfig(t, env.baseConf+"public_idle = 2s\n")
	p := newClient(t, "")
	p.setRememberCookie(a.name)
	r = p.post("/login", url.Values{"user": {a.name}, "pass": {a.pass}, "public": {"1"}, "remember": {"1"}})
	wantStatus(t, r, http.StatusSeeOther)
	for _, k := range (&http.Response{Header: r.header}).Cookies() {
		if k.Name == "postern-user" && k.MaxAge >= 0 {
			t.Errorf("%s public computer: postern-user cookie %+v set, want it removed", r, k)
		}
	}
	if !isMailPage(p.get("/list?f=INBOX")) {
		t.Fatal("public session refused at once")
	}
	time.Sleep(3500 * time.Millisecond)
	wantRefused(t, p.get("/list?f=INBOX"))
}

func (c *client) setRememberCookie(v string) {
	u, _ := url.Parse(env.base + "/")
	c.jar.SetCookies(u, []*http.Cookie{{Name: "postern-user", Value: v, Path: "/cgi-bin/postern"}})
}

// TestSessionControl: the security page lists the user's sessions; ending
// one ends it at once, "end all others" ends the rest.
func TestSessionControl(t *testing.T) {
	a := env.a
	one, two, three := loggedIn(t, a), loggedIn(t, a), loggedIn(t, a)
	r := one.get("/security")
	wantStatus(t, r, http.StatusOK)
	rows := findAll(r.doc, func(n *html.Node) bool { return isElem(n, "tr") && hasClass(n, "session") })
	if len(rows) < 3 {
		t.Fatalf("%s: %d session rows, want at least 3", r, len(rows))
	}
	_, sid2, _ := cookieParts(t, two.cookie())
	csrf := one.csrf()
	r = one.post("/sessions", url.Values{"csrf": {csrf}, "op": {"end"}, "id": {sid2}})
	wantStatus(t, r, http.StatusOK)
	wantRefused(t, two.get("/list?f=INBOX"))
	if !isMailPage(three.get("/list?f=INBOX")) {
		t.Fatal("ending one session ended another")
	}
	r = one.post("/sessions", url.Values{"csrf": {csrf}, "op": {"others"}})
	wantStatus(t, r, http.StatusOK)
	wantRefused(t, three.get("/list?f=INBOX"))
	if !isMailPage(one.get("/list?f=INBOX")) {
		t.Error("end all others ended this session too")
	}
}

// TestTOTP: enrolment with a server-rendered QR code and a first code
// computed by oathtool, the two-step login, replay refused, recovery codes
// used once.
func TestTOTP(t *testing.T) {
	needBinary(t, "/usr/bin/oathtool")
	a := env.a
	t.Cleanup(func() { os.Remove(filepath.Join(a.maildir, "postern", "totp")) })
	c := loggedIn(t, a)
	csrf := c.csrf()
	secret := beginTOTP(t, c, csrf)
	q := c.get("/totp/qr")
	wantStatus(t, q, http.StatusOK)
	if img, err := png.Decode(bytes.NewReader(q.body)); err != nil || img.Bounds().Dx() < 100 {
		t.Errorf("%s: QR code is not a PNG image: %v", q, err)
	}
	oath := func(at time.Time) string { return oathCode(t, secret, at) }
	now := time.Now()
	first := oath(now)
	recovery := confirmTOTP(t, c, csrf, first)

	// The password alone gives a pending session that reaches no mail.
	p := newClient(t, "")
	r := p.post("/login", url.Values{"user": {a.name}, "pass": {a.pass}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); !strings.HasSuffix(loc, "/totp-login") {
		t.Fatalf("%s: Location = %q, want the TOTP step", r, loc)
	}
	pending := p.cookie()
	r = p.get("/list?f=INBOX")
	if isMailPage(r) || r.status != http.StatusSeeOther {
		t.Errorf("%s with a pending session: status %d, want a redirect to the TOTP step", r, r.status)
	}
	pcsrf := totpCSRF(t, p)
	r = p.post("/totp-login", url.Values{"csrf": {pcsrf}, "code": {first}})
	wantStatus(t, r, http.StatusUnauthorized) // replay of the confirmation code
	r = p.post("/totp-login", url.Values{"csrf": {pcsrf}, "code": {"000000"}})
	wantStatus(t, r, http.StatusUnauthorized)
	next := oath(now.Add(30 * time.Second))
	r = p.post("/totp-login", url.Values{"csrf": {pcsrf}, "code": {next}})
	wantStatus(t, r, http.StatusSeeOther)
	if p.cookie() == pending || !isMailPage(p.get("/list?f=INBOX")) {
		t.Errorf("after the right code: cookie changed %v, want a new full session", p.cookie() != pending)
	}
	old := newClient(t, "")
	old.setCookie(pending)
	wantRefused(t, old.get("/list?f=INBOX"))

	// A recovery code works once.
	for i, want := range []int{http.StatusSeeOther, http.StatusUnauthorized} {
		rc := newClient(t, "")
		rc.post("/login", url.Values{"user": {a.name}, "pass": {a.pass}})
		r := rc.post("/totp-login", url.Values{"csrf": {totpCSRF(t, rc)}, "code": {recovery[0]}})
		if r.status != want {
			t.Errorf("recovery code, use %d: status %d, want %d", i+1, r.status, want)
		}
	}
}

// TestLandlock: a message file in the Maildir that is a symbolic link to
// a world-readable file elsewhere (the effect of a path bug) is served
// without the sandbox and refused by the kernel with it.
func TestLandlock(t *testing.T) {
	a := env.a
	outside := filepath.Join(env.tmp, "not-"+a.name)
	os.MkdirAll(outside, 0o755)
	secretText := "world-readable but not yours " + randomHex(8)
	os.WriteFile(filepath.Join(outside, "msg"), []byte("Subject: leak\r\n\r\n"+secretText+"\r\n"), 0o644)
	for _, target := range []string{filepath.Join(outside, "msg"), "/etc/passwd"} {
		key := fmt.Sprintf("1700000777.M%sP1.e2elink", randomHex(3))
		link := filepath.Join(a.maildir, "cur", key+":2,T") // a flag lookup does not try
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		os.Lchown(link, a.uid, a.gid)
		t.Cleanup(func() { os.Remove(link) })
		c := loggedIn(t, a)
		want := secretText
		if target == "/etc/passwd" {
			want = "root:x:0:0"
		}
		withConfig(t, env.baseConf+"landlock = no\n")
		r := c.get("/raw?f=INBOX&id=" + key)
		if !bytes.Contains(r.body, []byte(want)) {
			t.Fatalf("%s without Landlock: status %d, the link to %s was not followed; the test proves nothing", r, r.status, target)
		}
		withConfig(t, env.baseConf)
		r = c.get("/raw?f=INBOX&id=" + key)
		if bytes.Contains(r.body, []byte(want)) {
			t.Errorf("%s with Landlock: served %s through a symbolic link", r, target)
		}
		if !strings.Contains(readErrorLog(t), "permission denied") {
			t.Errorf("%s with Landlock: no permission denied in the error log", r)
		}
	}
}

func readErrorLog(t *testing.T) string {
	b, err := os.ReadFile(env.errorLog)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPasswordChange: the Security page changes a PAM user's password
// through pam_chauthtok (the packaged service's password stack), ends the
// user's other sessions, and refuses a wrong current password.
func TestPasswordChange(t *testing.T) {
	b := env.b
	resetGuard(t)
	one, two := loggedIn(t, b), loggedIn(t, b)
	csrf := one.csrf()
	newPW := "Nw-" + randomHex(10)
	r := one.post("/password", url.Values{"csrf": {csrf}, "old": {"wrong" + b.pass}, "new": {newPW}, "new2": {newPW}})
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(noticeText(r), "not changed") || !isMailPage(two.get("/folders")) {
		t.Fatalf("%s with a wrong current password: notice %q; the other session must live", r, noticeText(r))
	}
	r = one.post("/password", url.Values{"csrf": {csrf}, "old": {b.pass}, "new": {newPW}, "new2": {newPW}})
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(noticeText(r), "was changed") {
		t.Fatalf("%s: notice %q, want the password changed; body %.1500s", r, noticeText(r), r.body)
	}
	restore := func(from string) {
		c := newClient(t, "")
		c.post("/login", url.Values{"user": {b.name}, "pass": {from}})
		r := c.post("/password", url.Values{"csrf": {c.csrf()}, "old": {from}, "new": {b.pass}, "new2": {b.pass}})
		if !strings.Contains(noticeText(r), "was changed") {
			t.Errorf("restoring %s's password: %q", b.name, noticeText(r))
		}
	}
	defer restore(newPW)
	wantRefused(t, two.get("/folders"))
	if !isMailPage(one.get("/folders")) {
		t.Error("the session that changed the password ended")
	}
	// The login history has it, newest first.
	r = one.get("/security")
	if ev := byClass(byID(r.doc, "history-list"), "event"); !strings.Contains(text(ev), "password changed127.0.0.1") {
		t.Errorf("%s: newest history event %q, want the password change", r, text(ev))
	}
	if r := newClient(t, "").post("/login", url.Values{"user": {b.name}, "pass": {b.pass}}); r.status != http.StatusUnauthorized {
		t.Errorf("login with the old password: status %d, want 401", r.status)
	}
	resetGuard(t)
}

// TestTOTPRequired: with totp = required, a user without a key reaches
// only the Security page until enrolled.
func TestTOTPRequired(t *testing.T) {
	withConfig(t, env.baseConf+"totp = required\n")
	c := loggedIn(t, env.b)
	r := c.get("/list?f=INBOX")
	if r.status != http.StatusSeeOther || !strings.HasSuffix(r.header.Get("Location"), "/security") {
		t.Errorf("%s without a key under totp = required: status %d, Location %q, want 303 to /security", r, r.status, r.header.Get("Location"))
	}
	r = c.get("/security")
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "totp-begin") == nil {
		t.Errorf("%s: no #totp-begin form under totp = required", r)
	}
}
