package e2e

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// extrausers is the directory of libnss-extrausers' passwd, group and
// shadow files.
const extrausers = "/var/lib/extrausers"

// TestLoginNSSOnlyUser: a user that /etc/passwd does not name, known only
// to the name service (here libnss-extrausers, as sssd or LDAP would be),
// logs in through PAM and reads the inbox. The request binary reads
// /etc/passwd itself and links no NSS, so both the password (pam_unix
// through NSS) and the account (the backend's auth.UserLookup) come from
// postern-login. /etc/nsswitch.conf gets extrausers for the test and is
// put back.
func TestLoginNSSOnlyUser(t *testing.T) {
	needBinary(t, "/usr/lib/libnss_extrausers.so.2", "/usr/bin/openssl", "/usr/bin/getent")
	a := &account{name: fmt.Sprintf("pt%06dn", rand.IntN(1000000)), pass: "Pw-" + randomHex(8) + "-ü"}
	a.uid = 61000 + rand.IntN(3000)
	a.gid = a.uid
	a.mailboxID = a.name + ".pam"
	if out, err := exec.Command("getent", "passwd", fmt.Sprint(a.uid)).Output(); err == nil {
		t.Fatalf("uid %d is taken: %s", a.uid, out)
	}
	a.home = filepath.Join("/home", a.name)
	a.maildir = filepath.Join(a.home, "Maildir")
	if err := os.Mkdir(a.home, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(a.home) })
	if err := sampleMaildir(a.maildir); err != nil {
		t.Fatal(err)
	}
	if err := chownTree(a, a.home); err != nil {
		t.Fatal(err)
	}
	hash, err := exec.Command("openssl", "passwd", "-6", a.pass).Output()
	if err != nil {
		t.Fatalf("openssl passwd: %v", err)
	}
	if err := os.MkdirAll(extrausers, 0o755); err != nil {
		t.Fatal(err)
	}
	appendRestored(t, filepath.Join(extrausers, "passwd"), 0o644, fmt.Sprintf("%s:x:%d:%d::%s:/bin/sh\n", a.name, a.uid, a.gid, a.home))
	appendRestored(t, filepath.Join(extrausers, "group"), 0o644, fmt.Sprintf("%s:x:%d:\n", a.name, a.gid))
	appendRestored(t, filepath.Join(extrausers, "shadow"), 0o640, fmt.Sprintf("%s:%s:19000:0:99999:7:::\n", a.name, strings.TrimSpace(string(hash))))
	nss, err := os.ReadFile("/etc/nsswitch.conf")
	if err != nil {
		t.Fatal(err)
	}
	db := regexp.MustCompile(`(?m)^(passwd|group|shadow):(.*)$`)
	writeRestored(t, "/etc/nsswitch.conf", db.ReplaceAll(nss, []byte("$1:$2 extrausers")), nss)
	if out, err := exec.Command("getent", "passwd", a.name).Output(); err != nil || !strings.HasPrefix(string(out), a.name+":") {
		t.Fatalf("getent passwd %s = %q, %v: the name service does not know the user", a.name, out, err)
	}
	if passwd, _ := os.ReadFile("/etc/passwd"); strings.Contains(string(passwd), a.name+":") {
		t.Fatalf("%s is in /etc/passwd", a.name)
	}

	c := newClient(t, "")
	c.login(a)
	if parts := strings.Split(c.cookie(), ":"); parts[0] != a.mailboxID {
		t.Errorf("cookie = %q, want %s:...", c.cookie(), a.mailboxID)
	}
	r := c.get("/list?f=INBOX")
	wantStatus(t, r, http.StatusOK)
	checkOwned(t, filepath.Join(a.maildir, "postern", "sessions"), a, 0o700)

	c = newClient(t, "")
	if r := c.post("/login", url.Values{"user": {a.name}, "pass": {a.pass + "x"}}); r.status == http.StatusSeeOther {
		t.Errorf("%s with a wrong password = %d, want a refusal", r, r.status)
	}
}

// appendRestored appends line to the file (made with perm when missing)
// and puts the file back as it was when the test ends.
func appendRestored(t *testing.T, path string, perm os.FileMode, line string) {
	t.Helper()
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	existed := err == nil
	if err := os.WriteFile(path, append(append([]byte{}, old...), line...), perm); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if existed {
			os.WriteFile(path, old, perm)
		} else {
			os.Remove(path)
		}
	})
}

// writeRestored replaces path with data, and with old when the test ends.
func writeRestored(t *testing.T, path string, data, old []byte) {
	t.Helper()
	t.Cleanup(func() {
		if err := os.WriteFile(path, old, 0o644); err != nil {
			t.Errorf("putting back %s: %v", path, err)
		}
	})
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
