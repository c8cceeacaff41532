package gate

import (
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		kind    Kind
		mailbox string
	}{
		{"login page", map[string]string{"REQUEST_METHOD": "GET", "PATH_INFO": "/"}, KindAnon, ""},
		{"no path", map[string]string{"REQUEST_METHOD": "GET"}, KindAnon, ""},
		{"login post", map[string]string{"REQUEST_METHOD": "POST", "PATH_INFO": "/login"}, KindLogin, ""},
		// A login POST wins over a cookie: the old session is not consulted.
		{"login post with cookie", map[string]string{"REQUEST_METHOD": "POST", "PATH_INFO": "/login", "HTTP_COOKIE": "postern=alice.pam:0123456789abcdef:0123456789abcdef0123456789abcdef"}, KindLogin, ""},
		// A passwordless login is one before any cookie is looked at.
		{"passkey challenge", map[string]string{"REQUEST_METHOD": "GET", "PATH_INFO": "/passkey-challenge", "HTTP_COOKIE": "postern=alice.pam:0123456789abcdef:0123456789abcdef0123456789abcdef"}, KindPasskeyChallenge, ""},
		{"passkey login", map[string]string{"REQUEST_METHOD": "POST", "PATH_INFO": "/passkey-login", "HTTP_COOKIE": "postern-pk=00"}, KindPasskeyLogin, ""},
		{"passkey login by GET", map[string]string{"REQUEST_METHOD": "GET", "PATH_INFO": "/passkey-login"}, KindAnon, ""},
		{"user", map[string]string{"REQUEST_METHOD": "GET", "PATH_INFO": "/list", "HTTP_COOKIE": "a=b; postern=alice.pam:x:y"}, KindUser, "alice.pam"},
		{"dotted user", map[string]string{"REQUEST_METHOD": "GET", "PATH_INFO": "/list", "HTTP_COOKIE": "postern=j.doe.shadow:x:y"}, KindUser, "j.doe.shadow"},
		// Identity without a token separator is not a session.
		{"no token", map[string]string{"HTTP_COOKIE": "postern=alice.pam"}, KindAnon, ""},
		{"bad user", map[string]string{"HTTP_COOKIE": "postern=../etc.pam:x:y"}, KindAnon, ""},
		{"no method", map[string]string{"HTTP_COOKIE": "postern=alice:x:y"}, KindAnon, ""},
		{"other cookie only", map[string]string{"HTTP_COOKIE": "xpostern=alice.pam:x:y"}, KindAnon, ""},
		{"huge cookie header", map[string]string{"HTTP_COOKIE": "postern=alice.pam:x:y; " + strings.Repeat("a", 9000)}, KindAnon, ""},
	}
	for _, tt := range tests {
		r := classify(envOf(tt.env))
		if r.Kind != tt.kind || r.Mailbox != tt.mailbox {
			t.Errorf("%s: classify = kind %d mailbox %q, want kind %d mailbox %q", tt.name, r.Kind, r.Mailbox, tt.kind, tt.mailbox)
		}
	}
}

func TestClassifyContentLength(t *testing.T) {
	for in, want := range map[string]int64{"": -1, "12": 12, "-1": -1, "x": -1, "99999999999999999999": -1, "1024": 1024} {
		r := classify(envOf(map[string]string{"CONTENT_LENGTH": in}))
		if r.ContentLength != want {
			t.Errorf("classify(CONTENT_LENGTH=%q).contentLength = %d, want %d", in, r.ContentLength, want)
		}
	}
}

func TestClientIP(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1":        "127.0.0.1",
		" 10.0.0.1 ":       "10.0.0.1",
		"::1":              "::1",
		"2001:DB8::1":      "2001:db8::1",
		"::ffff:127.0.0.1": "127.0.0.1",
		"bogus":            "",
		"":                 "",
	} {
		if got := clientIP(in); got != want {
			t.Errorf("clientIP(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, true}, // text browsers and curl send neither header
		{map[string]string{"HTTP_SEC_FETCH_SITE": "same-origin"}, true},
		{map[string]string{"HTTP_SEC_FETCH_SITE": "cross-site"}, false},
		{map[string]string{"HTTP_SEC_FETCH_SITE": "same-site"}, false},
		{map[string]string{"HTTP_ORIGIN": "http://mail.example", "HTTP_HOST": "mail.example"}, true},
		{map[string]string{"HTTP_ORIGIN": "http://evil.example", "HTTP_HOST": "mail.example"}, false},
		// Chromium sends Origin: null under Referrer-Policy: no-referrer.
		{map[string]string{"HTTP_ORIGIN": "null", "HTTP_HOST": "mail.example", "HTTP_SEC_FETCH_SITE": "same-origin"}, true},
		{map[string]string{"HTTP_ORIGIN": "http://mail.example", "HTTP_HOST": "mail.example", "HTTP_SEC_FETCH_SITE": "cross-site"}, false},
		{map[string]string{"HTTP_ORIGIN": "null", "HTTP_HOST": "mail.example"}, true},
	}
	for _, tt := range tests {
		if got := SameOrigin(envOf(tt.env)); got != tt.want {
			t.Errorf("SameOrigin(%v) = %v, want %v", tt.env, got, tt.want)
		}
	}
}

func FuzzClassify(f *testing.F) {
	f.Add("GET", "/list", "postern=alice.pam:0123456789abcdef:0123456789abcdef0123456789abcdef", "12")
	f.Add("POST", "/login", "", "1024")
	f.Add("GET", "/", "postern=:::; postern=a.b:c", "-3")
	f.Fuzz(func(t *testing.T, method, path, cookie, length string) {
		r := classify(envOf(map[string]string{"REQUEST_METHOD": method, "PATH_INFO": path, "HTTP_COOKIE": cookie, "CONTENT_LENGTH": length}))
		if r.Kind == KindUser {
			// A user request always names a mailbox id that re-joins.
			if r.Mailbox == "" || !strings.HasPrefix(r.Mailbox, r.User+".") || strings.ContainsAny(r.Mailbox, "/:;\x00") {
				t.Fatalf("classify gave user request with mailbox %q user %q", r.Mailbox, r.User)
			}
		}
		if r.Kind == KindLogin && (method != "POST" || path != "/login") {
			t.Fatalf("classify gave login for %s %s", method, path)
		}
		if r.ContentLength < -1 {
			t.Fatalf("contentLength %d", r.ContentLength)
		}
	})
}
