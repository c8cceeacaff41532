package ceremony

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"postern/internal/helperrun"
	"postern/internal/helpertest"
	"postern/passkey"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
)

// A software authenticator, enough to drive the ceremonies without a
// browser: one P-256 key, attestation "none", a signature counter.
// (The e2e test TestPasskeyBrowser drives Chromium's own.)

const (
	testRP     = "mail.example.org"
	testOrigin = "https://mail.example.org"
)

type softKey struct {
	id      []byte
	priv    *ecdsa.PrivateKey
	counter uint32
	uv      bool
	handle  []byte
}

func newSoftKey(t testing.TB, uv bool) *softKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &softKey{id: id, priv: priv, uv: uv}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// authData is the authenticator data: rpIdHash, flags, counter, and the
// attested credential data when attested.
func (k *softKey) authData(rpID string, attested bool) []byte {
	h := sha256.Sum256([]byte(rpID))
	flags := byte(0x01) // UP
	if k.uv {
		flags |= 0x04
	}
	if attested {
		flags |= 0x40
	}
	out := append(h[:], flags)
	out = binary.BigEndian.AppendUint32(out, k.counter)
	if attested {
		out = append(out, make([]byte, 16)...) // AAGUID
		out = binary.BigEndian.AppendUint16(out, uint16(len(k.id)))
		out = append(out, k.id...)
		x, y := k.priv.PublicKey.X.FillBytes(make([]byte, 32)), k.priv.PublicKey.Y.FillBytes(make([]byte, 32))
		cose, _ := webauthncbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: x, -3: y})
		out = append(out, cose...)
	}
	return out
}

func clientData(typ, challenge, origin string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": origin, "crossOrigin": false})
	return b
}

