package e2e

import (
	"bytes"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// TestLoginHistory: failed logins from two addresses (127.0.0.2 and
// 127.0.0.3: the suite's Apache listens on 127.0.0.1, and a client that
// binds another loopback address reaches it from there), then a good
// one: the one-time notice and the Security page's history show them
// exactly, with "end all other sessions" after.
func TestLoginHistory(t *testing.T) {
	resetGuard(t)
	defer resetGuard(t)
	a, err := newAccount("h")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Truncate(time.Second)

	first := loggedIn(t, a)
	r := first.get("/list?f=INBOX")
	if n := byID(r.doc, "login-notice"); n != nil {
		t.Errorf("%s: the first login shows the notice %q, want none (nothing happened before)", r, text(n))
	}

	fail := func(ip, ua string) {
		t.Helper()
		c := newClient(t, ip)
		c.ua = ua
		r := c.post("/login", url.Values{"user": {a.name}, "pass": {"wrong-" + a.pass}})
		wantStatus(t, r, http.StatusUnauthorized)
	}
	firefox := "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	fail("127.0.0.2", firefox)
	fail("127.0.0.2", firefox)
	fail("127.0.0.3", "w3m/0.5.3")

	c := loggedIn(t, a)
	r = c.get("/list?f=INBOX")
	if !isMailPage(r) {
		t.Fatalf("%s after the login: not the mail page", r)
	}
	notice := text(byID(r.doc, "login-notice"))
	r = c.get("/list?f=INBOX")
	if n := byID(r.doc, "login-notice"); n != nil {
		t.Errorf("%s: the notice is shown again: %q", r, text(n))
	}

	r = c.post("/sessions", url.Values{"csrf": {c.csrf()}, "op": {"others"}})
	wantStatus(t, r, http.StatusOK)
	end := time.Now()

	r = c.get("/security")
	wantStatus(t, r, http.StatusOK)
	type event struct{ when, what, ip, browser string }
	var got []event
	for _, tr := range findAll(byID(r.doc, "history-list"), func(n *html.Node) bool { return isElem(n, "tr") && hasClass(n, "event") }) {
		tds := findAll(tr, func(n *html.Node) bool { return isElem(n, "td") })
		if len(tds) != 4 {
			t.Fatalf("%s: a history row with %d cells, want 4", r, len(tds))
		}
		got = append(got, event{text(tds[0]), text(tds[1]), text(tds[2]), text(tds[3])})
	}
	want := []event{
		{"", "logged out other sessions", "127.0.0.1", "other"},
		{"", "login (password)", "127.0.0.1", "other"},
		{"", "failed login: wrong password", "127.0.0.3", "w3m"},
		{"", "failed login: wrong password", "127.0.0.2", "Firefox"},
		{"", "failed login: wrong password", "127.0.0.2", "Firefox"},
		{"", "login (password)", "127.0.0.1", "other"},
	}
	if len(got) != len(want) {
		t.Fatalf("%s: history = %q, want %d events like %q", r, got, len(want), want)
	}
	for i := range want {
		when, err := time.ParseInLocation(time.DateTime, got[i].when, time.Local)
		if err != nil || when.Before(start) || when.After(end) {
			t.Errorf("history row %d: time %q (%v), want between %v and %v", i, got[i].when, err, start, end)
		}
		want[i].when = got[i].when
		if got[i] != want[i] {
			t.Errorf("history row %d = %q, want %q", i, got[i], want[i])
		}
	}
	wantNotice := "Last login: " + got[5].when + " from 127.0.0.1; 3 failed attempts since. Login history"
	if notice != wantNotice {
		t.Errorf("notice after the login = %q, want %q", notice, wantNotice)
	}
}

// TestLoginHistoryCodes: with two-step login, a wrong code is a failed
// login in the history (checked after the drop, recorded as the user), a
// wrong password before it is handed over at the password step, and the
// login is recorded with its factors once the code is right; the notice
// counts both failures.
func TestLoginHistoryCodes(t *testing.T) {
	needBinary(t, "/usr/bin/oathtool")
	resetGuard(t)
	defer resetGuard(t)
	a, err := newAccount("hc")
	if err != nil {
		t.Fatal(err)
	}
	c := loggedIn(t, a)
	csrf := c.csrf()
	secret := beginTOTP(t, c, csrf)
	enrolled := time.Now()
	confirmTOTP(t, c, csrf, oathCode(t, secret, enrolled))

	bad := newClient(t, "127.0.0.2")
	wantStatus(t, bad.post("/login", url.Values{"user": {a.name}, "pass": {"wrong-" + a.pass}}), http.StatusUnauthorized)
	p, pcsrf := pendingLogin(t, a)
	wantStatus(t, p.post("/totp-login", url.Values{"csrf": {pcsrf}, "code": {"000000"}}), http.StatusUnauthorized)
	at := enrolled.Add(totpStep)
	if now := time.Now(); now.After(at) {
		at = now
	}
	wantStatus(t, p.post("/totp-login", url.Values{"csrf": {pcsrf}, "code": {oathCode(t, secret, at)}}), http.StatusSeeOther)
	r := p.get("/list?f=INBOX")
	if got := text(byID(r.doc, "login-notice")); !strings.HasSuffix(got, "from 127.0.0.1; 2 failed attempts since. Login history") {
		t.Errorf("%s: notice %q, want the first login and 2 failed attempts since", r, got)
	}
	r = p.get("/security")
	var got []string
	for _, tr := range findAll(byID(r.doc, "history-list"), func(n *html.Node) bool { return isElem(n, "tr") && hasClass(n, "event") }) {
		tds := findAll(tr, func(n *html.Node) bool { return isElem(n, "td") })
		got = append(got, text(tds[1])+" "+text(tds[2]))
	}
	want := []string{
		"login (password+totp) 127.0.0.1",
		"failed login: wrong code 127.0.0.1",
		"failed login: wrong password 127.0.0.2",
		"login (password) 127.0.0.1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: history =\n%s\nwant\n%s", r, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLoginAlert: with the preference on, a login with a browser not seen
// before puts one unread message in the INBOX, delivered as the user;
// logins from a seen network and browser, or with the preference off, put
// none.
func TestLoginAlert(t *testing.T) {
	resetGuard(t)
	a, err := newAccount("la")
	if err != nil {
		t.Fatal(err)
	}
	inbox := func() []string {
		t.Helper()
		var subjects []string
		for _, sub := range []string{"cur", "new"} {
			ents, _ := os.ReadDir(filepath.Join(folderDir(a, "INBOX"), sub))
			for _, e := range ents {
				b, _ := os.ReadFile(filepath.Join(folderDir(a, "INBOX"), sub, e.Name()))
				if m, err := mail.ReadMessage(bytes.NewReader(b)); err == nil && strings.HasPrefix(m.Header.Get("Subject"), "New login") {
					subjects = append(subjects, m.Header.Get("Subject"))
				}
			}
		}
		return subjects
	}
	as := func(ip, ua string) {
		t.Helper()
		c := newClient(t, ip)
		c.ua = ua
		c.login(a)
	}
	firefox := "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	c := loggedIn(t, a)
	as("", firefox) // the preference is off
	if got := inbox(); len(got) != 0 {
		t.Fatalf("alerts with the preference off: %q", got)
	}
	tok := c.csrf()
	wantStatus(t, c.post("/prefs", url.Values{"csrf": {tok}, "pagesize": {"50"}, "loginalert": {"1"}}), http.StatusOK)
	as("127.0.0.2", "") // the /24 and the browser (Go's: "other") were seen
	as("", firefox)     // seen too
	if got := inbox(); len(got) != 0 {
		t.Fatalf("alerts after logins from a seen network and browser: %q", got)
	}
	as("127.0.0.2", "w3m/0.5.3")
	want := []string{"New login from 127.0.0.2 (w3m)"}
	if got := inbox(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("alerts after a login with a new browser = %q, want %q", got, want)
	}
	as("127.0.0.2", "w3m/0.5.3")
	if got := inbox(); len(got) != 1 {
		t.Errorf("alerts after a second login with that browser = %q, want still one", got)
	}
	_, unread := countMail(a, "INBOX")
	if unread == 0 {
		t.Error("the alert is not unread")
	}
}

// TestLoginHistoryLocked: a login refused because the name is locked,
// even with the right password, is in the history as locked.
func TestLoginHistoryLocked(t *testing.T) {
	withConfig(t, env.baseConf+"lockout_user = 2\n")
	resetGuard(t)
	defer resetGuard(t)
	a, err := newAccount("hl")
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, "127.0.0.2")
	for range 2 {
		wantStatus(t, c.post("/login", url.Values{"user": {a.name}, "pass": {"wrong-" + a.pass}}), http.StatusUnauthorized)
	}
	wantStatus(t, c.post("/login", url.Values{"user": {a.name}, "pass": {a.pass}}), http.StatusUnauthorized)
	resetGuard(t)
	good := loggedIn(t, a)
	r := good.get("/security")
	var got []string
	for _, tr := range findAll(byID(r.doc, "history-list"), func(n *html.Node) bool { return isElem(n, "tr") && hasClass(n, "event") }) {
		tds := findAll(tr, func(n *html.Node) bool { return isElem(n, "td") })
		got = append(got, text(tds[1])+" "+text(tds[2]))
	}
	want := []string{
		"login (password) 127.0.0.1",
		"failed login: locked 127.0.0.2",
		"failed login: wrong password 127.0.0.2",
		"failed login: wrong password 127.0.0.2",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: history =\n%s\nwant\n%s", r, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
