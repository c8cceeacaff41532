package ceremony

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"postern/passkey"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// TestOptionsAsLibrary: the options and ceremonies package passkey draws
// without the library are the library's, as postern used it before the
// helper (the browser gets the same JSON, the helper reads the same
// SessionData), but for the random challenge and the expiry.
func TestOptionsAsLibrary(t *testing.T) {
	k := newSoftKey(t, true)
	rp, s := registered(t, k)
	creds, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := relyingParty(passkey.Config{ID: testRP, Origins: []string{testOrigin}, Name: "postern"})
	if err != nil {
		t.Fatal(err)
	}
	var libCreds []webauthn.Credential
	for _, c := range creds {
		var wc webauthn.Credential
		if err := convert(c.Key, &wc); err != nil {
			t.Fatal(err)
		}
		wc.Transport = []protocol.AuthenticatorTransport{"usb", "internal"}
		libCreds = append(libCreds, wc)
	}
	// The request side's credentials with the same transports.
	var withTransports []passkey.Credential
	for _, wc := range libCreds {
		var key passkey.Key
		if err := convert(wc, &key); err != nil {
			t.Fatal(err)
		}
		withTransports = append(withTransports, passkey.Credential{Name: "k", Key: key})
	}
	u := &user{name: "bob", creds: libCreds}

	for _, excl := range []bool{false, true} {
		var mine []passkey.Credential
		var descs []protocol.CredentialDescriptor
		if excl {
			mine = withTransports
			for _, c := range libCreds {
				descs = append(descs, c.Descriptor())
			}
		}
		opts, sd, err := rp.BeginRegistration("bob", mine)
		if err != nil {
			t.Fatal(err)
		}
		want, wantSD, err := lib.BeginRegistration(u,
			webauthn.WithConveyancePreference(protocol.PreferNoAttestation),
			webauthn.WithExclusions(descs),
			webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
				ResidentKey:      protocol.ResidentKeyRequirementPreferred,
				UserVerification: protocol.VerificationPreferred,
			}))
		if err != nil {
			t.Fatal(err)
		}
		same(t, "registration options", opts, want.Response, sd, wantSD)
	}

	opts, sd, err := rp.BeginLogin("bob", withTransports)
	if err != nil {
		t.Fatal(err)
	}
	want, wantSD, err := lib.BeginLogin(u, webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		t.Fatal(err)
	}
	same(t, "login options", opts, want.Response, sd, wantSD)

	ch := []byte("0123456789abcdef0123456789abcdef")
	opts, err = rp.PasswordlessOptions(ch)
	if err != nil {
		t.Fatal(err)
	}
	wantPL, _ := json.Marshal(protocol.PublicKeyCredentialRequestOptions{
		Challenge: ch, Timeout: int(passkey.ChallengeTTL.Milliseconds()), RelyingPartyID: testRP,
		UserVerification: protocol.VerificationRequired,
	})
	if string(opts) != string(wantPL) {
		t.Errorf("passwordless options:\n%s\nwant\n%s", opts, wantPL)
	}
}

// same compares options and ceremonies as JSON, byte for byte, the
// challenge and the expiry of the library's set to ours.
func same(t *testing.T, what string, opts []byte, want any, sd passkey.SessionData, wantSD *webauthn.SessionData) {
	t.Helper()
	wantJS, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	wantJS = bytes.Replace(wantJS, []byte(wantSD.Challenge), []byte(sd.Challenge), 1)
	if !bytes.Equal(opts, wantJS) {
		t.Errorf("%s:\n%s\nwant\n%s", what, opts, wantJS)
	}
	wantSD.Challenge, wantSD.Expires = sd.Challenge, sd.Expires
	a, _ := json.Marshal(sd)
	b, _ := json.Marshal(wantSD)
	if !bytes.Equal(a, b) {
		t.Errorf("%s: session\n%s\nwant\n%s", what, a, b)
	}
}

// TestLibraryFile: a credentials file written by the code that linked the
// library into the request (../testdata/passkeys, go-webauthn v0.18.2)
// still logs in, and the record stored after is the library's with the
// new counter.
func TestLibraryFile(t *testing.T) {
	var g struct {
		D       string `json:"d"`
		ID      []byte `json:"id"`
		Counter uint32 `json:"counter"`
	}
	b, err := os.ReadFile("../testdata/golden-key")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	d, _ := new(big.Int).SetString(g.D, 16)
	priv := &ecdsa.PrivateKey{D: d}
	priv.Curve = elliptic.P256()
	priv.X, priv.Y = elliptic.P256().ScalarBaseMult(d.Bytes())
	k := &softKey{id: g.ID, priv: priv, counter: g.Counter, uv: true, handle: []byte("bob")}

	data, err := os.ReadFile("../testdata/passkeys")
	if err != nil {
		t.Fatal(err)
	}
	s := &passkey.Store{Path: filepath.Join(t.TempDir(), "passkeys")}
	if err := os.WriteFile(s.Path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	rp := newRP(t)
	creds, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	opts, sd, err := rp.BeginLogin("bob", creds)
	if err != nil {
		t.Fatal(err)
	}
	used, err := rp.Verify(s, "bob", sd, k.get(t, challengeOf(t, opts), testOrigin))
	if err != nil {
		t.Fatalf("Verify with the library's file: %v", err)
	}
	if used.SignCount() != g.Counter+1 || used.Name != "golden key" {
		t.Errorf("used %q, counter %d, want golden key, %d", used.Name, used.SignCount(), g.Counter+1)
	}
	// The stored record is what the library makes of the old one.
	creds, _ = s.List()
	var got, want webauthn.Credential
	if err := convert(creds[0].Key, &got); err != nil {
		t.Fatal(err)
	}
	var f struct {
		Credentials []struct {
			Key json.RawMessage `json:"key"`
		} `json:"credentials"`
	}
	json.Unmarshal(data, &f)
	json.Unmarshal(f.Credentials[0].Key, &want)
	want.Authenticator.SignCount = g.Counter + 1
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored record\n%+v\nwant\n%+v", got, want)
	}
	if creds[0].LastUsed.Before(time.Now().Add(-time.Minute)) {
		t.Errorf("last used %v, want now", creds[0].LastUsed)
	}
}
