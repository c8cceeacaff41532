package checkpass

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"postern/auth"
	"postern/internal/testenv"
)

func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		args        []string
		service, op string
		ok          bool
	}{
		{[]string{"lookup"}, "", OpLookup, true},
		{[]string{"pam", "postern", "auth"}, "postern", OpAuth, true},
		{[]string{"pam", "my-svc.2", "account"}, "my-svc.2", OpAccount, true},
		{[]string{"pam", "postern", "chauthtok"}, "postern", OpChauthtok, true},
		{nil, "", "", false},
		{[]string{"lookup", "root"}, "", "", false}, // the user never goes in argv
		{[]string{"pam", "postern", "auth", "x"}, "", "", false},
		{[]string{"pam", "postern", "session"}, "", "", false}, // no other PAM call
		{[]string{"pam", "../shadow", "auth"}, "", "", false},  // a service is a file name in pam.d
		{[]string{"pam", ".hidden", "auth"}, "", "", false},
		{[]string{"pam", "", "auth"}, "", "", false},
		{[]string{"pam", "Postern", "auth"}, "", "", false},
		{[]string{"pam", strings.Repeat("a", MaxServiceBytes+1), "auth"}, "", "", false},
		{[]string{"shadow"}, "", "", false},
	} {
		service, op, err := ParseArgs(tc.args)
		if (err == nil) != tc.ok || service != tc.service || op != tc.op {
			t.Errorf("ParseArgs(%q) = %q, %q, %v, want %q, %q, ok %v", tc.args, service, op, err, tc.service, tc.op, tc.ok)
		}
	}
}

