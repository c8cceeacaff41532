package gate

import (
	"testing"
)

func TestIsCodeAttempt(t *testing.T) {
	for _, tt := range []struct {
		method, path string
		want         bool
	}{
		{"POST", "/totp-login", true},
		{"GET", "/totp-login", false}, // the form: no code
		{"POST", "/totp", false},      // enrolment, by a full session
		{"POST", "/totp-login/", false},
		{"POST", "/passkey-step", true}, // a passkey's assertion is a second factor too
		{"GET", "/passkey-step", false},
	} {
		if got := (&Request{Method: tt.method, Path: tt.path}).isCodeAttempt(); got != tt.want {
			t.Errorf("Request{%s %s}.isCodeAttempt() = %v, want %v", tt.method, tt.path, got, tt.want)
		}
	}
}
