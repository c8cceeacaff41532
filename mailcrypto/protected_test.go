package mailcrypto

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"postern/internal/testenv"
)

// TestProtectedHeaders: the protected Subject of decrypted content, in
// each form, and none where the convention is not followed.
func TestProtectedHeaders(t *testing.T) {
	tests := []struct {
		name, in string
		want     Protected
		ok       bool
	}{
		{"v1 payload (Thunderbird)", "Content-Type: multipart/mixed; boundary=\"b\";\r\n protected-headers=\"v1\"\r\nSubject: The real subject\r\nFrom: a@example.org\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n",
			Protected{Subject: "The real subject"}, true},
		{"RFC 9788 HP-Outer", "Content-Type: text/plain; charset=utf-8\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nHP-Outer: Subject: [...]\r\n\r\nhi\r\n",
			Protected{Subject: "Grüße"}, true},
		{"signed inside encrypted", "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=\"s\"\r\n\r\n--s\r\nContent-Type: text/plain; protected-headers=v1\r\nSubject: signed and hidden\r\n\r\nhi\r\n--s\r\nContent-Type: application/pgp-signature\r\n\r\nsig\r\n--s--\r\n",
			Protected{Subject: "signed and hidden"}, true},
		{"legacy text/rfc822-headers", "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/rfc822-headers; protected-headers=\"v1\"\r\nContent-Disposition: inline\r\n\r\nSubject: legacy subject\r\nFrom: a@example.org\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n",
			Protected{Subject: "legacy subject", Legacy: true}, true},
		// A Subject on a payload that does not say it is protected is no
		// protected header: any MIME part may carry stray fields.
		{"no marker", "Content-Type: text/plain\r\nSubject: stray\r\n\r\nhi\r\n", Protected{}, false},
		{"marker without subject", "Content-Type: text/plain; protected-headers=v1\r\n\r\nhi\r\n", Protected{}, false},
		{"control characters", "Content-Type: text/plain; protected-headers=v1\r\nSubject: =?utf-8?q?a=07b=1B[31m?=\r\n\r\nx\r\n", Protected{Subject: "a b [31m"}, true},
		{"not MIME", "just text", Protected{}, false},
		{"empty", "", Protected{}, false},
	}
	for _, tt := range tests {
		got, ok := ProtectedHeaders([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: ProtectedHeaders = %+v, %v, want %+v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

// TestProtectedHeadersThunderbird: Thunderbird's signed payload (the same
// structure it encrypts) carries the v1 Subject.
func TestProtectedHeadersThunderbird(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testenv.Corpus(t), "mime", "thunderbird-mail_test_browser_openpgp_data_eml_signed-by-0x3099ff1238852b9f-to-0xf231550c4f47e38e-unencrypted.eml"))
	if err != nil {
		t.Fatal(err)
	}
	// The message's own header, then its multipart/signed body.
	if got, ok := ProtectedHeaders(b); !ok || got.Subject != "Signed Unencrypted" {
		t.Errorf("ProtectedHeaders(Thunderbird) = %+v, %v, want Signed Unencrypted", got, ok)
	}
}

// FuzzProtectedHeaders: any input gives a Subject of valid UTF-8 without
// control characters, within MaxSubjectRunes.
func FuzzProtectedHeaders(f *testing.F) {
	f.Add([]byte("Content-Type: text/plain; protected-headers=v1\r\nSubject: x\r\n\r\n"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nSubject: y\r\n--b--\r\n"))
	f.Add([]byte("Content-Type: multipart/signed; boundary=s\r\n\r\n--s\r\nContent-Type: text/plain; protected-headers=v1\r\nSubject: z\r\n\r\n--s--\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, ok := ProtectedHeaders(b)
		if !ok && p != (Protected{}) {
			t.Fatalf("not ok but %+v", p)
		}
		if !utf8.ValidString(p.Subject) || utf8.RuneCountInString(p.Subject) > MaxSubjectRunes ||
			strings.IndexFunc(p.Subject, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
			t.Fatalf("Subject %q: not clean", p.Subject)
		}
	})
}
