package gate

import (
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// answer204 is what net/http/cgi writes for the endpoint's 204, with the
// security headers of serve.
const answer204 = "Status: 204 No Content\r\n" +
	"Cache-Control: no-store, no-cache, must-revalidate, private, max-age=0\r\n" +
	"Content-Security-Policy: default-src 'none'; style-src 'sha256-x'; img-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'\r\n" +
	"Referrer-Policy: no-referrer\r\n\r\n"

func TestCheckAnswer(t *testing.T) {
	tests := []struct {
		name string
		out  string
		ok   bool
	}{
		{"204 with headers", answer204, true},
		{"204 alone", "Status: 204 No Content\r\n\r\n", true},
		{"200", "Status: 200 OK\r\nContent-Type: text/html\r\n\r\n<p>", false},
		{"401 login page", "Status: 401 Unauthorized\r\n\r\n<form id=login>", false},
		{"403 csrf", "Status: 403 Forbidden\r\n\r\n", false},
		// A pending session is sent to the code form.
		{"303 to totp-login", "Status: 303 See Other\r\nLocation: /totp-login\r\n\r\n", false},
		// The line must be the first, not somewhere in a body.
		{"204 inside a body", "Status: 200 OK\r\n\r\nStatus: 204 No Content\r\n", false},
		{"204 as a later header", "Content-Type: text/plain\r\nStatus: 204 No Content\r\n\r\n", false},
		{"204 without the reason", "Status: 204\r\n\r\n", false},
		{"204 with a bare newline", "Status: 204 No Content\n\n", false},
		{"204 cut before its end of line", "Status: 204 No Content", false},
		{"2040", "Status: 2040 No Content\r\n\r\n", false},
		{"leading space", " Status: 204 No Content\r\n\r\n", false},
		{"lower case", "status: 204 No Content\r\n\r\n", false},
		{"overlong first line", "Status: 204 " + strings.Repeat("x", 5000) + "\r\n\r\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		err := checkAnswer([]byte(tt.out))
		if (err == nil) != tt.ok {
			t.Errorf("%s: checkAnswer = %v, want ok %v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, errNotProved) {
			t.Errorf("%s: checkAnswer = %v, want errNotProved", tt.name, err)
		}
	}
}

// TestRunCheck runs real child processes: the answer, the exit status,
// the size of the output and the time limit all decide; the form reaches
// the child's standard input.
func TestRunCheck(t *testing.T) {
	const ok = `printf 'Status: 204 No Content\r\n\r\n'`
	tests := []struct {
		name    string
		argv    []string
		ok      bool
		timeout time.Duration
	}{
		{"204 and exit 0", []string{"sh", "-c", ok}, true, 0},
		{"the form on stdin", []string{"sh", "-c", `[ "$(cat)" = "csrf=abc" ] && ` + ok}, true, 0},
		{"200", []string{"sh", "-c", `printf 'Status: 200 OK\r\n\r\nok'`}, false, 0},
		{"401", []string{"sh", "-c", `printf 'Status: 401 Unauthorized\r\n\r\n'`}, false, 0},
		// The right answer does not save a child that then fails.
		{"204 then exit 1", []string{"sh", "-c", ok + "; exit 1"}, false, 0},
		{"204 then a crash", []string{"sh", "-c", ok + "; kill -SEGV $$"}, false, 0},
		{"crash before answering", []string{"sh", "-c", "kill -SEGV $$"}, false, 0},
		{"no output", []string{"true"}, false, 0},
		{"output over the limit", []string{"sh", "-c", ok + "; head -c 5000 /dev/zero"}, false, 0},
		// Far more than a pipe holds: the child is killed, not waited for.
		{"endless output", []string{"sh", "-c", ok + "; exec cat /dev/zero"}, false, 0},
		{"too slow", []string{"sleep", "5"}, false, 300 * time.Millisecond},
		{"answers, then hangs", []string{"sh", "-c", ok + "; exec sleep 5"}, false, 300 * time.Millisecond},
		{"no such program", []string{"/nonexistent/postern"}, false, 0},
	}
	for _, tt := range tests {
		timeout := tt.timeout
		if timeout == 0 {
			timeout = 5 * time.Second
		}
		path, err := exec.LookPath(tt.argv[0])
		if err != nil {
			path = tt.argv[0]
		}
		cmd := &exec.Cmd{Path: path, Args: tt.argv, Env: []string{"PATH=/usr/bin:/bin"}, Stderr: os.Stderr}
		start := time.Now()
		err = runCheck(cmd, []byte("csrf=abc"), timeout)
		if (err == nil) != tt.ok {
			t.Errorf("%s: runCheck = %v, want ok %v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, errNotProved) {
			t.Errorf("%s: runCheck = %v, want errNotProved", tt.name, err)
		}
		if d := time.Since(start); d > timeout+2*time.Second {
			t.Errorf("%s: runCheck took %v, want at most about %v", tt.name, d, timeout)
		}
	}
}

func TestCheckEnv(t *testing.T) {
	in := []string{
		"GATEWAY_INTERFACE=CGI/1.1",
		"REQUEST_METHOD=POST",
		"PATH_INFO=/password",
		"PATH_TRANSLATED=/var/www/password",
		"QUERY_STRING=a=b",
		"REQUEST_URI=/cgi-bin/postern/password?a=b",
		"SCRIPT_NAME=/cgi-bin/postern",
		"CONTENT_TYPE=multipart/form-data",
		"CONTENT_LENGTH=999",
		"HTTP_COOKIE=postern=alice.pam:0123456789abcdef:0123456789abcdef0123456789abcdef",
		"HTTP_HOST=mail.example",
		"HTTP_SEC_FETCH_SITE=same-origin",
		"REMOTE_ADDR=192.0.2.7",
		"HTTPS=on",
		"SERVER_NAME=mail.example",
		"SSL_CLIENT_VERIFY=SUCCESS",
		"SSL_CLIENT_S_DN_CN=alice",
		"LD_PRELOAD=/tmp/evil.so",
		"HTTP_PROXY=http://evil",
		"POSTERN_CONFIG=/tmp/evil.conf",
		"TMPDIR=/tmp/x",
	}
	env := checkEnv(in, 41, "/etc/postern/postern.conf")
	got := map[string]string{}
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		if _, dup := got[name]; dup {
			t.Errorf("checkEnv: %s twice", name)
		}
		got[name] = value
	}
	tests := []struct {
		name, value string
		present     bool
	}{
		// The request's identity, address and TLS, as they were.
		{"GATEWAY_INTERFACE", "CGI/1.1", true},
		{"HTTP_COOKIE", "postern=alice.pam:0123456789abcdef:0123456789abcdef0123456789abcdef", true},
		{"REMOTE_ADDR", "192.0.2.7", true},
		{"HTTP_HOST", "mail.example", true},
		{"HTTP_SEC_FETCH_SITE", "same-origin", true},
		{"HTTPS", "on", true},
		{"SERVER_NAME", "mail.example", true},
		{"SSL_CLIENT_VERIFY", "SUCCESS", true},
		{"SSL_CLIENT_S_DN_CN", "alice", true},
		{"SCRIPT_NAME", "/cgi-bin/postern", true},
		// The check's own request line and body.
		{"REQUEST_METHOD", "POST", true},
		{"PATH_INFO", "/session-check", true},
		{"QUERY_STRING", "", true},
		{"REQUEST_URI", "/cgi-bin/postern/session-check", true},
		{"CONTENT_TYPE", "application/x-www-form-urlencoded", true},
		{"CONTENT_LENGTH", "41", true},
		{"POSTERN_CONFIG", "/etc/postern/postern.conf", true},
		{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin", true},
		// Never passed on.
		{"PATH_TRANSLATED", "", false},
		{"LD_PRELOAD", "", false},
		{"HTTP_PROXY", "", false},
		{"TMPDIR", "", false},
	}
	for _, tt := range tests {
		v, ok := got[tt.name]
		if ok != tt.present || v != tt.value {
			t.Errorf("checkEnv: %s = %q (present %v), want %q (present %v)", tt.name, v, ok, tt.value, tt.present)
		}
	}
	if len(env) != len(tests)-4 {
		t.Errorf("checkEnv = %d variables, want %d:\n%s", len(env), len(tests)-4, strings.Join(env, "\n"))
	}
	if slices.ContainsFunc(checkEnv(in, 1, ""), func(kv string) bool { return strings.HasPrefix(kv, "POSTERN_CONFIG=") }) {
		t.Error("checkEnv without a configuration path: POSTERN_CONFIG set")
	}
}
