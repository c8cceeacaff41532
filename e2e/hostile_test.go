package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// evilSetup writes, as the attacker b would, a configuration that would
// let anybody in (webpass with a root b controls, min_uid 0, no web_user)
// and returns its path.
func evilSetup(t *testing.T, b, victim *account) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "postern-evil-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	hash, err := run("openssl", "passwd", "-6", "evilpass")
	if err != nil {
		t.Fatal(err)
	}
	hash = strings.TrimSpace(hash)
	userDir := filepath.Join(dir, "users", victim.name)
	if err := os.MkdirAll(filepath.Join(userDir, "cur"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(userDir, "postern-passwd"), []byte(victim.name+":"+hash+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "passwd"), []byte(victim.name+":"+hash+"\n"), 0o644)
	conf := filepath.Join(dir, "evil.conf")
	text := "auth = webpass\nwebpass_root = " + filepath.Join(dir, "users") + "\nwebpass_file = postern-passwd\nmaildir = " + victim.maildir + "\nmin_uid = 0\nsession_idle = 1000h\nsession_max = 1000h\nbind_ip = no\n"
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chownTree(b, dir); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	os.Chmod(conf, 0o644)
	// An access time before the modification time: with relatime (or
	// strictatime) any read of the file now moves it.
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(conf, old, time.Now()); err != nil {
		t.Fatal(err)
	}
	return conf
}

// runCGI runs the installed binary directly as user u with a CGI
// environment of the attacker's choosing; it returns stdout+stderr and the
// exit status.
func runCGI(t *testing.T, u *account, vars map[string]string, stdin string) (string, int) {
	t.Helper()
	base := map[string]string{
		"GATEWAY_INTERFACE": "CGI/1.1",
		"SERVER_PROTOCOL":   "HTTP/1.1",
		"SERVER_SOFTWARE":   "Apache",
		"SERVER_NAME":       "127.0.0.1",
		"SERVER_PORT":       strconv.Itoa(env.port),
		"HTTP_HOST":         "127.0.0.1:" + strconv.Itoa(env.port),
		"SCRIPT_NAME":       "/cgi-bin/postern",
		"REQUEST_METHOD":    "GET",
		"REMOTE_ADDR":       "127.0.0.1",
		"LD_PRELOAD":        "/nonexistent/evil.so",
		"LD_LIBRARY_PATH":   "/tmp",
		"GOTRACEBACK":       "crash",
	}
	for k, v := range vars {
		base[k] = v
	}
	var envv []string
	for k, v := range base {
		envv = append(envv, k+"="+v)
	}
	cmd := runAs(u, envv, env.binary)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s as %s: timed out", env.binary, u.name)
	}
	// ExitCode is -1 when a signal killed it: also a non-zero status.
	return out.String(), cmd.ProcessState.ExitCode()
}

