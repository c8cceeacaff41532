package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"postern/auth"
	"postern/auth/checkpass"
	"postern/auth/pam"
	"postern/internal/testenv"
)

// build builds postern-login into a temporary directory.
func build(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "postern-login")
	if out, err := exec.Command("go", "build", "-o", p, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return p
}

// newUser creates a system user ptloginNNNN in group mail with password
// pw (and chage at hand), removed when the test ends.
func newUser(t *testing.T, pw string) string {
	t.Helper()
	if _, err := exec.LookPath("chage"); err != nil {
		testenv.Lacking(t, "chage: %v", err)
	}
	return testenv.NewUser(t, "ptlogin", pw, "-G", "mail")
}

// TestProgram runs the built program, as the root room does, for a real
// user through the real PAM stack: each answer's exit status, and the
// refusals' texts equal to those of auth/pam in process (the audit lines
// quote them).
func TestProgram(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.PAMService(t, pam.DefaultService, "../dist/pam.d/postern")
	c := &checkpass.Client{Path: build(t)}
	const pw = "Corr3ct hörse"
	name := newUser(t, pw)
	inproc := pam.New("")
	helper := checkpass.NewPAM(c, "", "")

	status := func(want int, op string, fields ...string) {
		t.Helper()
		st, out, err := c.Run(pam.DefaultService, op, fields...)
		if err != nil || st != want {
			t.Errorf("postern-login pam %s %s = %d, %v (%q), want %d", op, fields[0], st, err, out, want)
		}
	}
	status(checkpass.StatusOK, checkpass.OpAuth, name, pw, "192.0.2.1")
	status(checkpass.StatusRefused, checkpass.OpAuth, name, pw+"x", "192.0.2.1")
	status(checkpass.StatusRefused, checkpass.OpAuth, "ptnosuchuser", pw, "")
	status(checkpass.StatusOK, checkpass.OpAccount, name)

	a, err := helper.AuthenticateFrom(name, pw, "192.0.2.1")
	if want, werr := auth.SystemAccount(name, auth.MethodPAM, "", nil); err != nil || werr != nil || fmt.Sprint(a) != fmt.Sprint(want) {
		t.Errorf("AuthenticateFrom through postern-login = %+v, %v, want %+v, %v", a, err, want, werr)
	}
	// A refusal reads as PAM's in process: the audit lines quote it.
	_, err = helper.Authenticate(name, pw+"x")
	werr := auth.Failf("%v", inproc.Check(name, pw+"x", ""))
	if err == nil || err.Error() != werr.Error() || !errors.Is(err, auth.ErrFailed) {
		t.Errorf("Authenticate(bad) through postern-login = %v, want %v as in process", err, werr)
	}

	// An expired password must be changed (pam_acct_mgmt:
	// PAM_NEW_AUTHTOK_REQD); the change goes through.
	testenv.Run(t, "", "chage", "-d", "0", name)
	status(checkpass.StatusMustChange, checkpass.OpAuth, name, pw, "")
	if err := helper.ChangePassword(name, pw, "N3w p4ssword!", "192.0.2.1"); err != nil {
		t.Errorf("ChangePassword through postern-login = %v", err)
	}
	status(checkpass.StatusOK, checkpass.OpAuth, name, "N3w p4ssword!", "")
	status(checkpass.StatusRefused, checkpass.OpAuth, name, pw, "")

	// An expired account is refused: pam_unix says PAM_ACCT_EXPIRED
	// (StatusUnusable), which Debian's common-account turns into
	// pam_deny's PAM_AUTH_ERR (StatusRefused).
	testenv.Run(t, "", "chage", "-E", "0", name)
	for _, op := range []string{checkpass.OpAuth, checkpass.OpAccount} {
		f := []string{name, "N3w p4ssword!", ""}
		if op == checkpass.OpAccount {
			f = f[:1]
		}
		if st, out, err := c.Run(pam.DefaultService, op, f...); err != nil || st != checkpass.StatusUnusable && st != checkpass.StatusRefused {
			t.Errorf("postern-login pam %s of an expired account = %d, %v (%q), want StatusUnusable or StatusRefused", op, st, err, out)
		}
	}
	_, err = helper.Lookup(name)
	werr = auth.NoUserf("%v", inproc.CheckAccount(name))
	if err == nil || err.Error() != werr.Error() {
		t.Errorf("Lookup(expired) through postern-login = %v, want %v as in process", err, werr)
	}

	// A service that does not exist is an internal error, not a refusal.
	if st, _, err := c.Run("ptnosuchservice", checkpass.OpAuth, name, pw, ""); err != nil || st == checkpass.StatusOK {
		t.Errorf("postern-login pam ptnosuchservice auth = %d, %v, want a failure", st, err)
	}
}

