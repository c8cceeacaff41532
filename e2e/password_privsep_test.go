package e2e

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPasswordPrivsep: with auth = pam, POST /password runs
// pam_chauthtok as root only for a caller whose session the program has
// proved first, in a child run of itself as the ordinary request POST
// /session-check (postern issue 6). Knowing the current password is not
// enough: a forged cookie, a pending TOTP session, a wrong or missing
// CSRF token and a cookie replayed from another address are each refused
// with the login page (401), the user's /etc/shadow hash unchanged, the
// guard's count untouched (the password was not tried) and one audit
// line "password failed ... no valid session"; a full session still
// changes the password.
func TestPasswordPrivsep(t *testing.T) {
	needBinary(t, "/usr/bin/oathtool")
	logs := captureSyslog(t)
	withConfig(t, env.baseConf+"audit_socket = "+logs.path+"\n")
	resetGuard(t)
	t.Cleanup(func() { resetGuard(t) })
	b := env.b
	orig, err := shadowHash(b.name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { restoreShadow(t, b.name, orig) })
	newPW := "Nw-" + randomHex(10)

	// refused posts the password form with the right current password
	// through c and checks that nothing changed; audit lists the events
	// (with " ip=...") that must each appear once among the new lines.
	refused := func(t *testing.T, c *client, ip, csrf string, audit ...string) {
		t.Helper()
		seen := len(logs.waitLines(0))
		form := url.Values{"old": {b.pass}, "new": {newPW}, "new2": {newPW}}
		if csrf != "" {
			form.Set("csrf", csrf)
		}
		r := c.post("/password", form)
		if r.status != http.StatusUnauthorized || r.doc == nil || byID(r.doc, "login") == nil {
			t.Errorf("%s: status %d, want 401 and the login page; body %.600s", r, r.status, r.body)
		}
		if h, err := shadowHash(b.name); err != nil || h != orig {
			t.Errorf("%s: /etc/shadow hash of %s changed (%v): pam_chauthtok ran without a proved session", r, b.name, err)
			restoreShadow(t, b.name, orig)
		}
		if n := guardCount(t, b.name); n != 0 {
			t.Errorf("%s: guard count of %s = %d, want 0 (no password was tried)", r, b.name, n)
		}
		want := append([]string{"password failed ip=" + ip + ` user="` + b.name + `" reason="no valid session"`}, audit...)
		lines := logs.waitLines(seen + len(want))[seen:]
		for _, w := range want {
			if n := countContaining(lines, w); n != 1 {
				t.Errorf("%s: %d audit lines with %q, want 1; new lines:\n%s", r, n, w, strings.Join(lines, "\n"))
			}
		}
		if n := countContaining(lines, "password changed"); n != 0 {
			t.Errorf("%s: %d \"password changed\" audit lines, want none", r, n)
		}
	}

	t.Run("forged cookie", func(t *testing.T) {
		real := loggedIn(t, b)
		csrf := real.csrf()
		id, sid, secret := cookieParts(t, real.cookie())
		forged := newClient(t, "")
		forged.setCookie(id + ":" + sid + ":" + flipHex(secret))
		// The child refused the token and said so once (fail2ban counts
		// that line); the parent adds the password event.
		refused(t, forged, "127.0.0.1", csrf, `session refused ip=127.0.0.1 user="`+b.name+`" reason="bad token"`)
		if !isMailPage(real.get("/folders")) {
			t.Error("the real session ended after a forged use")
		}
	})

	t.Run("wrong or missing csrf", func(t *testing.T) {
		c := loggedIn(t, b)
		csrf, cookie := c.csrf(), c.cookie()
		refused(t, c, "127.0.0.1", flipHex(csrf))
		c.setCookie(cookie) // the refusal cleared it
		refused(t, c, "127.0.0.1", "")
	})

	t.Run("other address", func(t *testing.T) {
		c := loggedIn(t, b)
		csrf := c.csrf()
		other := newClient(t, "127.0.0.2")
		other.setCookie(c.cookie())
		refused(t, other, "127.0.0.2", csrf, `session refused ip=127.0.0.2 user="`+b.name+`" reason="IP changed"`)
	})

	t.Run("pending totp session", func(t *testing.T) {
		totp := filepath.Join(b.maildir, "postern", "totp")
		t.Cleanup(func() { os.Remove(totp) })
		c := loggedIn(t, b)
		csrf := c.csrf()
		secret := beginTOTP(t, c, csrf)
		confirmTOTP(t, c, csrf, oathCode(t, secret, time.Now()))
		p, pcsrf := pendingLogin(t, b)
		refused(t, p, "127.0.0.1", pcsrf)
		if err := os.Remove(totp); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("full session", func(t *testing.T) {
		c, other := loggedIn(t, b), loggedIn(t, b)
		seen := len(logs.waitLines(0))
		r := c.post("/password", url.Values{"csrf": {c.csrf()}, "old": {b.pass}, "new": {newPW}, "new2": {newPW}})
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(noticeText(r), "was changed") {
			t.Fatalf("%s: no notice that the password was changed; body %.1500s", r, r.body)
		}
		defer restoreShadow(t, b.name, orig)
		if h, _ := shadowHash(b.name); h == orig {
			t.Errorf("%s: /etc/shadow hash of %s unchanged after a change with a full session", r, b.name)
		}
		lines := logs.waitLines(seen + 1)[seen:]
		wantRefused(t, other.get("/folders"))
		if n := countContaining(lines, `password changed ip=127.0.0.1 user="`+b.name+`"`); n != 1 {
			t.Errorf("%d \"password changed\" audit lines, want 1; new lines:\n%s", n, strings.Join(lines, "\n"))
		}
		// The child's proof of a good session leaves no refusal behind.
		for _, ev := range []string{"password failed", "session refused"} {
			if n := countContaining(lines, ev); n != 0 {
				t.Errorf("%d %q audit lines after a change with a full session, want 0:\n%s", n, ev, strings.Join(lines, "\n"))
			}
		}
	})
}

// countContaining counts the lines that contain s.
func countContaining(lines []string, s string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l, s) {
			n++
		}
	}
	return n
}

// restoreShadow puts hash back as name's /etc/shadow password, if it
// changed (chpasswd -e takes it as it is).
func restoreShadow(t *testing.T, name, hash string) {
	t.Helper()
	if h, err := shadowHash(name); err == nil && h == hash {
		return
	}
	cmd := exec.Command("chpasswd", "-e")
	cmd.Stdin = strings.NewReader(name + ":" + hash + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("restoring the password of %s: chpasswd -e: %v: %s", name, err, out)
	}
}
