package e2e

import (
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"postern/audit"
)

// TestDebianPackage builds the .deb with `make deb` (dpkg-buildpackage
// -us -uc -b), checks it with lintian, installs it with apt-get, logs in
// through the packaged Apache snippet on a private Apache, and purges it:
// every file the package put on the machine must be gone afterwards.
//
// It changes the machine's package database, so it refuses to run where
// postern is already installed, and it holds a lock so that two runs on
// one machine take turns.
func TestDebianPackage(t *testing.T) {
	needBinary(t, "/usr/bin/dpkg-buildpackage", "/usr/bin/dh", "/usr/bin/lintian", "/usr/bin/apt-get", "/usr/bin/fakeroot")
	lock, err := os.OpenFile("/run/lock/postern-deb-test.lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	// dpkg-query fails for a package it never heard of; a purged one may
	// still be listed as "unknown ok not-installed".
	if out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", "postern").Output(); err == nil && !strings.HasSuffix(string(out), " not-installed") {
		refuse(t, "the postern package is on this machine ("+string(out)+")")
	}
	for _, p := range []string{"/usr/lib/cgi-bin/postern", "/etc/postern"} {
		if _, err := os.Stat(p); err == nil {
			refuse(t, p+" exists (a `make install`?)")
		}
	}

	dir := serverDir(t, "package")
	out, err := run("make", "-C", env.root, "-s", "deb", "DEBOUT="+dir)
	if err != nil {
		t.Fatalf("make deb: %v", err)
	}
	debs, _ := filepath.Glob(filepath.Join(dir, "postern_*.deb"))
	if len(debs) != 1 {
		t.Fatalf("make deb made %q, want one postern_*.deb; output:\n%s", debs, out)
	}
	deb := debs[0]
	if out, err := run("lintian", "--fail-on", "error,warning", deb); err != nil {
		t.Errorf("lintian %s: %v", filepath.Base(deb), err)
	} else if strings.Contains(out, "W: ") || strings.Contains(out, "E: ") {
		t.Errorf("lintian %s:\n%s", filepath.Base(deb), out)
	}

	// What of the package's contents was there before: only that may stay.
	contents, err := debContents(deb)
	if err != nil {
		t.Fatal(err)
	}
	before := map[string]bool{}
	saved := map[string][]byte{} // files that existed (the suite's PAM file): restored after the purge
	for _, p := range contents {
		if fi, err := os.Lstat(p); err == nil {
			before[p] = true
			if fi.Mode().IsRegular() {
				saved[p], _ = os.ReadFile(p)
			}
		}
	}
	_, err = os.Stat("/var/lib/postern/guard")
	guardBefore := err == nil
	installed := false
	t.Cleanup(func() {
		if installed {
			if _, err := aptGet("purge", "postern"); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
		for p, b := range saved {
			if _, err := os.Stat(p); err != nil {
				os.WriteFile(p, b, 0o644)
			}
		}
	})
	if _, err := aptGet("install", "--no-install-recommends", deb); err != nil {
		t.Fatal(err)
	}
	installed = true

	const program = "/usr/lib/cgi-bin/postern"
	if fi, err := os.Stat(program); err != nil {
		t.Fatal(err)
	} else if st := fi.Sys().(*syscall.Stat_t); fi.Mode()&os.ModeSetuid == 0 || fi.Mode().Perm() != 0o755 || st.Uid != 0 {
		t.Errorf("%s: mode %v owner %d, want setuid 4755 root (postinst)", program, fi.Mode(), st.Uid)
	}
	if out, err := run(program, "-version"); err != nil || !strings.HasPrefix(out, "postern ") {
		t.Errorf("%s -version = %q, %v, want \"postern VERSION\"", program, out, err)
	}
	if out, err := run(program, "-check-config"); err != nil || !strings.Contains(out, "/etc/postern/postern.conf: ok") {
		t.Errorf("%s -check-config = %q, %v, want ok", program, out, err)
	}
	// A local user may see the version but not check the configuration.
	cmd := runAs(env.a, nil, program, "-check-config")
	if out, err := cmd.CombinedOutput(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 4 {
		t.Errorf("%s -check-config as %s = %q, %v, want exit status 4", program, env.a.name, out, err)
	}
	if out, err := runAs(env.a, nil, program, "-version").Output(); err != nil || !strings.HasPrefix(string(out), "postern 0.") {
		t.Errorf("%s -version as %s = %q, %v, want the version", program, env.a.name, out, err)
	}
	if out, err := run(program, "-version"); err != nil || !strings.Contains(out, "\nconfig: /etc/postern/postern.conf\nwrapper: /usr/libexec/postern/postern-sendmail\nlogin: /usr/libexec/postern/postern-login\nhelper: /usr/libexec/postern/postern-helper\n") {
		t.Errorf("%s -version = %q, %v, want the packaged paths compiled in", program, out, err)
	}
	// postern-helper: 0755, not set-ID; without arguments, its usage
	// status.
	const helper = "/usr/libexec/postern/postern-helper"
	if fi, err := os.Stat(helper); err != nil || fi.Mode() != 0o755 {
		t.Errorf("%s: %v, %v, want mode 0755", helper, fi, err)
	} else if cmd := runAs(env.a, nil, helper); cmd.Run() == nil || cmd.ProcessState.ExitCode() != 2 {
		t.Errorf("%s without arguments: exit status %d, want 2", helper, cmd.ProcessState.ExitCode())
	}
	conffiles, _ := os.ReadFile("/var/lib/dpkg/info/postern.conffiles")
	for _, c := range []string{"/etc/postern/postern.conf", "/etc/pam.d/postern", "/etc/apache2/conf-available/postern.conf",
		"/etc/fail2ban/filter.d/postern.conf", "/etc/fail2ban/jail.d/postern.conf"} {
		if !strings.Contains(string(conffiles), c+"\n") {
			t.Errorf("conffiles = %q, want %s in it", conffiles, c)
		}
	}
	packagedFail2ban(t)

	// The packaged snippet, included as a2enconf would, with the packaged
	// configuration (web_user = www-data).
	apacheWithPackagedSnippet(t, filepath.Join(dir, "apache"))

	list, err := run("dpkg", "-L", "postern")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := aptGet("purge", "postern"); err != nil {
		t.Fatal(err)
	}
	installed = false
	for _, p := range strings.Split(strings.TrimSpace(list), "\n") {
		if before[p] || p == "/." {
			continue
		}
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("after purge, %s is still there", p)
		}
	}
	gone := []string{program, "/etc/postern", "/etc/pam.d/postern", "/usr/share/postern", "/usr/libexec/postern", "/usr/share/doc/postern"}
	if !guardBefore {
		gone = append(gone, "/var/lib/postern/guard") // made by the logins, removed by postrm purge
	}
	for _, p := range gone {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("after purge, %s is still there", p)
		}
	}
	if out, _ := exec.Command("dpkg-statoverride", "--list", program).Output(); len(out) > 0 {
		t.Errorf("after purge, dpkg-statoverride --list %s = %q, want nothing", program, out)
	}
}

