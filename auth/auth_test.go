package auth

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"postern/internal/testenv"
)

func TestValidUser(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"alice", true},
		{"a", true},
		{"john.doe", true},
		{"user@example.org", true},
		{"a+tag_x-y", true},
		{"0", true},
		{"a..", true}, // dots after the first byte are plain bytes
		{strings.Repeat("a", 64), true},
		{"", false},
		{strings.Repeat("a", 65), false}, // 65 bytes
		{".", false},
		{"..", false},
		{".hidden", false},
		{"a/b", false},
		{"../etc", false},
		{"a\x00b", false}, // NUL
		{"a b", false},
		{"a:b", false}, // the cookie separator
		{"a\n", false},
		{"ü", false}, // non-ASCII
		{"-", true},  // allowed by the pattern; options are never built from it
	}
	for _, tt := range tests {
		err := ValidUser(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("ValidUser(%q) = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

func TestParseMailboxID(t *testing.T) {
	tests := []struct {
		id, user, method string // user "": error
	}{
		{"alice.pam", "alice", "pam"},
		{"john.doe.shadow", "john.doe", "shadow"}, // split at the last dot
		{"u@example.org.webpass", "u@example.org", "webpass"},
		{"a.x9", "a", "x9"},
		{"", "", ""},
		{"alice", "", ""},     // no dot
		{"alice.", "", ""},    // trailing dot: empty method
		{".pam", "", ""},      // empty user
		{"...pam", "", ""},    // user ".."
		{"a/b.pam", "", ""},   // slash
		{"a\x00.pam", "", ""}, // NUL
		{"alice.PAM", "", ""}, // upper-case method
		{"alice.p-m", "", ""},
		{"alice.pam\n", "", ""},
		{"alice." + strings.Repeat("m", 17), "", ""}, // method too long
		{strings.Repeat("a", 65) + ".pam", "", ""},   // user of 65 bytes
		{strings.Repeat("a", 64) + ".pam", strings.Repeat("a", 64), "pam"},
	}
	for _, tt := range tests {
		u, m, err := ParseMailboxID(tt.id)
		if tt.user == "" {
			if err == nil {
				t.Errorf("ParseMailboxID(%q) = %q, %q, want an error", tt.id, u, m)
			}
			continue
		}
		if err != nil || u != tt.user || m != tt.method {
			t.Errorf("ParseMailboxID(%q) = %q, %q, %v, want %q, %q", tt.id, u, m, err, tt.user, tt.method)
		}
	}
}

func FuzzParseMailboxID(f *testing.F) {
	for _, s := range []string{"alice.pam", "john.doe.shadow", "", ".", "a..b", "a/b.pam", "x.y.z."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		u, m, err := ParseMailboxID(id)
		if err != nil {
			return
		}
		// Property: a valid id re-joins to itself, names a valid user, and
		// its method holds no dot.
		a := Account{User: u, Method: m}
		if got := a.MailboxID(); got != id {
			t.Errorf("ParseMailboxID(%q) = %q, %q, which re-joins to %q", id, u, m, got)
		}
		if ValidUser(u) != nil || strings.Contains(m, ".") {
			t.Errorf("ParseMailboxID(%q) = %q, %q: invalid parts", id, u, m)
		}
	})
}

func TestExpandMaildir(t *testing.T) {
	tests := []struct {
		tmpl, want string // want "": error
	}{
		{"", "/home/al/Maildir"},
		{"Maildir", "/home/al/Maildir"},
		{"mail/box/", "/home/al/mail/box"},
		{"/var/mail/%u", "/var/mail/al"},
		{"%h/Maildir", "/home/al/Maildir"},
		{"/srv/%u/%%x", "/srv/al/%x"},
		{"/srv/%x", ""},       // unknown escape
		{"/srv/%", ""},        // trailing percent
		{"../../etc", "/etc"}, // relative paths are cleaned, not refused: the config is trusted
	}
	for _, tt := range tests {
		got, err := ExpandMaildir(tt.tmpl, "al", "/home/al")
		if tt.want == "" && err == nil || tt.want != "" && (err != nil || got != tt.want) {
			t.Errorf("ExpandMaildir(%q, al, /home/al) = %q, %v, want %q", tt.tmpl, got, err, tt.want)
		}
	}
}

func TestSystemAccount(t *testing.T) {
	a, err := SystemAccount("root", MethodShadow, "", nil)
	if err != nil {
		t.Fatalf("SystemAccount(root) = %v", err)
	}
	if a.UID != 0 || a.GID != 0 || a.Home == "" || a.Maildir != a.Home+"/Maildir" || len(a.Groups) == 0 || a.Groups[0] != 0 {
		t.Errorf("SystemAccount(root) = %+v, want uid 0, gid 0 first in Groups, Maildir in home", a)
	}
	for _, u := range []string{"pt-no-such-user-x", "../root", ""} {
		if _, err := SystemAccount(u, MethodShadow, "", nil); !errors.Is(err, ErrNoUser) {
			t.Errorf("SystemAccount(%q) = %v, want ErrNoUser", u, err)
		}
	}
	// nobody's home on Debian is /nonexistent.
	if _, err := SystemAccount("nobody", MethodShadow, "", nil); !errors.Is(err, ErrNoUser) {
		t.Errorf("SystemAccount(nobody) = %v, want ErrNoUser (no home)", err)
	}
}

// TestFallbackLookup: a user os/user does not know is asked of the
// fallback (postern-login's name service); one it knows is not.
func TestFallbackLookup(t *testing.T) {
	home := t.TempDir()
	var asked []string
	fallback := func(name string) (*UserEntry, error) {
		asked = append(asked, name)
		if name == "ptldapuser" {
			return &UserEntry{UID: 70001, GID: 70000, Home: home, Groups: []int{70002, 70000}}, nil
		}
		return nil, errors.New("checkpass: no user")
	}
	a, err := SystemAccount("ptldapuser", MethodPAM, "", fallback)
	if err != nil || a.UID != 70001 || a.GID != 70000 || a.Home != home || a.Maildir != home+"/Maildir" || fmt.Sprint(a.Groups) != "[70000 70002]" {
		t.Errorf("SystemAccount(ptldapuser) = %+v, %v, want the fallback's uid 70001, gid 70000 first in [70000 70002], home %s", a, err, home)
	}
	if _, err := SystemAccount("ptnosuchuser", MethodPAM, "", fallback); !errors.Is(err, ErrNoUser) {
		t.Errorf("SystemAccount(ptnosuchuser) = %v, want ErrNoUser", err)
	}
	if _, err := SystemAccount("root", MethodPAM, "", fallback); err != nil {
		t.Errorf("SystemAccount(root) = %v", err)
	}
	if want := "[ptldapuser ptnosuchuser]"; fmt.Sprint(asked) != want {
		t.Errorf("the fallback was asked for %v, want %s (never for a user of /etc/passwd)", asked, want)
	}
}

func TestErrorsWrap(t *testing.T) {
	if err := Failf("why %d", 1); !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "why 1") {
		t.Errorf("Failf = %v, want ErrFailed with the detail", err)
	}
	if err := NoUserf("why"); !errors.Is(err, ErrNoUser) || errors.Is(err, ErrFailed) {
		t.Errorf("NoUserf = %v, want ErrNoUser only", err)
	}
}

// The root room must not import the rest of postern; internal/privfile
// (private files and root's private directories), internal/helperrun
// (running postern-login) and internal/childstart (how helperrun forks),
// all of the standard library only, are the helpers it shares.
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "postern/auth/...").Output()
	if err != nil {
		testenv.Lacking(t, "go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "postern/") && !strings.HasPrefix(p, "postern/auth") && p != "postern/internal/privfile" && p != "postern/internal/helperrun" && p != "postern/internal/childstart" {
			t.Errorf("postern/auth/... imports %s, want only postern/auth packages", p)
		}
	}
}
