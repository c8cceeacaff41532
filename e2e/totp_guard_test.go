package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// Helpers for the TOTP tests: codes from Debian's oathtool, enrolment
// through the Security page, the second login step.

// totpStep is the length of a TOTP time step (RFC 6238, as postern uses).
const totpStep = 30 * time.Second

// oathCode is oathtool's TOTP code of the base32 secret at time at.
func oathCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	out, err := exec.Command("oathtool", "--totp", "-b", "--now", "@"+strconv.FormatInt(at.Unix(), 10), secret).Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// beginTOTP starts an enrolment on c's Security page and returns the key
// shown as text.
func beginTOTP(t *testing.T, c *client, csrf string) string {
	t.Helper()
	r := c.post("/totp", url.Values{"csrf": {csrf}, "op": {"begin"}})
	wantStatus(t, r, http.StatusSeeOther)
	r = c.get("/security")
	secret := text(byID(r.doc, "totp-secret"))
	if secret == "" {
		t.Fatalf("%s: no #totp-secret after begin", r)
	}
	return secret
}

// confirmTOTP confirms the enrolment with code and returns the ten
// recovery codes shown once.
func confirmTOTP(t *testing.T, c *client, csrf, code string) []string {
	t.Helper()
	r := c.post("/totp", url.Values{"csrf": {csrf}, "op": {"confirm"}, "code": {code}})
	wantStatus(t, r, http.StatusOK)
	var recovery []string
	for _, li := range findAll(r.doc, func(n *html.Node) bool { return isElem(n, "code") }) {
		if s := text(li); len(s) == 19 {
			recovery = append(recovery, s)
		}
	}
	if len(recovery) != 10 {
		t.Fatalf("%s: %d recovery codes, want 10; body %.2000s", r, len(recovery), r.body)
	}
	return recovery
}

// totpCSRF returns the CSRF token of c's second-step form.
func totpCSRF(t *testing.T, c *client) string {
	t.Helper()
	r := c.get("/totp-login")
	wantStatus(t, r, http.StatusOK)
	in := findFirst(r.doc, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "csrf" })
	if in == nil {
		t.Fatalf("%s: no csrf field on the code form", r)
	}
	return attr(in, "value")
}

// pendingLogin logs a in with the password alone and returns the client,
// whose session waits for the code, and the code form's CSRF token.
func pendingLogin(t *testing.T, a *account) (*client, string) {
	t.Helper()
	p := newClient(t, "")
	r := p.post("/login", url.Values{"user": {a.name}, "pass": {a.pass}})
	if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || !strings.HasSuffix(loc, "/totp-login") {
		t.Fatalf("%s: status %d, Location %q, want 303 to the TOTP step", r, r.status, loc)
	}
	return p, totpCSRF(t, p)
}

// guardCount reads the failure count of a user name from the suite's
// guard_dir (the counter format of guard/doc.go); a missing file is 0.
func guardCount(t *testing.T, name string) int {
	t.Helper()
	sum := sha256.Sum256([]byte(name))
	b, err := os.ReadFile(filepath.Join(env.tmp, "guard", "u-"+hex.EncodeToString(sum[:])))
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.Fields(string(b) + " x")[0])
	if err != nil {
		t.Fatalf("guard counter of %s: %q", name, b)
	}
	return n
}

