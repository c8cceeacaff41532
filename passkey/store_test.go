package passkey

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func testStore(t *testing.T) *Store {
	t.Helper()
	return &Store{Path: filepath.Join(t.TempDir(), "passkeys")}
}

// key is a credential record as the library writes it, id and public
// key only, with counter and flags when given.
func key(id byte) Key {
	return keyWith(id, 0, false)
}

func keyWith(id byte, counter uint32, uv bool) Key {
	var k Key
	js := fmt.Sprintf(`{"id":%q,"publicKey":%q,"flags":{"userPresent":true,"userVerified":%v,"backupEligible":false,"backupState":false},"authenticator":{"signCount":%d}}`,
		base64.StdEncoding.EncodeToString([]byte{id, 1, 2, 3}), base64.StdEncoding.EncodeToString([]byte{0xa5, 1, 2, 3, id}), uv, counter)
	if err := json.Unmarshal([]byte(js), &k); err != nil {
		panic(err)
	}
	return k
}

func TestStoreAddListRemove(t *testing.T) {
	s := testStore(t)
	if cs, err := s.List(); err != nil || len(cs) != 0 {
		t.Fatalf("List() of a missing file = %v, %v, want none, nil", cs, err)
	}
	if err := s.Add("laptop", key(1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("phone", key(2)); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("again", key(1)); !errors.Is(err, ErrDuplicate) {
		t.Errorf("Add(same id) = %v, want ErrDuplicate", err)
	}
	fi, err := os.Stat(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	cs, err := s.List()
	if err != nil || len(cs) != 2 || cs[0].Name != "laptop" || cs[1].Name != "phone" {
		t.Fatalf("List() = %+v, %v, want laptop and phone", cs, err)
	}
	if cs[0].Created.IsZero() || !cs[0].LastUsed.IsZero() {
		t.Errorf("new credential: created %v, last used %v", cs[0].Created, cs[0].LastUsed)
	}
	if err := s.Remove(key(1).ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(key(1).ID); !errors.Is(err, ErrNoCredential) {
		t.Errorf("Remove(removed) = %v, want ErrNoCredential", err)
	}
	if err := s.Remove(key(2).ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Path); !os.IsNotExist(err) {
		t.Errorf("file after the last removal: %v, want none", err)
	}
}

func TestStoreUsedAndCloned(t *testing.T) {
	s := testStore(t)
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	if err := s.Add("key", key(1)); err != nil {
		t.Fatal(err)
	}
	k := keyWith(1, 7, true)
	if err := s.used(k); err != nil {
		t.Fatal(err)
	}
	if err := s.markCloned(k.ID); err != nil {
		t.Fatal(err)
	}
	cs, _ := s.List()
	c := cs[0]
	if c.SignCount() != 7 || !c.UserVerified() || !c.LastUsed.Equal(now) || !c.Cloned.Equal(now) {
		t.Errorf("after use and flag: %+v", c)
	}
}

func TestStoreLimits(t *testing.T) {
	s := testStore(t)
	for i := range MaxCredentials {
		if err := s.Add(fmt.Sprint("k", i), key(byte(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Add("one more", key(200)); !errors.Is(err, ErrTooMany) {
		t.Errorf("Add(%d+1) = %v, want ErrTooMany", MaxCredentials, err)
	}
	for _, name := range []string{"", "a\nb", "tab\there", string(bytes.Repeat([]byte("x"), MaxNameBytes+1)), "\xff"} {
		if err := (testStore(t)).Add(name, key(1)); !errors.Is(err, ErrBadName) {
			t.Errorf("Add(%q) = %v, want ErrBadName", name, err)
		}
	}
}

// A corrupt file refuses every use and is not rewritten.
func TestStoreCorrupt(t *testing.T) {
	for _, data := range []string{
		"",
		"{",
		`{"version":2,"credentials":[]}`,
		`{"version":1,"credentials":[{"name":"x","key":{"id":"","publicKey":"AQ=="}}]}`,
		`{"version":1,"credentials":[],"extra":1}`,
		`{"version":1,"credentials":[]} {}`,
	} {
		s := testStore(t)
		if err := os.WriteFile(s.Path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.List(); !errors.Is(err, ErrCorrupt) {
			t.Errorf("List(%q) = %v, want ErrCorrupt", data, err)
		}
		if err := s.Add("k", key(1)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Add over %q = %v, want ErrCorrupt", data, err)
		}
		if got, _ := os.ReadFile(s.Path); string(got) != data {
			t.Errorf("file %q rewritten to %q", data, got)
		}
	}
	s := testStore(t)
	if err := os.WriteFile(s.Path, bytes.Repeat([]byte(" "), MaxFileBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.List(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("List(too large) = %v, want ErrCorrupt", err)
	}
}

// A symbolic link is never followed.
func TestStoreSymlink(t *testing.T) {
	s := testStore(t)
	target := filepath.Join(t.TempDir(), "elsewhere")
	os.WriteFile(target, []byte(`{"version":1,"credentials":[]}`), 0o600)
	if err := os.Symlink(target, s.Path); err != nil {
		t.Fatal(err)
	}
	if _, err := s.List(); err == nil {
		t.Error("List() through a symbolic link succeeded")
	}
}

// Concurrent writers lose nothing: each Add holds the lock around its
// read and its rename.
func TestStoreConcurrent(t *testing.T) {
	s := testStore(t)
	var wg sync.WaitGroup
	errs := make(chan error, MaxCredentials)
	for i := range MaxCredentials {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A second Store value: its own lock file descriptor, as
			// another process would have.
			errs <- (&Store{Path: s.Path}).Add(fmt.Sprint("k", i), key(byte(i)))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	cs, err := s.List()
	if err != nil || len(cs) != MaxCredentials {
		t.Errorf("after %d concurrent adds: %d credentials, %v", MaxCredentials, len(cs), err)
	}
	// No temporary file is left behind.
	ents, _ := os.ReadDir(filepath.Dir(s.Path))
	for _, e := range ents {
		if e.Name() != "passkeys" && e.Name() != "passkeys.lock" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestChallenges(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	c := &Challenges{Path: filepath.Join(t.TempDir(), "ch"), Now: func() time.Time { return now }}
	sd := SessionData{Challenge: "abc", Expires: now.Add(ChallengeTTL)}
	if err := c.Put("s1", PurposeLogin, sd); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Take("s1", PurposeRegister); !errors.Is(err, ErrNoChallenge) {
		t.Errorf("Take(other purpose) = %v, want ErrNoChallenge", err)
	}
	if _, err := c.Take("s2", PurposeLogin); !errors.Is(err, ErrNoChallenge) {
		t.Errorf("Take(other session) = %v, want ErrNoChallenge", err)
	}
	got, err := c.Take("s1", PurposeLogin)
	if err != nil || got.Challenge != "abc" {
		t.Errorf("Take = %+v, %v, want abc", got, err)
	}
	// Single use.
	if _, err := c.Take("s1", PurposeLogin); !errors.Is(err, ErrNoChallenge) {
		t.Errorf("second Take = %v, want ErrNoChallenge", err)
	}
	// Expiry.
	c.Put("s1", PurposeLogin, sd)
	now = now.Add(ChallengeTTL)
	if _, err := c.Take("s1", PurposeLogin); !errors.Is(err, ErrNoChallenge) {
		t.Errorf("Take after %v = %v, want ErrNoChallenge", ChallengeTTL, err)
	}
	// Bounded: the oldest goes.
	for i := range MaxPending + 3 {
		c.Put(fmt.Sprint("s", i), PurposeLogin, SessionData{Challenge: "x", Expires: now.Add(time.Minute)})
	}
	if _, err := c.Take("s0", PurposeLogin); !errors.Is(err, ErrNoChallenge) {
		t.Errorf("oldest of %d kept", MaxPending+3)
	}
	if _, err := c.Take(fmt.Sprint("s", MaxPending+2), PurposeLogin); err != nil {
		t.Errorf("newest lost: %v", err)
	}
	fi, err := os.Stat(c.Path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("challenge file: %v, %v, want mode 0600", fi, err)
	}
}

// Files written by the code that linked the WebAuthn library into the
// request (testdata/passkeys and testdata/passkey-challenges, made by
// go-webauthn v0.18.2) are read as they were, and written back byte for
// byte: existing users' passkeys keep working.
func TestStoreReadsLibraryFiles(t *testing.T) {
	data, err := os.ReadFile("testdata/passkeys")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(testdata/passkeys) = %v", err)
	}
	c := cs[0]
	if c.Name != "golden key" || string(c.Key.ID) != "golden-credential-id" || c.SignCount() != 5 || !c.UserVerified() ||
		len(c.Key.PublicKey) != 77 || strings.Join(c.Transports(), ",") != "usb,nfc" || c.LastUsed.IsZero() {
		t.Errorf("Parse(testdata/passkeys) = %+v", c)
	}
	if eligible, state := c.Backup(); eligible || state {
		t.Errorf("Backup() = %v, %v, want false, false", eligible, state)
	}
	out, err := Format(cs)
	if err != nil || !bytes.Equal(out, data) {
		t.Errorf("Format(Parse(file)) differs:\n%s\n%s", out, data)
	}

	dir := t.TempDir()
	ch, err := os.ReadFile("testdata/passkey-challenges")
	if err != nil {
		t.Fatal(err)
	}
	c2 := &Challenges{Path: filepath.Join(dir, "passkey-challenges")}
	if err := os.WriteFile(c2.Path, ch, 0o600); err != nil {
		t.Fatal(err)
	}
	sd, err := c2.Take("golden-session", PurposeLogin)
	if err != nil || sd.Challenge != "OCw3YMeawhVok5A7sqeqFNYgYYTzfSE3tT5S5Uobzpk" || string(sd.UserID) != "bob" ||
		sd.UserVerification != "preferred" || len(sd.AllowedCredentialIDs) != 1 || string(sd.AllowedCredentialIDs[0]) != "golden-credential-id" {
		t.Errorf("Take(login) = %+v, %v", sd, err)
	}
	// What stays is the registration's ceremony, written as it was.
	left, _ := os.ReadFile(c2.Path)
	if want := ch[bytes.Index(ch, []byte(`{"key":"register`)) : len(ch)-1]; !bytes.Equal(left, append(append([]byte("["), want...), ']')) {
		t.Errorf("the challenges file rewritten as\n%s\nwant\n[%s]", left, want)
	}
}
