package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"postern/internal/testenv"
)

// TestMain lets the test binary run as the demo itself (as net/http/cgi's
// tests run their own binary), so the server tests need no go build.
func TestMain(m *testing.M) {
	if os.Getenv("POSTERN_DEMO_RUN_MAIN") == "1" {
		if a := os.Getenv("POSTERN_DEMO_DEFAULT_ADDR"); a != "" {
			defaultAddr = a // a port the test holds, instead of 8025
		}
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestCheckLoopback(t *testing.T) {
	for _, tt := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:8025", true},
		{"127.0.0.1:0", true},
		{"127.1.2.3:80", true}, // all of 127/8 is loopback
		{"[::1]:8025", true},
		{"localhost:8025", true},
		{"0.0.0.0:8025", false},
		{":8025", false}, // empty host listens on every interface
		{"[::]:8025", false},
		{"192.168.1.10:8025", false},
		{"example.com:8025", false}, // names other than localhost are not resolved
		{"127.0.0.1", false},        // no port
	} {
		err := checkLoopback(tt.addr)
		if (err == nil) != tt.ok {
			t.Errorf("checkLoopback(%q) = %v, want ok %v", tt.addr, err, tt.ok)
		}
	}
}

func TestParseFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"-cgi", "./postern"}, true},
		{[]string{"-generate", "/tmp/x"}, true}, // no -cgi needed
		{[]string{}, false},                     // -cgi missing
		{[]string{"-cgi", "p", "-addr", "0.0.0.0:8025"}, false},
		{[]string{"-cgi", "p", "-addr", "10.0.0.1:1"}, false},
		{[]string{"-cgi", "p", "-user", "../etc"}, false},
		{[]string{"-cgi", "p", "-user", ".hidden"}, false},
		{[]string{"-cgi", "p", "-password", ""}, false},
		{[]string{"-cgi", "p", "-count", "-1"}, false},
		{[]string{"-cgi", "p", "extra"}, false},
	} {
		_, err := parseFlags(tt.args, io.Discard)
		if (err == nil) != tt.ok {
			t.Errorf("parseFlags(%q) = %v, want ok %v", tt.args, err, tt.ok)
		}
	}
}

// busyPort listens on a free loopback port until the test ends and
// returns its address.
func busyPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

// freePort returns a loopback address whose port was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestListen(t *testing.T) {
	busy := busyPort(t)
	for _, tt := range []struct {
		addr     string
		explicit bool
		wantErr  string // "" for a listener
		samePort bool
	}{
		{busy, false, "", false}, // the default's port is taken: a free one
		{busy, true, "demo: " + busy + " is in use: choose another port (make demo PORT=n", false},
		{"127.0.0.1:0", true, "", false},
		{"127.0.0.1:99999", true, "demo: ", false}, // not a port: an error, no fallback
	} {
		var stderr strings.Builder
		ln, err := listen(tt.addr, tt.explicit, &stderr)
		if tt.wantErr != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("listen(%q, explicit %v) = %v, want an error %q...", tt.addr, tt.explicit, err, tt.wantErr)
			}
			if ln != nil {
				ln.Close()
			}
			continue
		}
		if err != nil {
			t.Errorf("listen(%q, explicit %v) = %v, want a listener", tt.addr, tt.explicit, err)
			continue
		}
		got := ln.Addr().String()
		ln.Close()
		if host, _, _ := net.SplitHostPort(got); host != "127.0.0.1" || got == busy {
			t.Errorf("listen(%q, explicit %v) listens on %s, want another port of 127.0.0.1", tt.addr, tt.explicit, got)
		}
		if tt.addr == busy && !strings.Contains(stderr.String(), busy+" is in use; listening on "+got) {
			t.Errorf("listen(%q) said %q, want it to name the port it took", tt.addr, stderr.String())
		}
	}
}

// TestDemoDefaultPortBusy: when the default port is in use, the demo
// serves on a free one and prints its URL.
func TestDemoDefaultPortBusy(t *testing.T) {
	busy := busyPort(t)
	t.Setenv("POSTERN_DEMO_DEFAULT_ADDR", busy)
	r := startDemo(t, "-cgi", fakeCGI(t), "-count", "5")
	u, err := url.Parse(r.url)
	if err != nil || u.Host == busy || u.Hostname() != "127.0.0.1" {
		t.Fatalf("demo with %s in use printed URL %s, want another port of 127.0.0.1", busy, r.url)
	}
	if body := get(t, r.url); !strings.Contains(body, "path=/ ") {
		t.Errorf("GET %s = %q, want the CGI's answer", r.url, body)
	}
}

