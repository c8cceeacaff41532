package pam

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"testing"

	"postern/auth"
	"postern/auth/shadow"
	"postern/internal/testenv"
)

// prerequisite is testenv.Lacking.
var prerequisite = testenv.Lacking

// newUser creates a system user ptauthNNNN with password pw (and chage and
// usermod at hand), removed when the test ends.
func newUser(t *testing.T, pw string) string {
	t.Helper()
	for _, tool := range []string{"usermod", "chage"} {
		if _, err := exec.LookPath(tool); err != nil {
			prerequisite(t, "%s: %v", tool, err)
		}
	}
	return testenv.NewUser(t, "ptauth", pw)
}

// TestSystem authenticates a real user through PAM and through the shadow
// backend: good and bad passwords, then locked, then expired.
func TestSystem(t *testing.T) {
	if os.Geteuid() != 0 {
		prerequisite(t, "test needs root")
	}
	testenv.PAMService(t, DefaultService, "../../dist/pam.d/postern")
	const pw = "Corr3ct hörse"
	name := newUser(t, pw)
	backends := map[string]auth.Authenticator{
		"pam":    inProcess{New("")},
		"shadow": shadow.New("", "/var/mail/%u"),
	}
	if err := New("").Check(name, pw, "192.0.2.1"); err != nil {
		t.Errorf("pam Check(%s, good, rhost) = %v, want nil", name, err)
	}
	for method, b := range backends {
		a, err := b.Authenticate(name, pw)
		if err != nil {
			t.Errorf("%s Authenticate(%s, good) = %v, want nil", method, name, err)
			continue
		}
		u, _ := user.Lookup(name)
		if a.Method != method || a.User != name || fmt.Sprint(a.UID) != u.Uid || a.Home != u.HomeDir || a.Groups[0] != a.GID {
			t.Errorf("%s Authenticate(%s) = %+v, want method %s and passwd's uid %s, home %s", method, name, a, method, u.Uid, u.HomeDir)
		}
		if _, err := b.Lookup(name); err != nil {
			t.Errorf("%s Lookup(%s) = %v, want nil", method, name, err)
		}
		if _, err := b.Authenticate(name, pw+"x"); !errors.Is(err, auth.ErrFailed) {
			t.Errorf("%s Authenticate(%s, bad) = %v, want ErrFailed", method, name, err)
		}
		if _, err := b.Lookup("ptnosuchuser"); !errors.Is(err, auth.ErrNoUser) {
			t.Errorf("%s Lookup(ptnosuchuser) = %v, want ErrNoUser", method, err)
		}
	}
	if a, _ := backends["shadow"].Authenticate(name, pw); a != nil && a.Maildir != "/var/mail/"+name {
		t.Errorf("shadow Maildir = %q, want /var/mail/%s", a.Maildir, name)
	}
	if a, _ := backends["pam"].Authenticate(name, pw); a != nil && a.Maildir != a.Home+"/Maildir" {
		t.Errorf("pam Maildir = %q, want %s/Maildir", a.Maildir, a.Home)
	}

	// lookupToo: whether Lookup must refuse as well. pam_unix's account
	// module does not look at a locked password (only pam_authenticate
	// does), so PAM's Lookup keeps a locked account.
	refused := func(state string, lookupToo bool) {
		t.Helper()
		for method, b := range backends {
			if _, err := b.Authenticate(name, pw); !errors.Is(err, auth.ErrFailed) {
				t.Errorf("%s Authenticate(%s, good) when %s = %v, want ErrFailed", method, name, state, err)
			}
			if !lookupToo && method == "pam" {
				continue
			}
			if _, err := b.Lookup(name); !errors.Is(err, auth.ErrNoUser) {
				t.Errorf("%s Lookup(%s) when %s = %v, want ErrNoUser", method, name, state, err)
			}
		}
	}
	testenv.Run(t, "", "usermod", "-L", name)
	refused("locked", false)
	testenv.Run(t, "", "usermod", "-U", name)
	testenv.Run(t, "", "chage", "-E", "0", name)
	refused("expired", true)
}

// inProcess makes an auth.Authenticator of Backend as auth/checkpass.PAM
// does through postern-login, without the program between: Check or
// CheckAccount, then the account (Maildir "Maildir").
type inProcess struct{ b *Backend }

func (p inProcess) Authenticate(user, password string) (*auth.Account, error) {
	if err := p.b.Check(user, password, ""); err != nil {
		return nil, auth.Failf("%v", err)
	}
	return auth.SystemAccount(user, auth.MethodPAM, "", nil)
}

func (p inProcess) Lookup(user string) (*auth.Account, error) {
	if err := p.b.CheckAccount(user); err != nil {
		return nil, auth.NoUserf("%v", err)
	}
	return auth.SystemAccount(user, auth.MethodPAM, "", nil)
}
