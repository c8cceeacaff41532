package shadow

import (
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"testing"
	"time"

	"postern/auth"
)

// fakeShadow writes a shadow file for root (whose passwd entry and home
// exist everywhere) and returns a backend reading it.
func fakeShadow(t *testing.T, lines string) *Backend {
	t.Helper()
	if _, err := user.Lookup("root"); err != nil {
		t.Fatalf("user.Lookup(root) = %v", err)
	}
	p := filepath.Join(t.TempDir(), "shadow")
	if err := os.WriteFile(p, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	b := New(p, "/var/mail/%u")
	b.now = func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }
	return b
}

func TestBackend(t *testing.T) {
	b := fakeShadow(t, "root:"+hash6+":19000:0:99999:7:::\nghost:"+hash6+":19000::::::\n")
	a, err := b.Authenticate("root", "correct horse")
	if err != nil {
		t.Fatalf("Authenticate(root, good) = %v, want nil", err)
	}
	if a.UID != 0 || a.Method != "shadow" || a.Maildir != "/var/mail/root" || a.MailboxID() != "root.shadow" || len(a.Groups) == 0 {
		t.Errorf("Authenticate(root, good) = %+v, want uid 0, method shadow, Maildir /var/mail/root, groups", a)
	}
	if _, err := b.Lookup("root"); err != nil {
		t.Errorf("Lookup(root) = %v, want nil", err)
	}
	fails := []struct{ user, password string }{
		{"root", "wrong"},
		{"root", ""},
		{"nobody-here", "correct horse"}, // no shadow entry
		{"ghost", "correct horse"},       // shadow entry but no passwd entry
		{"../etc", "correct horse"},      // invalid name
		{"", ""},
	}
	for _, f := range fails {
		if _, err := b.Authenticate(f.user, f.password); !errors.Is(err, auth.ErrFailed) {
			t.Errorf("Authenticate(%q, %q) = %v, want ErrFailed", f.user, f.password, err)
		}
	}
	for _, u := range []string{"ghost", "nobody-here", "a/b"} {
		if _, err := b.Lookup(u); !errors.Is(err, auth.ErrNoUser) {
			t.Errorf("Lookup(%q) = %v, want ErrNoUser", u, err)
		}
	}
}

func TestBackendRefusesBeforeVerify(t *testing.T) {
	for _, line := range []string{
		"root:!" + hash6 + ":19000::::::\n", // locked
		"root::19000::::::\n",               // empty
		"root:" + hash6 + ":19000:::::1:\n", // expired account
		"root:" + hash6 + ":0::::::\n",      // change forced
		"root:" + hash6 + ":1::30::::\n",    // password too old
	} {
		b := fakeShadow(t, line)
		if _, err := b.Authenticate("root", "correct horse"); !errors.Is(err, auth.ErrFailed) {
			t.Errorf("Authenticate(root) with %q = %v, want ErrFailed", line, err)
		}
		if _, err := b.Lookup("root"); !errors.Is(err, auth.ErrNoUser) {
			t.Errorf("Lookup(root) with %q = %v, want ErrNoUser", line, err)
		}
	}
}

func TestMissingFile(t *testing.T) {
	b := New(filepath.Join(t.TempDir(), "none"), "")
	if _, err := b.Authenticate("root", "x"); !errors.Is(err, auth.ErrFailed) {
		t.Errorf("Authenticate with no file = %v, want ErrFailed", err)
	}
}
