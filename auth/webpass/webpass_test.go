package webpass

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"postern/auth"
	"postern/internal/testenv"
)

const hash6 = "$6$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0"

// requireRoot is testenv.NeedRoot.
var requireRoot = testenv.NeedRoot

// setup makes root/<user> with a password file holding content at mode.
func setup(t *testing.T, user, content string, mode os.FileMode) (root, maildir string) {
	t.Helper()
	root = t.TempDir()
	maildir = filepath.Join(root, user)
	if err := os.Mkdir(maildir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(maildir, DefaultPassFile)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return root, maildir
}

func TestAuthenticate(t *testing.T) {
	root, maildir := setup(t, "alice", hash6+"\n", 0o600)
	b := New(root, "")
	a, err := b.Authenticate("alice", "correct horse")
	if err != nil {
		t.Fatalf("Authenticate(alice, good) = %v, want nil", err)
	}
	want := auth.Account{User: "alice", Method: "webpass", UID: os.Geteuid(), GID: os.Getegid(),
		Home: maildir, Maildir: maildir}
	if a.User != want.User || a.Method != want.Method || a.UID != want.UID || a.GID != want.GID ||
		a.Home != want.Home || a.Maildir != want.Maildir || a.Address != "" ||
		len(a.Groups) != 1 || a.Groups[0] != want.GID {
		t.Errorf("Authenticate(alice, good) = %+v, want %+v with Groups [gid]", a, want)
	}
	if a.MailboxID() != "alice.webpass" {
		t.Errorf("MailboxID() = %q, want %q", a.MailboxID(), "alice.webpass")
	}
	if _, err := b.Lookup("alice"); err != nil {
		t.Errorf("Lookup(alice) = %v, want nil", err)
	}
	for _, tt := range []struct{ user, password string }{
		{"alice", "wrong"},
		{"alice", ""},
		{"bob", "correct horse"}, // no such Maildir
		{"..", "correct horse"},  // invalid name: the parent of root
		{"a/../alice", "correct horse"},
	} {
		if _, err := b.Authenticate(tt.user, tt.password); !errors.Is(err, auth.ErrFailed) {
			t.Errorf("Authenticate(%q, %q) = %v, want ErrFailed", tt.user, tt.password, err)
		}
	}
	if _, err := b.Lookup("bob"); !errors.Is(err, auth.ErrNoUser) {
		t.Errorf("Lookup(bob) = %v, want ErrNoUser", err)
	}
}

func TestRefused(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T) (root string)
	}{
		{"mode 644", func(t *testing.T) string {
			root, _ := setup(t, "alice", hash6, 0o644)
			return root
		}},
		{"mode 400", func(t *testing.T) string {
			root, _ := setup(t, "alice", hash6, 0o400)
			return root
		}},
		{"setuid bit", func(t *testing.T) string {
			root, _ := setup(t, "alice", hash6, 0o600|os.ModeSetuid)
			return root
		}},
		{"locked hash", func(t *testing.T) string {
			root, _ := setup(t, "alice", "!"+hash6, 0o600)
			return root
		}},
		{"empty file", func(t *testing.T) string {
			root, _ := setup(t, "alice", "", 0o600)
			return root
		}},
		{"too long", func(t *testing.T) string {
			root, _ := setup(t, "alice", hash6+"\n"+strings.Repeat("#", MaxPassFileBytes), 0o600)
			return root
		}},
		{"password file is a symlink", func(t *testing.T) string {
			root, maildir := setup(t, "alice", hash6, 0o600)
			p := filepath.Join(maildir, DefaultPassFile)
			os.Rename(p, p+".real")
			if err := os.Symlink(DefaultPassFile+".real", p); err != nil {
				t.Fatal(err)
			}
			return root
		}},
		{"password file is a directory", func(t *testing.T) string {
			root, maildir := setup(t, "alice", hash6, 0o600)
			p := filepath.Join(maildir, DefaultPassFile)
			os.Remove(p)
			os.Mkdir(p, 0o700)
			return root
		}},
		{"password file is a fifo", func(t *testing.T) string {
			root, maildir := setup(t, "alice", hash6, 0o600)
			p := filepath.Join(maildir, DefaultPassFile)
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Fatal(err)
			}
			return root
		}},
		{"maildir is a symlink", func(t *testing.T) string {
			root, maildir := setup(t, "real", hash6, 0o600)
			if err := os.Symlink(maildir, filepath.Join(root, "alice")); err != nil {
				t.Fatal(err)
			}
			return root
		}},
		{"maildir is a file", func(t *testing.T) string {
			root := t.TempDir()
			os.WriteFile(filepath.Join(root, "alice"), []byte(hash6), 0o600)
			return root
		}},
		{"no password file", func(t *testing.T) string {
			root, maildir := setup(t, "alice", hash6, 0o600)
			os.Remove(filepath.Join(maildir, DefaultPassFile))
			return root
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(tt.setup(t), "")
			if a, err := b.Authenticate("alice", "correct horse"); !errors.Is(err, auth.ErrFailed) {
				t.Errorf("Authenticate(alice, good) = %+v, %v, want ErrFailed", a, err)
			}
			if a, err := b.Lookup("alice"); !errors.Is(err, auth.ErrNoUser) {
				t.Errorf("Lookup(alice) = %+v, %v, want ErrNoUser", a, err)
			}
		})
	}
}