// create answers registration options.
func (k *softKey) create(t testing.TB, options []byte, origin string) []byte {
	t.Helper()
	var o struct {
		Challenge string `json:"challenge"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	if err := json.Unmarshal(options, &o); err != nil {
		t.Fatal(err)
	}
	k.handle, _ = base64.RawURLEncoding.DecodeString(o.User.ID)
	att, _ := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": k.authData(o.RP.ID, true)})
	resp, _ := json.Marshal(map[string]any{
		"id": b64(k.id), "rawId": b64(k.id), "type": "public-key", "clientExtensionResults": map[string]any{},
		"response": map[string]any{"clientDataJSON": b64(clientData("webauthn.create", o.Challenge, origin)), "attestationObject": b64(att)},
	})
	return resp
}

// get answers assertion options (challenge, rpId) from origin.
func (k *softKey) get(t testing.TB, challenge, origin string) []byte {
	t.Helper()
	k.counter++
	ad := k.authData(testRP, false)
	cd := clientData("webauthn.get", challenge, origin)
	sum := sha256.Sum256(cd)
	digest := sha256.Sum256(append(append([]byte{}, ad...), sum[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := json.Marshal(map[string]any{
		"id": b64(k.id), "rawId": b64(k.id), "type": "public-key", "clientExtensionResults": map[string]any{},
		"response": map[string]any{"clientDataJSON": b64(cd), "authenticatorData": b64(ad), "signature": b64(sig), "userHandle": b64(k.handle)},
	})
	return resp
}

func challengeOf(t testing.TB, options []byte) string {
	t.Helper()
	var o struct {
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(options, &o); err != nil {
		t.Fatal(err)
	}
	return o.Challenge
}

// newRP is the request side's relying party whose helper is Serve, in
// this process.
func newRP(t testing.TB) *passkey.RP {
	t.Helper()
	rp, err := passkey.New(passkey.Config{ID: testRP, Origins: []string{testOrigin}, Name: "postern"})
	if err != nil {
		t.Fatal(err)
	}
	rp.Run = func(_ context.Context, in []byte) ([]byte, error) { return Serve(in) }
	return rp
}

// registered returns a relying party and a store holding k for "bob".
func registered(t testing.TB, k *softKey) (*passkey.RP, *passkey.Store) {
	t.Helper()
	rp := newRP(t)
	s := &passkey.Store{Path: filepath.Join(t.TempDir(), "passkeys")}
	opts, sd, err := rp.BeginRegistration("bob", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(opts), `"attestation":"none"`) {
		t.Errorf("registration options without attestation none: %s", opts)
	}
	cred, err := rp.FinishRegistration("bob", sd, k.create(t, opts, testOrigin))
	if err != nil {
		t.Fatalf("FinishRegistration: %v", err)
	}
	if err := s.Add("key", cred); err != nil {
		t.Fatal(err)
	}
	return rp, s
}

func TestSecondFactor(t *testing.T) {
	k := newSoftKey(t, false)
	rp, s := registered(t, k)
	if string(k.handle) != "bob" {
		t.Errorf("user handle %q, want the user name", k.handle)
	}
	creds, _ := s.List()
	login := func() (passkey.SessionData, string) {
		opts, sd, err := rp.BeginLogin("bob", creds)
		if err != nil {
			t.Fatal(err)
		}
		return sd, challengeOf(t, opts)
	}

	sd, ch := login()
	c, err := rp.Verify(s, "bob", sd, k.get(t, ch, testOrigin))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if c.SignCount() != 1 || c.LastUsed.IsZero() {
		t.Errorf("after a use: counter %d, last used %v", c.SignCount(), c.LastUsed)
	}

	// Another origin, another challenge: refused.
	sd, ch = login()
	if _, err := rp.Verify(s, "bob", sd, k.get(t, ch, "https://evil.example.org")); !errors.Is(err, passkey.ErrRefused) {
		t.Errorf("Verify(other origin) = %v, want passkey.ErrRefused", err)
	}
	sd, _ = login()
	if _, err := rp.Verify(s, "bob", sd, k.get(t, b64([]byte("0123456789abcdef0123456789abcdef")), testOrigin)); !errors.Is(err, passkey.ErrRefused) {
		t.Errorf("Verify(other challenge) = %v, want passkey.ErrRefused", err)
	}
	// Someone else's ceremony.
	sd, ch = login()
	if _, err := rp.Verify(s, "alice", sd, k.get(t, ch, testOrigin)); err == nil {
		t.Error("Verify as another user succeeded")
	}
	// Garbage.
	sd, _ = login()
	for _, bad := range []string{"", "{}", "null", strings.Repeat("x", passkey.MaxResponseBytes+1)} {
		if _, err := rp.Verify(s, "bob", sd, []byte(bad)); !errors.Is(err, passkey.ErrRefused) {
			t.Errorf("Verify(%.20q) = %v, want passkey.ErrRefused", bad, err)
		}
	}

	// The counter goes backwards: refused, flagged, and refused after.
	sd, ch = login()
	k.counter = 0
	if _, err := rp.Verify(s, "bob", sd, k.get(t, ch, testOrigin)); !errors.Is(err, passkey.ErrCloned) {
		t.Fatalf("Verify(counter 1 after %d) = %v, want passkey.ErrCloned", 6, err)
	}
	creds, _ = s.List()
	if creds[0].Cloned.IsZero() {
		t.Error("the credential is not flagged")
	}
	if _, _, err := rp.BeginLogin("bob", creds); !errors.Is(err, passkey.ErrNoneLeft) {
		t.Errorf("BeginLogin with only a flagged key = %v, want passkey.ErrNoneLeft", err)
	}
	k.counter = 100
	sd.Challenge = ch
	if _, err := rp.Verify(s, "bob", sd, k.get(t, ch, testOrigin)); !errors.Is(err, passkey.ErrCloned) {
		t.Errorf("Verify(flagged key) = %v, want passkey.ErrCloned", err)
	}
}

func TestPasswordless(t *testing.T) {
	for _, uv := range []bool{true, false} {
		k := newSoftKey(t, uv)
		rp, s := registered(t, k)
		challenge := make([]byte, 32)
		rand.Read(challenge)
		opts, err := rp.PasswordlessOptions(challenge)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(opts), `"userVerification":"required"`) || strings.Contains(string(opts), "allowCredentials") {
			t.Errorf("passwordless options: %s", opts)
		}
		sd := rp.PasswordlessSession(challenge, "bob", time.Now())
		_, err = rp.VerifyPasswordless(s, "bob", sd, k.get(t, b64(challenge), testOrigin))
		if uv && err != nil {
			t.Errorf("VerifyPasswordless with user verification: %v", err)
		}
		if !uv && !errors.Is(err, passkey.ErrRefused) {
			t.Errorf("VerifyPasswordless without user verification = %v, want passkey.ErrRefused", err)
		}
		// A handle that names someone else.
		k.handle = []byte("alice")
		sd = rp.PasswordlessSession(challenge, "bob", time.Now())
		if _, err := rp.VerifyPasswordless(s, "bob", sd, k.get(t, b64(challenge), testOrigin)); !errors.Is(err, passkey.ErrRefused) {
			t.Errorf("VerifyPasswordless(handle alice) = %v, want passkey.ErrRefused", err)
		}
		// No handle at all: the library would not look.
		k.handle = nil
		sd = rp.PasswordlessSession(challenge, "bob", time.Now())
		if _, err := rp.VerifyPasswordless(s, "bob", sd, k.get(t, b64(challenge), testOrigin)); !errors.Is(err, passkey.ErrRefused) {
			t.Errorf("VerifyPasswordless(no handle) = %v, want passkey.ErrRefused", err)
		}
		// Expired.
		k.handle = []byte("bob")
		sd = rp.PasswordlessSession(challenge, "bob", time.Now().Add(-passkey.ChallengeTTL-time.Second))
		if _, err := rp.VerifyPasswordless(s, "bob", sd, k.get(t, b64(challenge), testOrigin)); !errors.Is(err, passkey.ErrRefused) {
			t.Errorf("VerifyPasswordless(expired) = %v, want passkey.ErrRefused", err)
		}
	}
}

func TestNewRefusesIPAddress(t *testing.T) {
	if _, err := passkey.New(passkey.Config{ID: "192.0.2.1", Origins: []string{"https://192.0.2.1"}}); err == nil {
		t.Error("New accepted an IP address as relying party id")
	}
}

// BenchmarkVerify is the server's cost of a passkey at login: parse,
// check the signature, record the counter (one locked atomic write).
func BenchmarkVerify(b *testing.B) {
	t := b
	k := newSoftKey(t, true)
	rp, s := registered(t, k)
	creds, _ := s.List()
	for b.Loop() {
		opts, sd, err := rp.BeginLogin("bob", creds)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rp.Verify(s, "bob", sd, k.get(t, challengeOf(t, opts), testOrigin)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyHelper is BenchmarkVerify through the real
// postern-helper, as a request runs it (exec, pipes, limits): the cost
// a passkey's second step pays for keeping the library out of the
// request binary. helper-minflt/op and helper-cpu-ms/op are the
// helper's page faults and CPU time.
func BenchmarkVerifyHelper(b *testing.B) {
	t := b
	k := newSoftKey(t, true)
	rp, s := registered(t, k)
	path := helpertest.Build(b)
	rp.Run = func(ctx context.Context, in []byte) ([]byte, error) {
		return helperrun.Run(ctx, path, "passkey", in, passkey.HelperTimeout, passkey.MaxHelperAnswerBytes)
	}
	creds, _ := s.List()
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &before)
	for b.Loop() {
		opts, sd, err := rp.BeginLogin("bob", creds)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rp.Verify(s, "bob", sd, k.get(t, challengeOf(t, opts), testOrigin)); err != nil {
			b.Fatal(err)
		}
	}
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &after)
	b.ReportMetric(float64(after.Minflt-before.Minflt)/float64(b.N), "helper-minflt/op")
	cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "helper-cpu-ms/op")
}
