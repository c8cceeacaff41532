// Package e2e holds black-box tests of the installed postern binary.
//
// TestMain builds the program, installs it setuid root under a private
// Apache (mod_cgi, prefork, running its workers as www-data) on a free
// loopback port, creates two real Unix users with yescrypt passwords in
// /etc/shadow and sample Maildirs, and authenticates them through real PAM.
// The tests then talk HTTP to Apache exactly as a browser would; TestBrowser
// drives headless Chromium through playwright-core (e2e/browser/).
//
// Everything TestMain sets up is pushed on a cleanup stack and torn down
// even when a test fails or panics: the Apache child it started (by its own
// PID, never by name), the users and their home directories, the PAM file
// if it installed it, and the temporary tree.
//
// The recipe tests (recipes_test.go) start Apache with mod_cgid, lighttpd
// and nginx + fcgiwrap with the snippets of dist/; TestDebianPackage
// (package_test.go) builds, installs and purges the .deb. They need
// lighttpd, nginx, fcgiwrap, debhelper and lintian (make deps-apt).
//
// Prerequisites: root, /usr/sbin/apache2 and mod_cgi. When one is missing
// the suite is skipped, unless the environment variable CI is "true", in
// which case it fails.
//
// Run with: go test ./e2e -count=1 -v -timeout 20m
package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postern/internal/testenv"
)

// Fixed paths of the system under test.
const (
	apacheBin  = "/usr/sbin/apache2"
	modulesDir = "/usr/lib/apache2/modules"
	pamFile    = "/etc/pam.d/postern"
	webUser    = "www-data"
)

// suite is what TestMain prepared; the tests read it and never change it.
type suite struct {
	tmp       string // root of everything, mode 0755
	cgiDir    string // ScriptAlias target holding the setuid binary
	binary    string // the installed program
	helper    string // postern-helper, its path compiled into the binary
	confPath  string // the configuration file compiled into the binary
	libexec   string // LIBEXECDIR compiled into the binary, holding postern-login
	baseConf  string // the configuration the tests restore after changing it
	apacheDir string
	errorLog  string
	port      int
	base      string // http://127.0.0.1:PORT/cgi-bin/postern
	root      string // module root
	a, b      *account
}

// env is set up once by TestMain.
var env suite

// cleanups is the teardown stack, run last-in first-out.
var cleanups []func()

func atExit(f func()) { cleanups = append(cleanups, f) }

func runCleanups() {
	for i := len(cleanups) - 1; i >= 0; i-- {
		func() {
			defer func() {
				if r := recover(); r != nil {
					fmt.Fprintf(os.Stderr, "e2e: cleanup panicked: %v\n", r)
				}
			}()
			cleanups[i]()
		}()
	}
	cleanups = nil
}

func TestMain(m *testing.M) {
	os.Exit(mainRun(m))
}

// mainRun returns the exit status; its deferred cleanup runs even when
// setup or a test panics.
func mainRun(m *testing.M) (code int) {
	defer runCleanups()
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "e2e: panic: %v\n", r)
			dumpErrorLog()
			code = 2
		}
	}()
	if missing := prerequisites(); missing != "" {
		if ciRequired() {
			fmt.Fprintf(os.Stderr, "e2e: FAIL: %s (CI=true requires it)\n", missing)
			return 1
		}
		fmt.Fprintf(os.Stderr, "e2e: skipped: %s\n", missing)
		return 0
	}
	if err := setup(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: setup: %v\n", err)
		dumpErrorLog()
		return 1
	}
	code = m.Run()
	if code != 0 {
		dumpErrorLog()
	}
	return code
}

// ciRequired reports whether a missing prerequisite must fail the run.
func ciRequired() bool { return testenv.CI() }

func prerequisites() string {
	if os.Geteuid() != 0 {
		return "not root"
	}
	for _, p := range []string{apacheBin, filepath.Join(modulesDir, "mod_cgi.so"), "/usr/sbin/useradd", "/usr/sbin/chpasswd"} {
		if _, err := os.Stat(p); err != nil {
			return "missing " + p
		}
	}
	return ""
}