func TestHostileLocalUser(t *testing.T) {
	a, b := env.a, env.b
	c := loggedIn(t, a)
	cookie := "postern=" + c.cookie()
	evil := evilSetup(t, b, a)
	secrets := []string{a.known.plainSubject, a.known.secretBody, a.known.plainKey}
	wantNoMail := func(what, out string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s: output contains %q of %s's mail:\n%.1000s", what, s, a.name, out)
			}
		}
		if strings.Contains(out, "evil.so") {
			t.Errorf("%s: the dynamic loader looked at LD_PRELOAD (not a secure setuid exec):\n%.600s", what, out)
		}
		if strings.Contains(out, "Set-Cookie: postern="+a.name) {
			t.Errorf("%s: output sets a session cookie for %s:\n%.1000s", what, a.name, out)
		}
	}
	list := map[string]string{
		"POSTERN_CONFIG": evil,
		"PATH_INFO":      "/list",
		"QUERY_STRING":   "f=INBOX",
		"HTTP_COOKIE":    cookie,
	}
	body := "user=" + a.name + "&pass=evilpass"
	login := map[string]string{
		"POSTERN_CONFIG": evil,
		"REQUEST_METHOD": "POST",
		"PATH_INFO":      "/login",
		"CONTENT_TYPE":   "application/x-www-form-urlencoded",
		"CONTENT_LENGTH": strconv.Itoa(len(body)),
	}

	// web_user = www-data: b is refused outright.
	out, code := runCGI(t, b, list, "")
	if code == 0 {
		t.Errorf("postern run by %s (not %s) with A's cookie: exit status 0, want a refusal; output:\n%.600s", b.name, webUser, out)
	}
	wantNoMail("run by "+b.name+" with A's cookie", out)
	out, code = runCGI(t, b, login, body)
	if code == 0 {
		t.Errorf("postern login run by %s: exit status 0, want a refusal", b.name)
	}
	wantNoMail("login run by "+b.name+" with the evil config", out)

	// Without web_user: the evil configuration must still be ignored and
	// the session checks hold.
	withConfig(t, "auth = pam\nmin_uid = 1000\n")
	out, _ = runCGI(t, b, login, body)
	wantNoMail("login run by "+b.name+" with the evil config, no web_user", out)
	_, sid, _ := cookieParts(t, c.cookie())
	for _, tc := range []struct {
		what string
		vars map[string]string
	}{
		{"A's cookie from another address", map[string]string{"REMOTE_ADDR": "10.6.6.6"}},
		{"A's session id with a forged secret", map[string]string{"HTTP_COOKIE": "postern=" + a.mailboxID + ":" + sid + ":" + randomHex(16)}},
		{"A's session id under webpass", map[string]string{"HTTP_COOKIE": "postern=" + a.name + ".webpass:" + sid + ":" + randomHex(16)}},
	} {
		vars := map[string]string{}
		for k, v := range list {
			vars[k] = v
		}
		for k, v := range tc.vars {
			vars[k] = v
		}
		out, _ := runCGI(t, b, vars, "")
		wantNoMail("run by "+b.name+", no web_user, "+tc.what, out)
	}
	// The setuid program never opened the attacker's configuration.
	if !atimeWorks(t) {
		t.Logf("access times are not maintained here: POSTERN_CONFIG read check skipped")
	} else if fi, err := os.Stat(evil); err != nil {
		t.Error(err)
	} else if at := atime(fi); at.After(time.Now().Add(-24 * time.Hour)) {
		t.Errorf("%s was read (atime %v): the setuid program must ignore POSTERN_CONFIG", evil, at)
	}
	// The victim's mail is untouched.
	if _, _, ok := findKey(a, "INBOX", a.known.plainKey); !ok {
		t.Errorf("%s's message %s is gone after the hostile runs", a.name, a.known.plainKey)
	}
	// Sanity: LD_PRELOAD was not honoured and nothing ran as root in the
	// evil directory.
	if fi, err := os.Stat(filepath.Dir(evil)); err == nil {
		ents, _ := os.ReadDir(filepath.Dir(evil))
		for _, e := range ents {
			if info, err := e.Info(); err == nil && ownerUID(info) == 0 {
				t.Errorf("%s: root-owned %s appeared in the attacker's directory", fi.Name(), e.Name())
			}
		}
	}
}

func ownerUID(fi os.FileInfo) int { return int(fi.Sys().(*syscall.Stat_t).Uid) }

func atime(fi os.FileInfo) time.Time {
	st := fi.Sys().(*syscall.Stat_t)
	return time.Unix(st.Atim.Sec, st.Atim.Nsec)
}

// atimeWorks is the control for the atime check: does reading a file with
// an old access time move it on this file system?
func atimeWorks(t *testing.T) bool {
	p := filepath.Join(env.tmp, "atime-probe")
	if err := os.WriteFile(p, []byte("probe"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(p)
	os.Chtimes(p, time.Now().Add(-48*time.Hour), time.Now())
	os.ReadFile(p)
	fi, err := os.Stat(p)
	return err == nil && atime(fi).After(time.Now().Add(-24*time.Hour))
}
