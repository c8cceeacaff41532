package main

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
		kind    kind
		mailbox string
	}{
		{"login page", map[string]string{"REQUEST_METHOD": "GET", "PATH_INFO": "/"}, kindAnon, ""},
		{"no path", map[string]string{"REQUEST_METHOD": "GET"}, kindAnon, ""},
		{"login post", map[string]string{"REQUEST_METHOD": "POST", "PATH_INFO": "/login"}, kindLogin, ""},
		// A login POST wins over a cookie: the old session is not consulted.
		{"login post with cookie", map[string]string{"REQUEST_METHOD": "POST", "PATH_INFO": "/login", "HTTP_COOKIE": "postern=alice.pam:0123456789abcdef:0123456789abcdef0123456789abcdef"}, kindLogin, ""},
		{"user", map[string]string{"REQUEST_METHOD": "GET", "PATH_INFO": "/list", "HTTP_COOKIE": "a=b; postern=alice.pam:x:y"}, kindUser, "alice.pam"},
		{"dotted user", map[string]string{"REQUEST_METHOD": "GET", "PATH_INFO": "/list", "HTTP_COOKIE": "postern=j.doe.shadow:x:y"}, kindUser, "j.doe.shadow"},
		// Identity without a token separator is not a session.
		{"no token", map[string]string{"HTTP_COOKIE": "postern=alice.pam"}, kindAnon, ""},
		{"bad user", map[string]string{"HTTP_COOKIE": "postern=../etc.pam:x:y"}, kindAnon, ""},
		{"no method", map[string]string{"HTTP_COOKIE": "postern=alice:x:y"}, kindAnon, ""},
		{"other cookie only", map[string]string{"HTTP_COOKIE": "xpostern=alice.pam:x:y"}, kindAnon, ""},
		{"huge cookie header", map[string]string{"HTTP_COOKIE": "postern=alice.pam:x:y; " + strings.Repeat("a", 9000)}, kindAnon, ""},
	}
	for _, tt := range tests {
		r := classify(envOf(tt.env))
		if r.kind != tt.kind || r.mailbox != tt.mailbox {
			t.Errorf("%s: classify = kind %d mailbox %q, want kind %d mailbox %q", tt.name, r.kind, r.mailbox, tt.kind, tt.mailbox)
		}
	}
}

func TestClassifyContentLength(t *testing.T) {
	for in, want := range map[string]int64{"": -1, "12": 12, "-1": -1, "x": -1, "99999999999999999999": -1, "1024": 1024} {
		r := classify(envOf(map[string]string{"CONTENT_LENGTH": in}))
		if r.contentLength != want {
			t.Errorf("classify(CONTENT_LENGTH=%q).contentLength = %d, want %d", in, r.contentLength, want)
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
		if got := sameOrigin(envOf(tt.env)); got != tt.want {
			t.Errorf("sameOrigin(%v) = %v, want %v", tt.env, got, tt.want)
		}
	}
}

func FuzzClassify(f *testing.F) {
	f.Add("GET", "/list", "postern=alice.pam:0123456789abcdef:0123456789abcdef0123456789abcdef", "12")
	f.Add("POST", "/login", "", "1024")
	f.Add("GET", "/", "postern=:::; postern=a.b:c", "-3")
	f.Fuzz(func(t *testing.T, method, path, cookie, length string) {
		r := classify(envOf(map[string]string{"REQUEST_METHOD": method, "PATH_INFO": path, "HTTP_COOKIE": cookie, "CONTENT_LENGTH": length}))
		if r.kind == kindUser {
			// A user request always names a mailbox id that re-joins.
			if r.mailbox == "" || !strings.HasPrefix(r.mailbox, r.user+".") || strings.ContainsAny(r.mailbox, "/:;\x00") {
				t.Fatalf("classify gave user request with mailbox %q user %q", r.mailbox, r.user)
			}
		}
		if r.kind == kindLogin && (method != "POST" || path != "/login") {
			t.Fatalf("classify gave login for %s %s", method, path)
		}
		if r.contentLength < -1 {
			t.Fatalf("contentLength %d", r.contentLength)
		}
	})
}