func setup() error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	env.root = root
	tmp, err := os.MkdirTemp("", "postern-e2e-")
	if err != nil {
		return err
	}
	atExit(func() { os.RemoveAll(tmp) })
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	env.tmp = tmp
	env.cgiDir = filepath.Join(tmp, "cgi-bin")
	env.binary = filepath.Join(env.cgiDir, "postern")
	env.confPath = filepath.Join(tmp, "etc", "postern", "postern.conf")
	env.libexec = filepath.Join(tmp, "libexec")
	for _, d := range []string{env.cgiDir, filepath.Dir(env.confPath), env.libexec} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := buildBinary(); err != nil {
		return err
	}
	env.baseConf = "auth = pam\nmin_uid = 1000\nweb_user = " + webUser + "\n" +
		"require_https = no\nguard_dir = " + filepath.Join(tmp, "guard") + "\n"
	if err := writeConfig(env.baseConf); err != nil {
		return err
	}
	if err := installPAM(); err != nil {
		return err
	}
	if env.a, err = newAccount("a"); err != nil {
		return err
	}
	if env.b, err = newAccount("b"); err != nil {
		return err
	}
	return startApache()
}

// moduleRoot walks up from the working directory to go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("e2e: go.mod not found above the working directory")
		}
		dir = parent
	}
}

// buildBinary builds the request binary as make postern does (static
// PIE, the same tags and flags) for the private configuration path and
// LIBEXECDIR, postern-login into LIBEXECDIR, mode 0700 root, and
// postern-helper beside it (static, without cgo, as make builds it), as
// make install puts them.
func buildBinary() error {
	env.helper = filepath.Join(env.libexec, "postern-helper")
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-buildmode=exe", "-o", env.helper, "./helper")
	cmd.Dir = env.root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./helper: %v\n%s", err, out)
	}
	if err := os.Chmod(filepath.Dir(env.helper), 0o755); err != nil {
		return err
	}
	cmd = exec.Command("make", "-s", "--no-print-directory", "postern", "POSTERN_OUT="+env.binary,
		"SYSCONFDIR="+filepath.Dir(filepath.Dir(env.confPath)), "LIBEXECDIR="+env.libexec)
	cmd.Dir = env.root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("make postern: %v\n%s", err, out)
	}
	if err := os.Remove(env.binary + ".paths"); err != nil {
		return err
	}
	login := filepath.Join(env.libexec, "postern-login")
	cmd = exec.Command("go", "build", "-trimpath", "-o", login, "./login")
	cmd.Dir = env.root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./login: %v\n%s", err, out)
	}
	if err := os.Chmod(login, 0o700); err != nil {
		return err
	}
	if err := os.Chown(env.binary, 0, 0); err != nil {
		return err
	}
	// Chmod after chown: chown clears the setuid bit.
	return os.Chmod(env.binary, 0o755|os.ModeSetuid)
}

// writeConfig replaces the configuration file (root-owned, 0644). The
// program reads it on every request.
func writeConfig(text string) error {
	tmp := env.confPath + ".new"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, env.confPath)
}

// withConfig rewrites the configuration for the rest of the test and
// restores the base configuration afterwards.
func withConfig(t *testing.T, text string) {
	t.Helper()
	if err := writeConfig(text); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := writeConfig(env.baseConf); err != nil {
			t.Errorf("restore config: %v", err)
		}
	})
}

// installPAM installs the packaged PAM service file unless one exists.
func installPAM() error {
	if _, err := os.Stat(pamFile); err == nil {
		return nil
	}
	text, err := os.ReadFile(filepath.Join(env.root, "dist", "pam.d", "postern"))
	if err != nil {
		text = []byte("# postern: installed by the e2e tests\n@include common-auth\n@include common-account\n")
	}
	if err := os.WriteFile(pamFile, text, 0o644); err != nil {
		return err
	}
	atExit(func() { os.Remove(pamFile) })
	return nil
}

// run runs a command and returns its combined output, or an error naming it.
func run(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, out.String())
	}
	return out.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// dumpErrorLog copies the end of Apache's error log to stderr.
func dumpErrorLog() {
	if env.errorLog == "" {
		return
	}
	b, err := os.ReadFile(env.errorLog)
	if err != nil {
		return
	}
	const max = 64 << 10
	if len(b) > max {
		b = b[len(b)-max:]
	}
	fmt.Fprintf(os.Stderr, "----- apache error log (%s) -----\n%s\n----- end -----\n", env.errorLog, b)
}

// waitFor polls cond until it is true or the timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return cond()
}
