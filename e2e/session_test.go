package e2e

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cookieParts splits a postern cookie into mailbox id, session id, secret.
func cookieParts(t *testing.T, v string) (id, sid, secret string) {
	t.Helper()
	p := strings.Split(v, ":")
	if len(p) != 3 {
		t.Fatalf("cookie %q: want three colon-separated parts", v)
	}
	return p[0], p[1], p[2]
}

func TestForgedCookie(t *testing.T) {
	a := env.a
	real := loggedIn(t, a)
	_, sid, secret := cookieParts(t, real.cookie())
	cases := []struct{ what, cookie string }{
		{"random id and secret", a.mailboxID + ":" + randomHex(8) + ":" + randomHex(16)},
		{"real id, random secret", a.mailboxID + ":" + sid + ":" + randomHex(16)},
		{"real id, secret one bit off", a.mailboxID + ":" + sid + ":" + flipHex(secret)},
		{"real id, no secret", a.mailboxID + ":" + sid + ":"},
		{"path in session id", a.mailboxID + ":../../.bashrc:" + secret},
		{"wrong method", a.name + ".webpass:" + sid + ":" + secret},
		{"root", "root.pam:" + sid + ":" + secret},
	}
	for _, tc := range cases {
		c := newClient(t, "")
		c.setCookie(tc.cookie)
		r := c.get("/list?f=INBOX")
		wantRefused(t, r, a.known.plainSubject)
	}
}

// flipHex changes the last hex digit of s.
func flipHex(s string) string {
	if s == "" {
		return "0"
	}
	last := s[len(s)-1]
	repl := byte('0')
	if last == '0' {
		repl = '1'
	}
	return s[:len(s)-1] + string(repl)
}

func TestCookieFromOtherIP(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	other := newClient(t, "127.0.0.2")
	other.setCookie(c.cookie())
	r := other.get("/list?f=INBOX")
	wantRefused(t, r, a.known.plainSubject)
	// The session is still good from the login address.
	if r := c.get("/list?f=INBOX"); !isMailPage(r) {
		t.Errorf("%s from the login IP after a refused use elsewhere: status %d, want the list", r, r.status)
	}
}

func TestNoBindSession(t *testing.T) {
	a := env.a
	c := newClient(t, "")
	r := c.post("/login", url.Values{"user": {a.name}, "pass": {a.pass}, "nobind": {"1"}})
	wantStatus(t, r, http.StatusSeeOther)
	other := newClient(t, "127.0.0.2")
	other.setCookie(c.cookie())
	if r := other.get("/list?f=INBOX"); !isMailPage(r) {
		t.Errorf("%s from another IP with nobind: status %d, want the list", r, r.status)
	}
}

func TestIdleTimeout(t *testing.T) {
	withConfig(t, env.baseConf+"session_idle = 3s\n")
	a := env.a
	c := loggedIn(t, a)
	if r := c.get("/list?f=INBOX"); !isMailPage(r) {
		t.Fatalf("%s right after login: status %d, want the list", r, r.status)
	}
	time.Sleep(4 * time.Second)
	r := c.get("/list?f=INBOX")
	wantRefused(t, r, a.known.plainSubject)
}

func TestAbsoluteTimeout(t *testing.T) {
	withConfig(t, env.baseConf+"session_max = 5s\n")
	a := env.a
	start := time.Now()
	c := loggedIn(t, a)
	var ended time.Duration
	for time.Since(start) < 9*time.Second {
		time.Sleep(time.Second)
		r := c.get("/list?f=INBOX")
		if !isMailPage(r) {
			ended = time.Since(start)
			wantRefused(t, r, a.known.plainSubject)
			break
		}
	}
	if ended == 0 {
		t.Fatalf("session_max = 5s: still served after %v of requests every second", time.Since(start).Round(time.Second))
	}
	if ended < 4*time.Second {
		t.Errorf("session_max = 5s: session ended after only %v", ended.Round(100*time.Millisecond))
	}
}

func TestLogout(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	old := c.cookie()
	_, sid, _ := cookieParts(t, old)
	file := filepath.Join(a.maildir, "postern", "sessions", sid)
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("session file: %v", err)
	}
	tok := c.csrf()
	r := c.post("/logout", url.Values{"csrf": {tok}})
	if r.status != http.StatusOK && r.status != http.StatusSeeOther {
		t.Errorf("%s: status = %d, want 200 or 303", r, r.status)
	}
	if got := r.header.Get("Clear-Site-Data"); !strings.Contains(got, `"cookies"`) && !strings.Contains(got, `"*"`) {
		t.Errorf("%s: Clear-Site-Data = %q, want it to clear cookies", r, got)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("%s: session file %s still there (%v)", r, file, err)
	}
	replay := newClient(t, "")
	replay.setCookie(old)
	wantRefused(t, replay.get("/list?f=INBOX"), a.known.plainSubject)
	r = replay.post("/action", url.Values{"csrf": {tok}, "f": {"INBOX"}, "op": {"delete"}, "id": {a.known.plainKey}})
	if r.status == http.StatusSeeOther {
		t.Errorf("%s with the logged-out cookie: status 303, want a refusal", r)
	}
	if _, _, ok := findKey(a, "INBOX", a.known.plainKey); !ok {
		t.Errorf("%s with the logged-out cookie deleted %s", r, a.known.plainKey)
	}
}

func TestOtherUser(t *testing.T) {
	a, b := env.a, env.b
	ca := loggedIn(t, a)
	_, sid, secret := cookieParts(t, ca.cookie())
	// A's session id and secret under B's mailbox id.
	swapped := newClient(t, "")
	swapped.setCookie(b.mailboxID + ":" + sid + ":" + secret)
	wantRefused(t, swapped.get("/list?f=INBOX"), b.known.plainSubject, b.known.secretBody)

	// A's own session cannot name B's messages.
	for _, path := range []string{
		msgPath("INBOX", b.known.secretKey),
		"/raw?" + url.Values{"f": {"INBOX"}, "id": {b.known.secretKey}}.Encode(),
		msgPath("../../"+b.name+"/Maildir", b.known.secretKey),
		"/list?" + url.Values{"f": {"/home/" + b.name + "/Maildir"}}.Encode(),
	} {
		r := ca.get(path)
		if r.status == http.StatusOK {
			t.Errorf("%s as %s: status 200, want 404 or 400", r, a.name)
		}
		wantRefused(t, r, b.known.secretBody, b.known.plainSubject)
	}
}