// TestDemoPort: a port given with -addr (make demo PORT=n) is the one the
// demo serves on; when it is in use, the demo stops and says so.
func TestDemoPort(t *testing.T) {
	addr := freePort(t)
	r := startDemo(t, "-cgi", fakeCGI(t), "-count", "5", "-addr", addr)
	if want := "http://" + addr + "/postern/"; r.url != want {
		t.Errorf("demo -addr %s printed URL %s, want %s", addr, r.url, want)
	}
	if body := get(t, r.url); !strings.Contains(body, "path=/ ") {
		t.Errorf("GET %s = %q, want the CGI's answer", r.url, body)
	}
	r.stop(t)

	busy := busyPort(t)
	var stdout, stderr strings.Builder
	if code := run([]string{"-cgi", fakeCGI(t), "-count", "5", "-addr", busy}, &stdout, &stderr); code != 1 {
		t.Errorf("run(-addr %s in use) = %d, want 1", busy, code)
	}
	if want := busy + " is in use: choose another port"; !strings.Contains(stderr.String(), want) || stdout.Len() != 0 {
		t.Errorf("run(-addr %s in use): stdout %q, stderr %q; want no URL and %q", busy, stdout.String(), stderr.String(), want)
	}
}

// fakeCGI writes a shell CGI program that reports its environment.
func fakeCGI(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fake.cgi")
	script := "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n" +
		"echo \"uid=$(id -u) path=$PATH_INFO script=$SCRIPT_NAME config=$POSTERN_CONFIG\"\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHandler(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "postern.conf")
	h := newHandler(fakeCGI(t), conf, io.Discard)
	for _, tt := range []struct {
		path, wantStatus, wantBody, wantLocation string
	}{
		{"/", "302", "", "/postern/"},
		{"/postern/", "200", "path=/ script=/postern config=" + conf, ""},
		{"/postern/list?f=INBOX", "200", "path=/list script=/postern", ""},
		{"/postern", "30", "", "/postern/"}, // ServeMux adds the slash (301 or 307)
		{"/etc/passwd", "404", "", ""},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
		if got := strconv.Itoa(rec.Code); !strings.HasPrefix(got, tt.wantStatus) {
			t.Errorf("GET %s: status = %s, want %s", tt.path, got, tt.wantStatus)
		}
		if !strings.Contains(rec.Body.String(), tt.wantBody) {
			t.Errorf("GET %s: body = %q, want it to contain %q", tt.path, rec.Body, tt.wantBody)
		}
		if got := rec.Header().Get("Location"); got != tt.wantLocation {
			t.Errorf("GET %s: Location = %q, want %q", tt.path, got, tt.wantLocation)
		}
	}
}

// running is a demo server started by startDemo.
type running struct {
	cmd  *exec.Cmd
	url  string // http://127.0.0.1:port/postern/
	dir  string // the Maildir it printed
	rest chan string
}

var urlRE = regexp.MustCompile(`open (http://\S+/postern/) `)
var maildirRE = regexp.MustCompile(`Maildir (\S+) `)

// startDemo runs the test binary as the demo with args and waits for the
// two lines it prints when it is ready.
func startDemo(t *testing.T, args ...string) *running {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "POSTERN_DEMO_RUN_MAIN=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &running{cmd: cmd, rest: make(chan string, 1)}
	lines := make(chan string)
	go func() {
		s := bufio.NewScanner(out)
		for i := 0; i < 2 && s.Scan(); i++ {
			lines <- s.Text()
		}
		close(lines)
		b, _ := io.ReadAll(out)
		r.rest <- string(b)
	}()
	t.Cleanup(func() { r.stop(t) })
	timeout := time.After(30 * time.Second)
	for i := 0; i < 2; i++ {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("demo %q exited before it was ready", args)
			}
			if m := urlRE.FindStringSubmatch(l); m != nil {
				r.url = m[1]
			}
			if m := maildirRE.FindStringSubmatch(l); m != nil {
				r.dir = m[1]
			}
		case <-timeout:
			t.Fatalf("demo %q: not ready after 30s", args)
		}
	}
	if r.url == "" || r.dir == "" {
		t.Fatalf("demo %q did not print its URL and Maildir", args)
	}
	return r
}

// stop sends SIGTERM and waits for a clean exit.
func (r *running) stop(t *testing.T) {
	t.Helper()
	if r.cmd.ProcessState != nil {
		return
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- r.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo exit: %v", err)
		}
	case <-time.After(10 * time.Second):
		r.cmd.Process.Kill()
		<-done
		t.Errorf("demo did not stop on SIGTERM")
	}
}

// wantUID is who the CGI children must run as: nobody (or the Maildir
// owner) when the tests run as root, else the tests' own user.
func wantUID(owner int) int {
	if os.Geteuid() == 0 {
		return owner
	}
	return os.Getuid()
}

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return string(b)
}