func TestDecode(t *testing.T) {
	long := strings.Repeat("p", 512)
	for _, tc := range []struct {
		op   string
		in   string
		want []string // nil: refused
	}{
		{OpAuth, "alice\x00secret\x00192.0.2.1\x00", []string{"alice", "secret", "192.0.2.1"}},
		{OpAuth, "alice\x00secret\x00\x00", []string{"alice", "secret", ""}},
		{OpAuth, "alice\x00se cret\x002001:db8::1\x00", []string{"alice", "se cret", "2001:db8::1"}},
		{OpAccount, "alice\x00", []string{"alice"}},
		{OpLookup, "bob.smith@example\x00", []string{"bob.smith@example"}},
		{OpChauthtok, "alice\x00old\x00new\x00\x00", []string{"alice", "old", "new", ""}},
		{OpAuth, "alice\x00secret\x00192.0.2.1", nil},  // no final NUL
		{OpAuth, "alice\x00secret\x00", nil},           // a field short
		{OpAuth, "alice\x00secret\x00x\x00y\x00", nil}, // a field too many
		{OpAuth, "alice\x00\x00\x00", nil},             // empty password
		{OpAuth, "alice\x00" + long + "\x00\x00", nil}, // longer than pwhash allows
		{OpAuth, "alice\x00secret\x00a b\x00", nil},    // no space in an address
		{OpAuth, "alice\x00secret\x00a\nb\x00", nil},   // nor a newline
		{OpAuth, "../etc\x00secret\x00\x00", nil},      // not a user name
		{OpAccount, "\x00", nil},                       // empty user
		{OpAccount, "", nil},                           // nothing at all
		{OpLookup, strings.Repeat("u", auth.MaxUserBytes+1) + "\x00", nil},
		{OpAccount, strings.Repeat("a", MaxInputBytes) + "\x00", nil}, // oversize
		{"session", "alice\x00", nil},
	} {
		got, err := Decode(tc.op, []byte(tc.in))
		if tc.want == nil {
			if err == nil {
				t.Errorf("Decode(%s, %q) = %q, want an error", tc.op, tc.in, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Decode(%s, %q) = %q, %v, want %q", tc.op, tc.in, got, err, tc.want)
		}
		enc, err := Encode(tc.op, tc.want...)
		if err != nil || string(enc) != tc.in {
			t.Errorf("Encode(%s, %q) = %q, %v, want %q", tc.op, tc.want, enc, err, tc.in)
		}
	}
}

func TestEntry(t *testing.T) {
	e := &Entry{UID: 1001, GID: 100, Home: "/home/a b", Groups: []int{100, 27, 4294967294}}
	got, err := DecodeEntry(EncodeEntry(e))
	if err != nil || !reflect.DeepEqual(got, e) {
		t.Errorf("DecodeEntry(EncodeEntry(%+v)) = %+v, %v", e, got, err)
	}
	for _, bad := range []string{
		"", "1\x002\x00/h\x00", "1\x002\x00/h\x00\x00\x00", "x\x002\x00/h\x00\x00", "-1\x002\x00/h\x00\x00",
		"4294967295\x002\x00/h\x00\x00", "01\x002\x00/h\x00\x00", "1\x002\x00/h\x003,,4\x00", "1\x002\x00/h\x00\x00x",
	} {
		if got, err := DecodeEntry([]byte(bad)); err == nil {
			t.Errorf("DecodeEntry(%q) = %+v, want an error", bad, got)
		}
	}
}

func TestDetail(t *testing.T) {
	got := string(Detail(errors.New("pam: user \"a\": \x1b[31mred\nline\xff" + strings.Repeat("x", MaxDetailBytes))))
	if len(got) != MaxDetailBytes+1 || strings.ContainsAny(got[:len(got)-1], "\x1b\n\xff") || got[len(got)-1] != '\n' {
		t.Errorf("Detail = %q, want %d printable bytes and a newline", got, MaxDetailBytes)
	}
}

// fakeOps records what Serve passed and answers err.
type fakeOps struct {
	got []string
	err error
}

func (f *fakeOps) Authenticate(service, user, password, rhost string) error {
	f.got = []string{"auth", service, user, password, rhost}
	return f.err
}
func (f *fakeOps) Account(service, user string) error {
	f.got = []string{"account", service, user}
	return f.err
}
func (f *fakeOps) ChangePassword(service, user, old, new, rhost string) error {
	f.got = []string{"chauthtok", service, user, old, new, rhost}
	return f.err
}
func (f *fakeOps) Lookup(user string) (*Entry, error) {
	f.got = []string{"lookup", user}
	if f.err != nil {
		return nil, f.err
	}
	return &Entry{UID: 1000, GID: 1000, Home: "/home/" + user, Groups: []int{1000, 27}}, nil
}

func TestServe(t *testing.T) {
	refused := errors.New(`pam: user "alice": authenticate: Authentication failure`)
	for _, tc := range []struct {
		name   string
		args   []string
		in     string
		err    error
		status int
		got    []string // what the ops saw; nil: not called
		out    string
	}{
		{"ok", []string{"pam", "postern", "auth"}, "alice\x00pw\x00192.0.2.1\x00", nil, StatusOK,
			[]string{"auth", "postern", "alice", "pw", "192.0.2.1"}, ""},
		{"refused", []string{"pam", "postern", "auth"}, "alice\x00pw\x00\x00", refused, StatusRefused,
			[]string{"auth", "postern", "alice", "pw", ""}, refused.Error() + "\n"},
		{"expired", []string{"pam", "postern", "account"}, "alice\x00", &StatusError{StatusUnusable, refused}, StatusUnusable,
			[]string{"account", "postern", "alice"}, refused.Error() + "\n"},
		{"must change", []string{"pam", "s", "chauthtok"}, "alice\x00o\x00n\x00\x00", &StatusError{StatusMustChange, refused}, StatusMustChange,
			[]string{"chauthtok", "s", "alice", "o", "n", ""}, refused.Error() + "\n"},
		{"lookup", []string{"lookup"}, "alice\x00", nil, StatusOK,
			[]string{"lookup", "alice"}, "1000\x001000\x00/home/alice\x001000,27\x00"},
		{"lookup failed", []string{"lookup"}, "alice\x00", errors.New("nss down"), StatusInternal,
			[]string{"lookup", "alice"}, "nss down\n"},
		{"usage", []string{"shadow"}, "alice\x00pw\x00", nil, StatusUsage, nil, ""},
		{"bad input", []string{"pam", "postern", "auth"}, "alice\x00pw\x00", nil, StatusBadInput, nil, ""},
		{"oversize", []string{"pam", "postern", "account"}, strings.Repeat("a", 3*MaxInputBytes), nil, StatusBadInput, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ops := &fakeOps{err: tc.err}
			var out bytes.Buffer
			st := Serve(tc.args, strings.NewReader(tc.in), &out, ops)
			if st != tc.status || !reflect.DeepEqual(ops.got, tc.got) {
				t.Errorf("Serve(%q, %q) = %d, ops saw %q, want %d, %q", tc.args, tc.in, st, ops.got, tc.status, tc.got)
			}
			if tc.out != "" && out.String() != tc.out {
				t.Errorf("Serve(%q) wrote %q, want %q", tc.args, out.String(), tc.out)
			}
			if st != StatusOK && (out.Len() == 0 || !strings.HasSuffix(out.String(), "\n")) {
				t.Errorf("Serve(%q) = %d with output %q, want a line of detail", tc.args, st, out.String())
			}
		})
	}
}

func TestClientRun(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		body   string
		status int
		out    string
		err    bool
	}{
		// The program sees its arguments, the fields on stdin and no environment.
		{"protocol", `[ "$*" = "pam postern auth" ] || exit 9; [ -z "$(env | grep -v '^PWD=\|^SHLVL=\|^_=')" ] || exit 8; [ "$(pwd)" = / ] || exit 7; cat >` + dir + `/in; exit 0`, StatusOK, "", false},
		{"refused", `echo 'pam: user "alice": authenticate: Authentication failure'; exit 1`, StatusRefused, "pam: user \"alice\": authenticate: Authentication failure\n", false},
		{"must change", `exit 3`, StatusMustChange, "", false},
		{"unknown status", `exit 9`, StatusInternal, "", true},
		{"signal", `kill -KILL $$`, StatusInternal, "", true},
		{"timeout", `exec sleep 30`, StatusInternal, "", true},
		{"oversize", `head -c 5000 /dev/zero | tr '\0' x; exit 1`, StatusInternal, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("POSTERN_SECRET", "must not reach the program")
			c := &Client{Path: testenv.Script(t, "postern-login", tc.body), Timeout: 2 * time.Second}
			start := time.Now()
			st, out, err := c.Run("postern", OpAuth, "alice", "pw", "192.0.2.1")
			if st != tc.status || string(out) != tc.out || (err != nil) != tc.err {
				t.Errorf("Run = %d, %q, %v, want %d, %q, error %v", st, out, err, tc.status, tc.out, tc.err)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("Run took %v with a 2s limit", d)
			}
		})
	}
	in, err := os.ReadFile(filepath.Join(dir, "in"))
	if err != nil || string(in) != "alice\x00pw\x00192.0.2.1\x00" {
		t.Errorf("the program read %q, %v, want the three NUL-ended fields", in, err)
	}
	c := &Client{Path: "/nonexistent/postern-login"}
	if st, _, err := c.Run("", OpLookup, "alice"); st != StatusInternal || err == nil {
		t.Errorf("Run(missing program) = %d, %v, want StatusInternal and an error", st, err)
	}
	if st, _, err := c.Run("postern", OpAuth, "alice", "", ""); st != StatusInternal || err == nil {
		t.Errorf("Run(empty password) = %d, %v, want a refusal before running anything", st, err)
	}
}

