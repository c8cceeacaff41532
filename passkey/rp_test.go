package passkey

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestHelperFails: a helper that cannot be run, or answers nonsense, is
// ErrHelper (not a refused assertion: nothing was checked), and the
// credentials file is left as it was.
func TestHelperFails(t *testing.T) {
	data, err := os.ReadFile("testdata/passkeys")
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{Path: filepath.Join(t.TempDir(), "passkeys")}
	if err := os.WriteFile(s.Path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	rp, err := New(Config{ID: "mail.example.org", Origins: []string{"https://mail.example.org"},
		Helper: "/nonexistent/postern-helper"})
	if err != nil {
		t.Fatal(err)
	}
	creds, _ := s.List()
	_, sd, err := rp.BeginLogin("bob", creds)
	if err != nil {
		t.Fatal(err)
	}
	assertion := []byte(`{"rawId":"Z29sZGVuLWNyZWRlbnRpYWwtaWQ","response":{"userHandle":"Ym9i"}}`)
	for name, run := range map[string]func(context.Context, []byte) ([]byte, error){
		"missing":  rp.Run, // the real one, on a path that does not exist
		"nonsense": func(context.Context, []byte) ([]byte, error) { return []byte("{"), nil },
		"no key":   func(context.Context, []byte) ([]byte, error) { return []byte("{}"), nil },
	} {
		rp.Run = run
		if _, err := rp.Verify(s, "bob", sd, assertion); !errors.Is(err, ErrHelper) {
			t.Errorf("%s: Verify = %v, want ErrHelper", name, err)
		}
		if _, err := rp.FinishRegistration("bob", sd, []byte("{}")); !errors.Is(err, ErrHelper) {
			t.Errorf("%s: FinishRegistration = %v, want ErrHelper", name, err)
		}
		if got, _ := os.ReadFile(s.Path); !bytes.Equal(got, data) {
			t.Errorf("%s: the credentials file changed", name)
		}
	}
	// A refusal is not ErrHelper.
	rp.Run = func(context.Context, []byte) ([]byte, error) { return []byte(`{"refused":"bad signature"}`), nil }
	if _, err := rp.Verify(s, "bob", sd, assertion); !errors.Is(err, ErrRefused) || errors.Is(err, ErrHelper) {
		t.Errorf("refused: Verify = %v, want ErrRefused", err)
	}
}