func TestDemoGeneratedMaildir(t *testing.T) {
	r := startDemo(t, "-cgi", fakeCGI(t), "-addr", "127.0.0.1:0", "-count", "30")
	uid, _, err := nobody()
	if err != nil && os.Geteuid() == 0 {
		t.Fatal(err)
	}
	body := get(t, r.url+"folders")
	if want := "uid=" + strconv.Itoa(wantUID(uid)) + " path=/folders"; !strings.Contains(body, want) {
		t.Errorf("GET %sfolders = %q, want %q", r.url, body, want)
	}
	tmp := filepath.Dir(filepath.Dir(r.dir))
	for _, f := range []string{"postern.conf", "users/demo/" + passFile, "users/demo/.Sent/cur"} {
		if _, err := os.Stat(filepath.Join(tmp, f)); err != nil {
			t.Errorf("demo did not write %s: %v", f, err)
		}
	}
	if fi, err := os.Stat(r.dir); err != nil || int(fi.Sys().(*syscall.Stat_t).Uid) != wantUID(uid) {
		t.Errorf("the Maildir %s is not owned by the uid the CGI runs as (%v)", r.dir, err)
	}
	r.stop(t)
	if _, err := os.Stat(tmp); err == nil {
		t.Errorf("temporary directory %s left behind", tmp)
	}
}

// ownedMaildir makes a small Maildir owned by the tests' user, or when
// they run as root by uid 65533 (after checking that the demo refuses to
// serve a root-owned one).
func ownedMaildir(t *testing.T) (dir string, owner int) {
	t.Helper()
	// Not t.TempDir: as root, its parent is closed to the Maildir's owner.
	base, err := os.MkdirTemp("", "postern-demo-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	dir = filepath.Join(base, "Maildir")
	if _, err := generate(dir, 5, 3); err != nil {
		t.Fatal(err)
	}
	owner = os.Getuid()
	if os.Geteuid() == 0 {
		if code := run([]string{"-cgi", fakeCGI(t), "-maildir", dir, "-addr", "127.0.0.1:0"}, io.Discard, io.Discard); code == 0 {
			t.Errorf("run(-maildir owned by root) = 0, want a refusal")
		}
		owner = 65533
		err := filepath.Walk(base, func(p string, _ os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(p, owner, owner)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir, owner
}

func TestDemoExistingMaildir(t *testing.T) {
	dir, owner := ownedMaildir(t)
	r := startDemo(t, "-cgi", fakeCGI(t), "-maildir", dir, "-addr", "127.0.0.1:0")
	if r.dir != dir {
		t.Errorf("demo serves Maildir %s, want %s", r.dir, dir)
	}
	if body, want := get(t, r.url), "uid="+strconv.Itoa(owner); !strings.Contains(body, want) {
		t.Errorf("GET %s = %q, want %q", r.url, body, want)
	}
	if _, err := os.Stat(filepath.Join(dir, passFile)); err != nil {
		t.Errorf("no password file in the served Maildir: %v", err)
	}
	r.stop(t)
	if _, err := os.Stat(filepath.Join(dir, passFile)); err == nil {
		t.Errorf("password file left in the user's Maildir after exit")
	}
	if _, err := os.Stat(filepath.Join(dir, "cur")); err != nil {
		t.Errorf("the user's Maildir was damaged: %v", err)
	}
}

// TestDemoLogin runs the real postern binary, built as make demo builds
// it (make postern: static-pie, libxcrypt inside), and logs in over HTTP.
func TestDemoLogin(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "postern")
	build := exec.Command("make", "-s", "--no-print-directory", "postern", "POSTERN_OUT="+bin)
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		testenv.Lacking(t, "make postern: %v\n%s", err, out)
	}
	t.Run("generated", func(t *testing.T) {
		r := startDemo(t, "-cgi", bin, "-addr", "127.0.0.1:0", "-count", "50")
		login(t, r.url, "demo")
	})
	t.Run("maildir", func(t *testing.T) {
		dir, _ := ownedMaildir(t)
		r := startDemo(t, "-cgi", bin, "-addr", "127.0.0.1:0", "-maildir", dir)
		login(t, r.url, "Maildir") // the login name is the Maildir's name
	})
}

// login logs in as user with the demo password and checks the session
// cookie, then that a wrong password is refused.
func login(t *testing.T, base, user string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(base+"login", url.Values{"user": {user}, "pass": {"demo"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %slogin = %d, want 303\n%.500s", base, resp.StatusCode, body)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "postern" {
			cookie = c
		}
	}
	if cookie == nil || !strings.HasPrefix(cookie.Value, user+".webpass:") {
		t.Fatalf("POST %slogin set cookies %v, want postern=%s.webpass:...", base, resp.Cookies(), user)
	}
	resp, err = client.PostForm(base+"login", url.Values{"user": {user}, "pass": {"wrong"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST %slogin with a wrong password = %d, want 401", base, resp.StatusCode)
	}
}
