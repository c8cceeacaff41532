package session

import (
	"strings"
	"testing"
)

const (
	testID     = "0123456789abcdef"
	testSecret = "0123456789abcdef0123456789abcdef"
)

func TestParseCookie(t *testing.T) {
	tests := []struct {
		in     string
		mbox   string
		wantOK bool
	}{
		{"alice.pam:" + testID + ":" + testSecret, "alice.pam", true},
		// a dotted user name: the method is after the last dot
		{"j.doe@example.org.webpass:" + testID + ":" + testSecret, "j.doe@example.org.webpass", true},
		{"bob.shadow:" + testID + ":" + testSecret + ":", "", false},
		{"bob.shadow:" + testID, "", false},
		// no method
		{"bob:" + testID + ":" + testSecret, "", false},
		{".pam:" + testID + ":" + testSecret, "", false},
		{"bob.:" + testID + ":" + testSecret, "", false},
		{"../x.pam:" + testID + ":" + testSecret, "", false},
		// upper-case hex is not what we issue
		{"bob.pam:" + strings.ToUpper(testID) + ":" + testSecret, "", false},
		{"bob.pam:" + testID + ":" + strings.ToUpper(testSecret), "", false},
		{"bob.pam:" + testID[:15] + ":" + testSecret, "", false},
		{"bob.PAM:" + testID + ":" + testSecret, "", false},
		{"b b.pam:" + testID + ":" + testSecret, "", false},
		{strings.Repeat("a", 65) + ".pam:" + testID + ":" + testSecret, "", false},
		{"", "", false},
		{"::", "", false},
	}
	for _, tt := range tests {
		mbox, id, secret, err := ParseCookie(tt.in)
		if (err == nil) != tt.wantOK {
			t.Errorf("ParseCookie(%q) error = %v, want ok %v", tt.in, err, tt.wantOK)
			continue
		}
		if tt.wantOK && (mbox != tt.mbox || id != testID || secret != testSecret) {
			t.Errorf("ParseCookie(%q) = %q, %q, %q, want %q, %q, %q", tt.in, mbox, id, secret, tt.mbox, testID, testSecret)
		}
	}
}

func FuzzParseCookie(f *testing.F) {
	f.Add("alice.pam:" + testID + ":" + testSecret)
	f.Add("a.b.c:" + testID + ":" + testSecret)
	f.Add("x:y:z")
	f.Fuzz(func(t *testing.T, in string) {
		mbox, id, secret, err := ParseCookie(in)
		if err != nil {
			return
		}
		if got := FormatCookie(mbox, id, secret); got != in {
			t.Fatalf("FormatCookie(ParseCookie(%q)) = %q", in, got)
		}
		if !isHex(id, IDLen) || !isHex(secret, SecretLen) || strings.ContainsAny(mbox, ":/ ") || len(mbox) > MaxMailboxIDBytes {
			t.Fatalf("ParseCookie(%q) accepted %q, %q, %q", in, mbox, id, secret)
		}
	})
}

func TestValidCSRF(t *testing.T) {
	sess := &Session{CSRF: testSecret}
	tests := []struct {
		sess  *Session
		token string
		want  bool
	}{
		{sess, testSecret, true},
		{sess, strings.ToUpper(testSecret), false},
		{sess, testSecret[:31], false},
		{sess, "", false},
		// a session without a token accepts nothing, not even ""
		{&Session{}, "", false},
		{nil, testSecret, false},
		{sess, "f" + testSecret[1:], false},
	}
	for _, tt := range tests {
		if got := ValidCSRF(tt.sess, tt.token); got != tt.want {
			t.Errorf("ValidCSRF(%+v, %q) = %v, want %v", tt.sess, tt.token, got, tt.want)
		}
	}
}