// TestTOTPGuard: wrong TOTP and recovery codes count as failed logins in
// the guard, across fresh password logins (a password alone resets
// nothing while the code is due), until the name is locked; then the right
// password, and the right code on a pending session, get the page of a
// locked login; after lockout_time the password and the code work again,
// and the right code resets the count. Each wrong code has its audit line.
func TestTOTPGuard(t *testing.T) {
	needBinary(t, "/usr/bin/oathtool")
	const lockout = 8 * time.Second
	logs := captureSyslog(t)
	withConfig(t, env.baseConf+"audit_socket = "+logs.path+"\nlockout_user = 5\nlockout_time = 8s\n")
	resetGuard(t)
	t.Cleanup(func() { resetGuard(t) })
	a := env.a
	t.Cleanup(func() { os.Remove(filepath.Join(a.maildir, "postern", "totp")) })

	c := loggedIn(t, a)
	csrf := c.csrf()
	secret := beginTOTP(t, c, csrf)
	enrolled := time.Now()
	recovery := confirmTOTP(t, c, csrf, oathCode(t, secret, enrolled))
	// rightCode is a code the server has not accepted yet: the step after
	// the enrolment's, or the current one (postern accepts one step of skew
	// either way, and no step twice).
	rightCode := func() string {
		at := enrolled.Add(totpStep)
		if now := time.Now(); now.After(at) {
			at = now
		}
		return oathCode(t, secret, at)
	}
	// wrongCode is six digits that are none of the codes valid now.
	wrongCode := func(i int) string {
		valid := map[string]bool{}
		for d := -2; d <= 2; d++ {
			valid[oathCode(t, secret, time.Now().Add(time.Duration(d)*totpStep))] = true
		}
		for ; ; i++ {
			if code := fmt.Sprintf("%06d", (i*104729+17)%1000000); !valid[code] {
				return code
			}
		}
	}
	submit := func(p *client, csrf, code string, want int, count int) *response {
		t.Helper()
		r := p.post("/totp-login", url.Values{"csrf": {csrf}, "code": {code}})
		if r.status != want {
			t.Fatalf("%s code %q: status %d, want %d; body %.600s", r, code, r.status, want, r.body)
		}
		if n := guardCount(t, a.name); n != count {
			t.Fatalf("%s code %q: guard count %d, want %d", r, code, n, count)
		}
		return r
	}

	// Wrong codes, one of them a wrong recovery code, are counted; the
	// right (recovery) code resets the count.
	p, pcsrf := pendingLogin(t, a)
	submit(p, pcsrf, wrongCode(1), http.StatusUnauthorized, 1)
	submit(p, pcsrf, "AAAA-BBBB-CCCC-DDDD", http.StatusUnauthorized, 2)
	submit(p, pcsrf, wrongCode(2), http.StatusUnauthorized, 3)
	submit(p, pcsrf, recovery[0], http.StatusSeeOther, 0)
	if !isMailPage(p.get("/list?f=INBOX")) {
		t.Fatal("no mail after the right recovery code")
	}

	// Two wrong codes on each of two fresh password logins; the password
	// logins in between reset nothing.
	p1, csrf1 := pendingLogin(t, a)
	submit(p1, csrf1, wrongCode(3), http.StatusUnauthorized, 1)
	submit(p1, csrf1, wrongCode(4), http.StatusUnauthorized, 2)
	p2, csrf2 := pendingLogin(t, a)
	if n := guardCount(t, a.name); n != 2 {
		t.Fatalf("guard count after a right password with a code due = %d, want 2 (not reset)", n)
	}
	submit(p2, csrf2, wrongCode(5), http.StatusUnauthorized, 3)
	submit(p2, csrf2, wrongCode(6), http.StatusUnauthorized, 4)
	p3, csrf3 := pendingLogin(t, a) // the fifth failure is still to come
	submit(p2, csrf2, wrongCode(7), http.StatusUnauthorized, 5)
	lastFailure := time.Now()

	// Locked: a wrong password, the right password, and the right code on
	// the pending session p3 all get the same page.
	failed := func(r *response, what string) []byte {
		t.Helper()
		if r.status != http.StatusUnauthorized || byID(r.doc, "login-failed") == nil {
			t.Errorf("%s (%s while locked): status %d, want 401 and the failed-login page; body %.600s", r, what, r.status, r.body)
		}
		return normalizeFailure(r.body, a.name)
	}
	wrongPW := newClient(t, "")
	want := failed(wrongPW.post("/login", url.Values{"user": {a.name}, "pass": {a.pass + "x"}}), "wrong password")
	rightPW := newClient(t, "")
	got := failed(rightPW.post("/login", url.Values{"user": {a.name}, "pass": {a.pass}}), "right password")
	if rightPW.cookie() != "" {
		t.Errorf("right password while locked: a session cookie %q", rightPW.cookie())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("right password while locked: page differs from a wrong password's:\n%s\nwant\n%s", got, want)
	}
	r := p3.post("/totp-login", url.Values{"csrf": {csrf3}, "code": {rightCode()}})
	if got := failed(r, "right code"); !bytes.Equal(got, want) {
		t.Errorf("right code while locked: page differs from a wrong password's:\n%s\nwant\n%s", got, want)
	}
	if isMailPage(p3.get("/list?f=INBOX")) {
		t.Fatal("the right code while locked opened the mail")
	}
	if n := guardCount(t, a.name); n != 5 {
		t.Errorf("guard count after refusals while locked = %d, want 5 (refusals are not failures)", n)
	}

	// After lockout_time the password and the code work, and the count is 0.
	time.Sleep(time.Until(lastFailure.Add(lockout + time.Second)))
	p4, csrf4 := pendingLogin(t, a)
	submit(p4, csrf4, rightCode(), http.StatusSeeOther, 0)
	if !isMailPage(p4.get("/list?f=INBOX")) {
		t.Fatal("no mail after the lockout time, the password and the right code")
	}

	// Audit: 8 wrong codes, 3 locked attempts.
	lines := logs.waitLines(8 + 3)
	count := func(prefix string) int {
		n := 0
		for _, l := range lines {
			if strings.Contains(l, ": "+prefix) {
				n++
			}
		}
		return n
	}
	wrongLine := `login failed ip=127.0.0.1 user="` + a.name + `" reason="wrong totp code"`
	if n := count(wrongLine); n != 8 {
		t.Errorf("%d audit lines %q, want 8 (one per wrong code); lines:\n%s", n, wrongLine, strings.Join(lines, "\n"))
	}
	lockedLine := `login locked ip=127.0.0.1 user="` + a.name + `" reason="user locked"`
	if n := count(lockedLine); n != 3 {
		t.Errorf("%d audit lines %q, want 3; lines:\n%s", n, lockedLine, strings.Join(lines, "\n"))
	}
}
