package e2e

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// virtualUser makes a user of auth = webpass under root: the Maildir
// root/<name>, owned by a uid and gid that no account has, with one
// message and a password file as an administrator writes it (openssl's
// SHA-512-crypt hash, mode 600).
func virtualUser(t *testing.T, root string) *account {
	t.Helper()
	uid := 0
	for range 100 {
		if u := 61000 + rand.IntN(3000); !idTaken(u) {
			uid = u
			break
		}
	}
	if uid == 0 {
		t.Fatal("no free uid in 61000-63999")
	}
	name := fmt.Sprintf("ptv%06d", rand.IntN(1000000))
	dir := filepath.Join(root, name)
	a := &account{name: name, pass: "Pw-" + randomHex(8) + "-ü", uid: uid, gid: uid, home: dir, maildir: dir, mailboxID: name + ".webpass"}
	if err := makeMaildir(dir); err != nil {
		t.Fatal(err)
	}
	hash, err := run("openssl", "passwd", "-6", a.pass)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "postern-passwd"), []byte(strings.TrimSpace(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chownTree(a, dir); err != nil {
		t.Fatal(err)
	}
	addMessage(t, a, "INBOX", "cur", "S", "Virtual hello", "A message for a user without an account.")
	return a
}

// idTaken reports whether a user or group has the id n.
func idTaken(n int) bool {
	_, uerr := user.LookupId(strconv.Itoa(n))
	_, gerr := user.LookupGroupId(strconv.Itoa(n))
	return uerr == nil || gerr == nil
}

// TestWebpassPasswordChange: under auth = webpass, a virtual user (no
// system account) changes the password on the Security page. Refused
// changes (wrong current password, new passwords that differ or are too
// short, no CSRF token) leave the password file as it was and the other
// session alive; the change ends the other session, the old password
// stops working and the new one works; the file stays mode 600, owned by
// the Maildir's owner, one yescrypt hash (what auth/pwhash writes); the
// audit log has a line for the refusal and for the change.
func TestWebpassPasswordChange(t *testing.T) {
	needBinary(t, "/usr/bin/openssl")
	logs := captureSyslog(t)
	root := serverDir(t, "webpass-"+randomHex(3))
	v := virtualUser(t, root)
	withConfig(t, strings.Replace(env.baseConf, "auth = pam", "auth = webpass", 1)+
		"webpass_root = "+root+"\naudit_socket = "+logs.path+"\n")
	resetGuard(t)
	t.Cleanup(func() { resetGuard(t) })
	passFile := filepath.Join(v.maildir, "postern-passwd")
	read := func() []byte {
		t.Helper()
		b, err := os.ReadFile(passFile)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	before := read()

	one, two := loggedIn(t, v), loggedIn(t, v)
	if id, _, _ := cookieParts(t, one.cookie()); id != v.mailboxID {
		t.Fatalf("cookie mailbox id = %q, want %q", id, v.mailboxID)
	}
	r := one.get("/security")
	if findFirst(r.doc, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == "new2" }) == nil {
		t.Fatalf("%s: no password form for a webpass user; body %.1500s", r, r.body)
	}
	csrf := one.csrf()
	newPW := "Nw-" + randomHex(10)
	for _, tc := range []struct {
		what         string
		old, nw, nw2 string
		csrf         string
		status       int
		notice       string
	}{
		{"wrong current password", "wrong" + v.pass, newPW, newPW, csrf, http.StatusOK, "current password is wrong"},
		{"new passwords differ", v.pass, newPW, newPW + "x", csrf, http.StatusOK, "differ"},
		{"new password too short", v.pass, "short", "short", csrf, http.StatusOK, "too short"},
		// A form from elsewhere, with the right current password.
		{"no CSRF token", v.pass, newPW, newPW, "", http.StatusForbidden, ""},
	} {
		r := one.post("/password", url.Values{"csrf": {tc.csrf}, "old": {tc.old}, "new": {tc.nw}, "new2": {tc.nw2}})
		if r.status != tc.status || !strings.Contains(noticeText(r), tc.notice) {
			t.Errorf("%s (%s): status %d, notice %q, want %d and %q", r, tc.what, r.status, noticeText(r), tc.status, tc.notice)
		}
		if after := read(); !bytes.Equal(after, before) {
			t.Errorf("%s (%s): the password file changed", r, tc.what)
		}
		checkOwned(t, passFile, v, 0o600)
		if !isMailPage(two.get("/folders")) {
			t.Fatalf("%s (%s): the other session ended", r, tc.what)
		}
	}

	r = one.post("/password", url.Values{"csrf": {csrf}, "old": {v.pass}, "new": {newPW}, "new2": {newPW}})
	wantStatus(t, r, http.StatusOK)
	if n := noticeText(r); !strings.Contains(n, "was changed") || !strings.Contains(n, "1 other session ended") {
		t.Fatalf("%s: notice %q, want the password changed and 1 other session ended", r, n)
	}
	wantRefused(t, two.get("/folders"))
	if !isMailPage(one.get("/folders")) {
		t.Error("the session that changed the password ended")
	}
	if r := newClient(t, "").post("/login", url.Values{"user": {v.name}, "pass": {v.pass}}); r.status != http.StatusUnauthorized {
		t.Errorf("%s with the old password: status %d, want 401", r, r.status)
	}
	v.pass = newPW
	if c := loggedIn(t, v); !isMailPage(c.get("/list?f=INBOX")) {
		t.Error("no mail after a login with the new password")
	}

	checkOwned(t, passFile, v, 0o600)
	after := read()
	if lines := strings.Split(strings.TrimSuffix(string(after), "\n"), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "$y$") {
		t.Errorf("password file = %q, want one yescrypt ($y$) hash line", after)
	}
	if left, _ := filepath.Glob(filepath.Join(v.maildir, ".postern-passwd.tmp*")); len(left) > 0 {
		t.Errorf("temporary files left in the Maildir: %v", left)
	}

	lines := strings.Join(logs.waitLines(7), "\n") // 4 logins, 1 refusal, 1 change, 1 refused session
	for _, want := range []string{
		`password failed ip=127.0.0.1 user="` + v.name + `" reason="wrong current password"`,
		`password changed ip=127.0.0.1 user="` + v.name + `" reason="1 other session ended"`,
	} {
		if strings.Count(lines, want) != 1 {
			t.Errorf("audit: want one line %q; lines:\n%s", want, lines)
		}
	}
}