func TestClientLookup(t *testing.T) {
	c := &Client{Path: testenv.Script(t, "postern-login", `printf '%s\0' 1001 100 "/home/ldap user" 100,27`)}
	e, err := c.Lookup("ldapuser")
	if want := (&Entry{UID: 1001, GID: 100, Home: "/home/ldap user", Groups: []int{100, 27}}); err != nil || !reflect.DeepEqual(e, want) {
		t.Errorf("Lookup = %+v, %v, want %+v", e, err, want)
	}
	c = &Client{Path: testenv.Script(t, "postern-login", `echo 'user: unknown user ldapuser'; exit 4`)}
	if e, err := c.Lookup("ldapuser"); err == nil {
		t.Errorf("Lookup(unknown) = %+v, want an error", e)
	}
}

func TestPAMBackend(t *testing.T) {
	// The refusal's text is the program's line, behind auth's prefix, as
	// auth/pam words it in process: the audit lines do not change.
	c := &Client{Path: testenv.Script(t, "postern-login", `echo 'pam: user "alice": authenticate: Authentication failure'; exit 1`)}
	b := NewPAM(c, "", "")
	_, err := b.AuthenticateFrom("alice", "pw", "192.0.2.1")
	if want := `auth: authentication failed: pam: user "alice": authenticate: Authentication failure`; err == nil || err.Error() != want || !errors.Is(err, auth.ErrFailed) {
		t.Errorf("AuthenticateFrom = %v, want %q", err, want)
	}
	if err := b.ChangePassword("alice", "old", "newpassword", ""); err == nil || !errors.Is(err, auth.ErrFailed) {
		t.Errorf("ChangePassword = %v, want ErrFailed", err)
	}
	if _, err := b.Lookup("alice"); !errors.Is(err, auth.ErrNoUser) {
		t.Errorf("Lookup = %v, want ErrNoUser", err)
	}
	// Refused before the program runs.
	c = &Client{Path: testenv.Script(t, "postern-login", `exit 0`)}
	b = NewPAM(c, "", "")
	for _, pw := range []string{"a\x00b", strings.Repeat("p", 512)} {
		if _, err := b.Authenticate("alice", pw); !errors.Is(err, auth.ErrFailed) {
			t.Errorf("Authenticate(%q) = %v, want ErrFailed", pw, err)
		}
	}
	if _, err := b.Authenticate("../x", "pw"); !errors.Is(err, auth.ErrFailed) {
		t.Errorf("Authenticate(../x) = %v, want ErrFailed", err)
	}
	// Accepted by PAM, the account comes from the passwd database.
	if a, err := b.Authenticate("root", "pw"); err != nil || a.UID != 0 || a.Method != auth.MethodPAM {
		t.Errorf("Authenticate(root) = %+v, %v, want root's account", a, err)
	}
	if err := b.ChangePassword("alice", "old", "newpassword", ""); err != nil {
		t.Errorf("ChangePassword = %v", err)
	}
}

