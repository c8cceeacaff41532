package pwhash

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"postern/internal/testenv"
)

const pw = "correct horse"

// Vectors made with `openssl passwd -1/-5/-6 -salt saltsalt` and, for the
// libcrypt schemes, with crypt(3) of this machine's libxcrypt (Python's crypt
// module given a fixed setting).
var vectors = []struct {
	hash, password string
}{
	{"$1$saltsalt$NuzA7WTAelpl95xgBGWN60", pw},
	{"$5$saltsalt$myjXcpMpE2Ofk7fj9hqyNYSn6lmWG4Mqnjx.KIRRr4/", pw},
	{"$5$rounds=1000$saltsalt$R6e4P8ccT9iMqkYg7Z8YtpId/lfsIfnuPkp8WXposU8", pw},
	{"$6$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0", pw},
	// UTF-8 password, one-byte salt.
	{"$6$x$0rvT3Vkq2T/AONm.TSv4ZOZ2B63.yPpbCE/zw1Eg9ZUHq4k.HVz6mWNlTPb7Wl86lcAU1Jd4.r/b88yJ5neAZ.", "ünïcödé pässwörd"},
	{"$y$j9T$F5Jx5fExrKuPp53xLKQ..1$zwtVrjrUCmXcyLTs6oxLTQlzifSUkF8RHJ./tK5KU79", pw},
	// yescrypt of the empty password: the hash is not empty, so it is checked.
	{"$y$j9T$F5Jx5fExrKuPp53xLKQ..1$5P1uc1zvKhieqEtKttbwCQrTPXpY1cK9wEnTDKAqLD8", ""},
	{"$gy$j9T$F5Jx5fExrKuPp53xLKQ..1$fjSOzYe3VPU6Q.dJqx4tYW6CE1ptRyuKNHZ4IlHBYq1", pw},
	{"$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2", pw},
	{"$7$CU..../....saltsaltsalt$gjzAlnDYkkg3ZeAuY.AduFwcmTTXJlfh0R2a95o5tK/", pw},
}

func TestVerifyVectors(t *testing.T) {
	for _, v := range vectors {
		if err := Verify(v.hash, v.password); err != nil {
			t.Errorf("Verify(%q, %q) = %v, want nil", v.hash, v.password, err)
		}
		if err := Verify(v.hash, v.password+"x"); !errors.Is(err, ErrMismatch) {
			t.Errorf("Verify(%q, %q) = %v, want ErrMismatch", v.hash, v.password+"x", err)
		}
	}
}

// The Go hashers and libcrypt must agree on the schemes both implement.
func TestGoAgreesWithLibcrypt(t *testing.T) {
	for _, v := range vectors[:5] {
		got, err := libcrypt(v.password, v.hash)
		if err != nil || got != v.hash {
			t.Errorf("libcrypt(%q, %q) = %q, %v, want %q", v.password, v.hash, got, err, v.hash)
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	long := strings.Repeat("a", MaxPasswordBytes+1)
	tests := []struct {
		hash, password string
		want           error // nil: any non-nil error
	}{
		{"", pw, ErrEmpty},
		{"", "", ErrEmpty}, // empty password against no password
		{"!", pw, ErrLocked},
		{"*", pw, ErrLocked},
		{"!!", pw, ErrLocked},
		// usermod -L keeps the hash behind a "!".
		{"!" + vectors[3].hash, pw, ErrLocked},
		{"*0", pw, ErrLocked},             // libcrypt failure token
		{"$1$saltsalt$", pw, ErrMismatch}, // truncated
		{"$6$saltsalt$x", pw, ErrMismatch},
		{"$9$nosuchscheme$abc", pw, ErrUnsupported},
		{"not a hash at all!", pw, ErrUnsupported},
		{vectors[3].hash, long, nil},               // password too long
		{vectors[3].hash, "correct\x00horse", nil}, // NUL in password
		{vectors[3].hash + "\n", pw, nil},          // control byte
		{"$6$a:b$c", pw, nil},                      // ':' cannot be in a shadow field
		{"$6$rounds=999999999$salt$x", pw, nil},    // too many rounds
		{"$5$rounds=abc$salt$x", pw, nil},
		{"$y$" + strings.Repeat("j", MaxHashBytes), pw, nil},
	}
	for _, tt := range tests {
		err := Verify(tt.hash, tt.password)
		if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("Verify(%q, %.20q) = %v, want %v", tt.hash, tt.password, err, tt.want)
		}
	}
}

func TestHashRoundTrip(t *testing.T) {
	for _, p := range []string{pw, "", "ünïcödé", strings.Repeat("x", MaxPasswordBytes)} {
		h, err := Hash(p)
		if err != nil {
			t.Fatalf("Hash(%.20q) = %v", p, err)
		}
		if !strings.HasPrefix(h, "$y$") {
			t.Errorf("Hash(%.20q) = %q, want a $y$ hash", p, h)
		}
		if err := Verify(h, p); err != nil {
			t.Errorf("Verify(Hash(%.20q)) = %v, want nil", p, err)
		}
		other := p + "!"
		if len(p) == MaxPasswordBytes {
			other = "!" + p[1:]
		}
		if err := Verify(h, other); !errors.Is(err, ErrMismatch) {
			t.Errorf("Verify(%q, other) = %v, want ErrMismatch", h, err)
		}
	}
	a, _ := Hash(pw)
	b, _ := Hash(pw)
	if a == b {
		t.Errorf("Hash(%q) twice = %q both times, want different salts", pw, a)
	}
	if _, err := Hash("a\x00b"); err == nil {
		t.Errorf("Hash(NUL) = nil error, want an error")
	}
}

// mkpasswd (Debian package whois, installed by make deps-apt) is an
// independent writer of $y$, $6$ and $2b$ hashes.
func TestVerifyMkpasswd(t *testing.T) {
	path, err := exec.LookPath("mkpasswd")
	if err != nil {
		testenv.Lacking(t, "mkpasswd not installed (Debian package whois)")
	}
	for _, m := range []string{"yescrypt", "sha-512", "bcrypt"} {
		out, err := exec.Command(path, "-m", m, pw).Output()
		if err != nil {
			t.Fatalf("mkpasswd -m %s: %v", m, err)
		}
		h := strings.TrimSpace(string(out))
		if err := Verify(h, pw); err != nil {
			t.Errorf("Verify(%q, %q) = %v, want nil", h, pw, err)
		}
	}
}

func FuzzVerify(f *testing.F) {
	for _, v := range vectors[:5] {
		f.Add(v.hash, v.password)
	}
	f.Add("", "")
	f.Add("!x", "x")
	f.Fuzz(func(t *testing.T, hash, password string) {
		// Property: no password ever verifies against an empty or locked
		// hash, and nothing panics.
		err := Verify(hash, password)
		if err == nil && (hash == "" || hash[0] == '!' || hash[0] == '*') {
			t.Errorf("Verify(%q, %q) = nil, want an error", hash, password)
		}
	})
}

// TestWasteHashIsReal: the dummy hash must be a real yescrypt hash, or
// Waste would return at once and its timing would tell again.
func TestWasteHashIsReal(t *testing.T) {
	if err := Verify(dummyHash, "not it"); err != ErrMismatch {
		t.Errorf("Verify(dummyHash, wrong) = %v, want ErrMismatch", err)
	}
}