// packagedFail2ban checks the installed fail2ban jail (disabled, for the
// filter postern) and runs fail2ban-regex with the installed filter on
// audit lines as rsyslog writes them to auth.log: it must match the
// failures and nothing else.
func packagedFail2ban(t *testing.T) {
	t.Helper()
	jail, err := os.ReadFile("/etc/fail2ban/jail.d/postern.conf")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^\[postern\]\n(?:.*\n)*enabled *= *false\n(?:.*\n)*filter *= *postern\n`).Match(jail) {
		t.Errorf("/etc/fail2ban/jail.d/postern.conf is not a disabled jail [postern] with filter postern:\n%s", jail)
	}
	if _, err := exec.LookPath("fail2ban-regex"); err != nil {
		lacking(t, "fail2ban-regex (Debian package fail2ban): %v", err)
	}
	var lines []string
	failures := 0
	for _, l := range []struct {
		ev               audit.Event
		ip, user, reason string
		ban              bool
	}{
		{audit.LoginFailed, "192.0.2.1", "ptbob", "wrong password", true},
		{audit.LoginLocked, "192.0.2.2", "ptbob", "", true},
		{audit.SessionRefused, "192.0.2.3", "ptbob.pam", "bad token", true},
		{audit.LoginOK, "198.51.100.1", "ptbob", "", false},
		{audit.SessionRefused, "198.51.100.2", "ptbob.pam", "idle timeout", false},
	} {
		lines = append(lines, "Dec  6 05:41:00 testhost postern[1234]: "+audit.Format(l.ev, l.ip, l.user, l.reason))
		if l.ban {
			failures++
		}
	}
	if matched, out := fail2banRegex(t, "/etc/fail2ban/filter.d/postern.conf", lines); matched != failures {
		t.Errorf("fail2ban-regex with the installed filter matched %d lines, want %d:\n%s", matched, failures, out)
	}
}

// refuse skips, or fails under CI=true, a test that would harm the machine.
func refuse(t *testing.T, why string) {
	t.Helper()
	lacking(t, "cannot test the package: %s", why)
}

// aptGet runs apt-get non-interactively, waiting for the dpkg lock, and
// keeping configuration files that were there before.
func aptGet(args ...string) (string, error) {
	cmd := exec.Command("apt-get", append([]string{"-y", "-q",
		"-o", "DPkg::Lock::Timeout=300",
		"-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"}, args...)...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("apt-get %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// debContents lists the paths in a .deb, as absolute paths without a
// trailing slash.
func debContents(deb string) ([]string, error) {
	out, err := run("dpkg-deb", "--contents", deb)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		p := strings.TrimSuffix(strings.TrimPrefix(f[5], "."), "/")
		if p != "" {
			paths = append(paths, p)
		}
	}
	return paths, nil
}

// apacheWithPackagedSnippet starts a private Apache (prefork, mod_cgi,
// mod_ssl with a self-signed certificate, the quick start of INSTALL) that
// includes /etc/apache2/conf-available/postern.conf, and logs in at
// /webmail with the packaged configuration (which requires HTTPS).
func apacheWithPackagedSnippet(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	crt, key := filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	if _, err := run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
		"-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
		"-keyout", key, "-out", crt); err != nil {
		t.Fatal(err)
	}
	pem, err := os.ReadFile(crt)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	port, _ := listenConf(t)
	b := apachePrelude(dir, port, []string{"mpm_prefork", "authz_core", "alias", "cgi", "socache_shmcb", "ssl"})
	fmt.Fprintf(b, `DocumentRoot %q
<Directory />
	AllowOverride None
	Require all denied
</Directory>
SSLEngine on
SSLCertificateFile %q
SSLCertificateKeyFile %q
Include /etc/apache2/conf-available/postern.conf
`, dir, crt, key)
	conf := filepath.Join(dir, "apache2.conf")
	if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(apacheBin, "-f", conf, "-t").CombinedOutput(); err != nil {
		t.Fatalf("apache2 -t: %v: %s", err, out)
	}
	stop := startDaemon(t, exec.Command(apacheBin, "-f", conf, "-DFOREGROUND"), port, filepath.Join(dir, "error.log"))
	base := fmt.Sprintf("https://127.0.0.1:%d/webmail", port)
	loginThrough(t, newSiteClient(t, base, roots), "/webmail", env.b)
	stop() // before the purge
}