func TestBadConfig(t *testing.T) {
	root, _ := setup(t, "alice", hash6, 0o600)
	for _, b := range []*Backend{
		New("relative/root", ""),
		New(root, "../alice/"+DefaultPassFile), // not a plain name
		New(root, "."),
	} {
		if _, err := b.Authenticate("alice", "correct horse"); !errors.Is(err, auth.ErrFailed) {
			t.Errorf("%+v.Authenticate(alice, good) = %v, want ErrFailed", b, err)
		}
	}
}

func TestWrongOwner(t *testing.T) {
	requireRoot(t)
	root, maildir := setup(t, "alice", hash6, 0o600)
	b := New(root, "")
	// The Maildir belongs to someone else than the password file.
	if err := os.Chown(maildir, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Authenticate("alice", "correct horse"); !errors.Is(err, auth.ErrFailed) {
		t.Errorf("Authenticate with file owner 0, maildir owner 65534 = %v, want ErrFailed", err)
	}
	// Both belong to 65534: accepted, and the account takes that identity.
	if err := os.Chown(filepath.Join(maildir, DefaultPassFile), 65534, 65534); err != nil {
		t.Fatal(err)
	}
	a, err := b.Authenticate("alice", "correct horse")
	if err != nil || a.UID != 65534 || a.GID != 65534 {
		t.Errorf("Authenticate with owner 65534 = %+v, %v, want uid/gid 65534", a, err)
	}
}

func TestSetPassword(t *testing.T) {
	root, maildir := setup(t, "alice", hash6, 0o600)
	if err := SetPassword(maildir, "", "new pässword"); err != nil {
		t.Fatalf("SetPassword = %v", err)
	}
	b := New(root, "")
	if _, err := b.Authenticate("alice", "new pässword"); err != nil {
		t.Errorf("Authenticate(alice, new) = %v, want nil", err)
	}
	if _, err := b.Authenticate("alice", "correct horse"); !errors.Is(err, auth.ErrFailed) {
		t.Errorf("Authenticate(alice, old) = %v, want ErrFailed", err)
	}
	fi, err := os.Lstat(filepath.Join(maildir, DefaultPassFile))
	if err != nil || fi.Mode() != 0o600 {
		t.Errorf("password file mode = %v, %v, want -rw-------", fi.Mode(), err)
	}
	ents, _ := os.ReadDir(maildir)
	if len(ents) != 1 {
		t.Errorf("maildir holds %d entries, want just the password file (no temporary left)", len(ents))
	}
	if err := SetPassword(filepath.Join(root, "none"), "", "x"); err == nil {
		t.Errorf("SetPassword(missing dir) = nil, want an error")
	}
	if err := SetPassword(maildir, "a/b", "x"); err == nil {
		t.Errorf("SetPassword(passFile a/b) = nil, want an error")
	}
}

func TestSetPasswordChowns(t *testing.T) {
	requireRoot(t)
	root, maildir := setup(t, "alice", hash6, 0o600)
	if err := os.Chown(maildir, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if err := SetPassword(maildir, "", "secret"); err != nil {
		t.Fatalf("SetPassword = %v", err)
	}
	a, err := New(root, "").Authenticate("alice", "secret")
	if err != nil || a.UID != 65534 {
		t.Errorf("Authenticate after SetPassword as root = %+v, %v, want uid 65534", a, err)
	}
}
