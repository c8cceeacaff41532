package twofactor

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"postern/internal/lockfile"
	"postern/internal/privfile"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Parameters of the codes.
const (
	Period        = 30 // seconds per step
	Skew          = 1  // steps accepted either side of now
	RecoveryCodes = 10 // drawn at confirmation
	MaxFileBytes  = 4096
	MaxCodeBytes  = 64 // longer input is not a code
)

// Errors; test with errors.Is.
var (
	ErrNotEnrolled = errors.New("twofactor: not enrolled")
	ErrEnrolled    = errors.New("twofactor: already enrolled")
	ErrBadCode     = errors.New("twofactor: wrong code")
	ErrReplay      = errors.New("twofactor: code already used")
)

// state is the JSON file.
type state struct {
	Secret    string   `json:"secret"`
	Confirmed bool     `json:"confirmed"`
	LastStep  int64    `json:"last_step"`
	Recovery  []string `json:"recovery,omitempty"`
}

// Store is the second-factor file of one user.
type Store struct {
	Path string           // the state file, e.g. <Maildir>/postern/totp
	Now  func() time.Time // nil: time.Now
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Status reports whether the user has a confirmed key (enabled), and the
// unconfirmed key's otpauth URL while enrolment is under way.
func (s *Store) Status() (enabled bool, pendingURL string, remaining int, err error) {
	st, err := s.read()
	if errors.Is(err, ErrNotEnrolled) {
		return false, "", 0, nil
	}
	if err != nil {
		return false, "", 0, err
	}
	if !st.Confirmed {
		return false, st.Secret, 0, nil
	}
	return true, "", len(st.Recovery), nil
}

// Begin draws a new key for account (shown by the app under issuer) and
// stores it unconfirmed, replacing an unconfirmed one. It refuses when a
// confirmed key exists. It returns the otpauth:// URL for the QR code and
// the key in base32 for typing.
func (s *Store) Begin(issuer, account string) (url, secret string, err error) {
	unlock, err := s.lock()
	if err != nil {
		return "", "", err
	}
	defer unlock()
	if st, err := s.read(); err == nil && st.Confirmed {
		return "", "", ErrEnrolled
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: Period})
	if err != nil {
		return "", "", fmt.Errorf("twofactor: %w", err)
	}
	if err := s.write(&state{Secret: key.String()}); err != nil {
		return "", "", err
	}
	return key.String(), key.Secret(), nil
}

// PendingKey returns the unconfirmed key's otpauth URL.
func (s *Store) PendingKey() (string, error) {
	st, err := s.read()
	if err != nil {
		return "", err
	}
	if st.Confirmed {
		return "", ErrEnrolled
	}
	return st.Secret, nil
}

// Confirm checks a first code against the unconfirmed key, enables it and
// returns the recovery codes, to be shown once.
func (s *Store) Confirm(code string) ([]string, error) {
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	st, err := s.read()
	if err != nil {
		return nil, err
	}
	if st.Confirmed {
		return nil, ErrEnrolled
	}
	step, err := s.match(st, code)
	if err != nil {
		return nil, err
	}
	codes := make([]string, RecoveryCodes)
	st.Recovery = make([]string, RecoveryCodes)
	for i := range codes {
		codes[i] = newRecoveryCode()
		st.Recovery[i] = hashCode(codes[i])
	}
	st.Confirmed, st.LastStep = true, step
	return codes, s.write(st)
}

// Verify checks a TOTP code or a recovery code for a login. A recovery
// code is used up (recovery reports that one was used). A TOTP code of a
// step not later than the last accepted one is ErrReplay.
func (s *Store) Verify(code string) (recovery bool, err error) {
	unlock, err := s.lock()
	if err != nil {
		return false, err
	}
	defer unlock()
	st, err := s.read()
	if err != nil {
		return false, err
	}
	if !st.Confirmed {
		return false, ErrNotEnrolled
	}
	code = normalize(code)
	if len(code) > 6 { // a recovery code
		h := hashCode(code)
		for i, r := range st.Recovery {
			if subtle.ConstantTimeCompare([]byte(h), []byte(r)) == 1 {
				st.Recovery = append(st.Recovery[:i], st.Recovery[i+1:]...)
				return true, s.write(st)
			}
		}
		return false, ErrBadCode
	}
	step, err := s.match(st, code)
	if err != nil {
		return false, err
	}
	st.LastStep = step
	return false, s.write(st)
}

// Disable removes the second factor.
func (s *Store) Disable() error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := os.Remove(s.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("twofactor: %w", err)
	}
	return nil
}

// match finds the step of code within the skew; a step not after
// st.LastStep is ErrReplay.
func (s *Store) match(st *state, code string) (int64, error) {
	code = normalize(code)
	key, err := otp.NewKeyFromURL(st.Secret)
	if err != nil {
		return 0, fmt.Errorf("twofactor: stored key: %w", err)
	}
	opts := totp.ValidateOpts{Period: Period, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	now := s.now().Unix() / Period
	var found int64 = -1
	for step := now - Skew; step <= now+Skew; step++ {
		want, err := totp.GenerateCodeCustom(key.Secret(), time.Unix(step*Period, 0), opts)
		if err != nil {
			return 0, fmt.Errorf("twofactor: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			found = step
		}
	}
	switch {
	case found < 0:
		return 0, ErrBadCode
	case found <= st.LastStep:
		return 0, ErrReplay
	}
	return found, nil
}

// normalize removes spaces and dashes and upper-cases a typed code.
func normalize(code string) string {
	if len(code) > MaxCodeBytes {
		return ""
	}
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(code))
}

func hashCode(code string) string {
	sum := sha256.Sum256([]byte(normalize(code)))
	return hex.EncodeToString(sum[:])
}

// newRecoveryCode is 80 random bits as 16 base32 letters in groups of 4.
func newRecoveryCode() string {
	b := make([]byte, 10)
	rand.Read(b)
	s := base32.StdEncoding.EncodeToString(b)
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// QRPNG renders an otpauth URL as a PNG QR code of size x size pixels.
func QRPNG(url string, size int) ([]byte, error) {
	key, err := otp.NewKeyFromURL(url)
	if err != nil {
		return nil, fmt.Errorf("twofactor: %w", err)
	}
	img, err := key.Image(size, size)
	if err != nil {
		return nil, fmt.Errorf("twofactor: qr: %w", err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("twofactor: png: %w", err)
	}
	return b.Bytes(), nil
}

func (s *Store) read() (*state, error) {
	data, err := privfile.Read(s.Path, MaxFileBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotEnrolled
	}
	if err != nil && !errors.Is(err, privfile.ErrTooLarge) {
		return nil, fmt.Errorf("twofactor: %w", err)
	}
	var st state
	if err != nil || json.Unmarshal(data, &st) != nil || st.Secret == "" {
		return nil, fmt.Errorf("twofactor: %s is corrupt", s.Path)
	}
	return &st, nil
}

func (s *Store) write(st *state) error {
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("twofactor: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
		return fmt.Errorf("twofactor: %w", err)
	}
	if err := privfile.WriteAtomic(s.Path, data); err != nil {
		return fmt.Errorf("twofactor: %w", err)
	}
	return nil
}

// lock takes an flock on Path + ".lock".
func (s *Store) lock() (func(), error) {
	unlock, err := lockfile.MakeAndLock(s.Path + ".lock")
	if err != nil {
		return nil, fmt.Errorf("twofactor: %w", err)
	}
	return unlock, nil
}