// FuzzDecode: whatever Decode accepts, Encode gives back byte for byte,
// and every field keeps the rules (so nothing unframed reaches PAM).
func FuzzDecode(f *testing.F) {
	f.Add(OpAuth, []byte("alice\x00secret\x00192.0.2.1\x00"))
	f.Add(OpChauthtok, []byte("alice\x00old\x00new\x00\x00"))
	f.Add(OpLookup, []byte("bob\x00"))
	f.Add(OpAccount, []byte("a\x00b\x00"))
	f.Fuzz(func(t *testing.T, op string, in []byte) {
		fields, err := Decode(op, in)
		if err != nil {
			return
		}
		if err := auth.ValidUser(fields[0]); err != nil {
			t.Fatalf("Decode(%s, %q) accepted user %q: %v", op, in, fields[0], err)
		}
		out, err := Encode(op, fields...)
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("Encode(Decode(%s, %q)) = %q, %v, want the input", op, in, out, err)
		}
	})
}

// FuzzDecodeEntry: an accepted lookup answer encodes back to itself.
func FuzzDecodeEntry(f *testing.F) {
	f.Add([]byte("1000\x001000\x00/home/a\x001000,27\x00"))
	f.Add([]byte("0\x000\x00/\x00\x00"))
	f.Fuzz(func(t *testing.T, out []byte) {
		e, err := DecodeEntry(out)
		if err != nil {
			return
		}
		if got := EncodeEntry(e); !bytes.Equal(got, out) {
			t.Fatalf("EncodeEntry(DecodeEntry(%q)) = %q", out, got)
		}
	})
}

// TestPAMRefusedBeforeRun: a user name that is not one, a NUL in the
// password or a password longer than PAM takes is refused before
// postern-login runs. The program here is /bin/true, which would answer
// "ok": without the checks, "root" would get an account.
func TestPAMRefusedBeforeRun(t *testing.T) {
	b := NewPAM(&Client{Path: "/bin/true"}, "", "")
	for _, tt := range []struct{ user, password string }{
		{"../root", "x"},
		{"", "x"},
		{"root", "a\x00b"},
		{"root", string(make([]byte, 600))},
	} {
		if a, err := b.AuthenticateFrom(tt.user, tt.password, ""); !errors.Is(err, auth.ErrFailed) {
			t.Errorf("AuthenticateFrom(%q, %.10q) = %v, %v, want ErrFailed", tt.user, tt.password, a, err)
		}
	}
	if a, err := b.Lookup("a/b"); !errors.Is(err, auth.ErrNoUser) {
		t.Errorf("Lookup(a/b) = %v, %v, want ErrNoUser", a, err)
	}
	for _, pw := range []string{"", "a\x00b"} {
		if err := b.ChangePassword("root", pw, "N3w password", ""); !errors.Is(err, auth.ErrFailed) {
			t.Errorf("ChangePassword(root, %q, ...) = %v, want ErrFailed", pw, err)
		}
	}
}