// TestLookup resolves users through the program's name service.
func TestLookup(t *testing.T) {
	c := &checkpass.Client{Path: build(t)}
	e, err := c.Lookup("root")
	if err != nil || e.UID != 0 || e.GID != 0 || e.Home != "/root" {
		t.Errorf("Lookup(root) = %+v, %v, want uid 0, gid 0, /root", e, err)
	}
	st, out, err := c.Run("", checkpass.OpLookup, "ptnosuchuser")
	if err != nil || st != checkpass.StatusNoUser {
		t.Errorf("lookup ptnosuchuser = %d, %v (%q), want StatusNoUser", st, err, out)
	}
	if os.Geteuid() == 0 {
		name := newUser(t, "pw")
		u, _ := user.Lookup(name)
		e, err := c.Lookup(name)
		if err != nil || fmt.Sprint(e.UID) != u.Uid || e.Home != u.HomeDir || len(e.Groups) != 2 {
			t.Errorf("Lookup(%s) = %+v, %v, want passwd's uid %s, home %s, its group and mail", name, e, err, u.Uid, u.HomeDir)
		}
	}
}

// TestHugePageHint checks that the password hash's region gets the huge
// page hint (privdrop/rtenv/hugepages.c, which this program links): a
// yescrypt check through the real PAM stack, under strace, marks a
// mapping of 16 MB or more MADV_HUGEPAGE, and a small anonymous one is
// left alone.
func TestHugePageHint(t *testing.T) {
	testenv.NeedRoot(t)
	if _, err := exec.LookPath("strace"); err != nil {
		testenv.Lacking(t, "strace: %v", err)
	}
	testenv.PAMService(t, pam.DefaultService, "../dist/pam.d/postern")
	const pw = "Y3scrypt hash"
	name := newUser(t, pw)
	if b, err := os.ReadFile("/etc/shadow"); err != nil || !strings.Contains(string(b), "\n"+name+":$y$") {
		testenv.Lacking(t, "%s's password is not a yescrypt hash ($y$): see ENCRYPT_METHOD in /etc/login.defs", name)
	}
	cmd := exec.Command("strace", "-f", "-e", "trace=madvise", "-o", "/dev/stderr", build(t), "pam", pam.DefaultService, checkpass.OpAuth)
	cmd.Stdin = strings.NewReader(name + "\x00" + pw + "\x00\x00")
	cmd.Env = []string{}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("strace postern-login pam %s auth: %v\n%s", pam.DefaultService, err, out)
	}
	big := regexp.MustCompile(`madvise\(0x[0-9a-f]+, ([0-9]+), MADV_HUGEPAGE\) = 0`)
	found := false
	for _, m := range big.FindAllSubmatch(out, -1) {
		n, _ := strconv.Atoi(string(m[1]))
		if n < 2<<20 {
			t.Errorf("a mapping of %d bytes got MADV_HUGEPAGE, want only those of 2 MB or more", n)
		}
		found = found || n >= 16<<20
	}
	if !found {
		t.Errorf("no mapping of 16 MB or more was marked MADV_HUGEPAGE during a yescrypt check:\n%s", out)
	}
}
