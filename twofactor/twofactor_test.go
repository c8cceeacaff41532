package twofactor

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hotp is RFC 4226 written out here, independent of the library.
func hotp(t *testing.T, secret string, counter int64) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha1.New, key)
	binary.Write(m, binary.BigEndian, counter)
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0xf
	v := binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

// TestRFC6238Vector: the library agrees with the RFC's SHA-1 test vector
// through our match.
func TestRFC6238Vector(t *testing.T) {
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))
	if got := hotp(t, secret, 59/30); got != "287082" { // RFC 6238 appendix B: 94287082, last 6 digits
		t.Fatalf("hotp(T=59) = %s, want 287082", got)
	}
	s := &Store{Path: filepath.Join(t.TempDir(), "totp"), Now: func() time.Time { return time.Unix(59, 0) }}
	st := &state{Secret: "otpauth://totp/x:y?secret=" + secret + "&issuer=x", LastStep: -1}
	if step, err := s.match(st, "287082"); err != nil || step != 1 {
		t.Errorf("match(RFC vector) = %d, %v, want 1, nil", step, err)
	}
}

func TestEnrolAndVerify(t *testing.T) {
	now := time.Unix(1_700_000_010, 0)
	s := &Store{Path: filepath.Join(t.TempDir(), "postern", "totp"), Now: func() time.Time { return now }}
	if on, _, _, err := s.Status(); on || err != nil {
		t.Fatalf("Status before enrolment = %v, %v, want off", on, err)
	}
	if _, err := s.Verify("123456"); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("Verify before enrolment = %v, want ErrNotEnrolled", err)
	}
	u, secret, err := s.Begin("postern", "alice")
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := url.Parse(u)
	if pu.Scheme != "otpauth" || pu.Query().Get("secret") != secret {
		t.Errorf("Begin URL = %s, want otpauth with secret %s", u, secret)
	}
	if _, err := s.Verify(hotp(t, secret, now.Unix()/30)); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("Verify with an unconfirmed key = %v, want ErrNotEnrolled", err)
	}
	if _, err := s.Confirm("000000x"); !errors.Is(err, ErrBadCode) {
		t.Errorf("Confirm(garbage) = %v, want ErrBadCode", err)
	}
	step := now.Unix() / 30
	codes, err := s.Confirm(hotp(t, secret, step))
	if err != nil || len(codes) != RecoveryCodes {
		t.Fatalf("Confirm = %d codes, %v, want %d", len(codes), err, RecoveryCodes)
	}
	fi, _ := os.Stat(s.Path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode = %v, want 0600", fi.Mode())
	}
	if _, _, err := s.Begin("postern", "alice"); !errors.Is(err, ErrEnrolled) {
		t.Errorf("Begin when enrolled = %v, want ErrEnrolled", err)
	}
	// The confirmation code may not be used again to log in.
	if _, err := s.Verify(hotp(t, secret, step)); !errors.Is(err, ErrReplay) {
		t.Errorf("Verify(confirmation code) = %v, want ErrReplay", err)
	}
	// Next step (30 s of skew): accepted once, then a replay.
	next := hotp(t, secret, step+1)
	if _, err := s.Verify(next); err != nil {
		t.Errorf("Verify(next step) = %v, want nil", err)
	}
	if _, err := s.Verify(next); !errors.Is(err, ErrReplay) {
		t.Errorf("Verify(same code again) = %v, want ErrReplay", err)
	}
	// Two steps ahead is outside the skew.
	if _, err := s.Verify(hotp(t, secret, step+2)); !errors.Is(err, ErrBadCode) {
		t.Errorf("Verify(two steps ahead) = %v, want ErrBadCode", err)
	}
	// Recovery codes: any case, with or without dashes, once each.
	rc := strings.ToLower(strings.ReplaceAll(codes[3], "-", " "))
	if rec, err := s.Verify(rc); !rec || err != nil {
		t.Errorf("Verify(recovery code) = %v, %v, want true, nil", rec, err)
	}
	if _, err := s.Verify(codes[3]); !errors.Is(err, ErrBadCode) {
		t.Errorf("Verify(used recovery code) = %v, want ErrBadCode", err)
	}
	if on, _, left, _ := s.Status(); !on || left != RecoveryCodes-1 {
		t.Errorf("Status = %v, %d left, want on, %d", on, left, RecoveryCodes-1)
	}
	b, _ := os.ReadFile(s.Path)
	if bytes.Contains(b, []byte(codes[0])) {
		t.Error("state file holds a recovery code in clear")
	}
	if err := s.Disable(); err != nil {
		t.Fatal(err)
	}
	if on, _, _, _ := s.Status(); on {
		t.Error("Status after Disable = on")
	}
}

func TestQRPNG(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "totp")}
	u, _, err := s.Begin("postern", "alice@example.org")
	if err != nil {
		t.Fatal(err)
	}
	b, err := QRPNG(u, 240)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("QRPNG output does not decode: %v", err)
	}
	if r := img.Bounds(); r.Dx() != 240 || r.Dy() != 240 {
		t.Errorf("QR image is %v, want 240x240", r)
	}
}

func TestCorruptFile(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "totp")}
	os.WriteFile(s.Path, []byte("{not json"), 0o600)
	if _, err := s.Verify("123456"); err == nil || errors.Is(err, ErrBadCode) {
		t.Errorf("Verify with a corrupt file = %v, want a corruption error", err)
	}
}
