package build

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeSystem is a directory of stand-ins for dpkg-query, id, apt-get and
// debconf-set-selections, put first in PATH: dpkg-query reports installed
// the packages named in the file "installed" (one per line), apt-get
// writes its arguments to the file "apt-get.log" and with "install" adds
// the packages to "installed" (unless the file "apt-broken" exists),
// and id -u prints uid.
type fakeSystem struct {
	dir string
}

func newFakeSystem(t *testing.T, uid string, installed ...string) *fakeSystem {
	t.Helper()
	f := &fakeSystem{dir: t.TempDir()}
	scripts := map[string]string{
		"dpkg-query": `#!/bin/sh
for p; do :; done
grep -qx "$p" "$FAKE/installed" && { echo "install ok installed"; exit 0; }
echo "dpkg-query: no packages found matching $p" >&2; exit 1
`,
		"id": "#!/bin/sh\necho " + uid + "\n",
		"apt-get": `#!/bin/sh
echo "$*" >>"$FAKE/apt-get.log"
[ -e "$FAKE/apt-broken" ] && exit 100
case " $* " in *" install "*)
	for a; do case $a in -*|install) ;; *) echo "$a" >>"$FAKE/installed" ;; esac; done ;;
esac
exit 0
`,
		"debconf-set-selections": "#!/bin/sh\ncat >>\"$FAKE/debconf\"\n",
	}
	for name, text := range scripts {
		if err := os.WriteFile(filepath.Join(f.dir, name), []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	f.write(t, "installed", strings.Join(installed, "\n")+"\n")
	return f
}

func (f *fakeSystem) write(t *testing.T, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(f.dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f *fakeSystem) read(name string) string {
	b, _ := os.ReadFile(filepath.Join(f.dir, name))
	return string(b)
}

// run runs build/apt-deps.sh with args on the fake system and returns its
// exit status, standard output and standard error.
func (f *fakeSystem) run(t *testing.T, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command("/bin/sh", append([]string{"apt-deps.sh"}, args...)...)
	cmd.Env = append(os.Environ(), "PATH="+f.dir+":/usr/bin:/bin", "FAKE="+f.dir,
		"POLICY_RC_D="+filepath.Join(f.dir, "policy-rc.d"))
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

var buildPackages = []string{"gcc", "libpam0g-dev", "libcrypt-dev"}

// TestAptDepsUser: as a user, missing packages stop make with one line
// that names the exact apt-get command, and nothing is installed.
func TestAptDepsUser(t *testing.T) {
	const want = "missing Debian packages: libpam0g-dev libcrypt-dev; install them as root with: apt-get install libpam0g-dev libcrypt-dev\n"
	for _, tt := range []struct {
		name       string
		uid        string
		args       []string
		wantStatus int
	}{
		{"user", "1000", nil, 1},
		{"user, warn only", "1000", []string{"-w"}, 0}, // make deps-apt: make check goes on
		{"root, check only", "0", []string{"-n"}, 1},   // after a failed build: never installs
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSystem(t, tt.uid, "gcc")
			status, stdout, stderr := f.run(t, append(tt.args, buildPackages...)...)
			if status != tt.wantStatus || stderr != want || stdout != "" {
				t.Errorf("apt-deps.sh %q = status %d, stdout %q, stderr %q; want status %d, stderr %q", tt.args, status, stdout, stderr, tt.wantStatus, want)
			}
			if log := f.read("apt-get.log"); log != "" {
				t.Errorf("apt-deps.sh %q ran apt-get %q", tt.args, log)
			}
		})
	}
}

// TestAptDepsRoot: as root, the missing packages (and only they) are
// installed, with no daemon started, and checked again.
func TestAptDepsRoot(t *testing.T) {
	f := newFakeSystem(t, "0", "gcc")
	status, stdout, stderr := f.run(t, append(buildPackages, "postfix")...)
	if status != 0 {
		t.Fatalf("apt-deps.sh as root = status %d, stderr %q, want 0", status, stderr)
	}
	log := f.read("apt-get.log")
	if want := "install -y -q --no-install-recommends libpam0g-dev libcrypt-dev postfix\n"; !strings.HasSuffix(log, want) || !strings.Contains(log, "update") {
		t.Errorf("apt-deps.sh as root ran apt-get %q, want update, then %q", log, want)
	}
	if !strings.Contains(stdout, "installing libpam0g-dev libcrypt-dev postfix") {
		t.Errorf("apt-deps.sh as root said %q, want it to name what it installs", stdout)
	}
	if !strings.Contains(f.read("debconf"), "postfix/main_mailer_type select Local only") {
		t.Errorf("postfix was not preseeded: %q", f.read("debconf"))
	}
	if _, err := os.Stat(filepath.Join(f.dir, "policy-rc.d")); err == nil {
		t.Errorf("policy-rc.d left behind")
	}

	// Nothing missing: apt-get is not run.
	f = newFakeSystem(t, "0", buildPackages...)
	if status, _, stderr := f.run(t, buildPackages...); status != 0 || f.read("apt-get.log") != "" {
		t.Errorf("apt-deps.sh with everything installed = status %d (%q), apt-get %q; want 0 and no apt-get", status, stderr, f.read("apt-get.log"))
	}
}

// TestAptDepsRootFails: a failed apt-get, or a package that is still not
// installed after it, fails the script.
func TestAptDepsRootFails(t *testing.T) {
	f := newFakeSystem(t, "0")
	f.write(t, "apt-broken", "")
	if status, _, stderr := f.run(t, "gcc"); status == 0 || !strings.Contains(stderr, "apt-get install gcc failed") {
		t.Errorf("apt-deps.sh with apt-get failing = status %d, stderr %q; want a failure that says so", status, stderr)
	}
	// apt-get succeeds but installs nothing (a name it does not know as
	// a package, say).
	f = newFakeSystem(t, "0")
	f.write(t, "apt-get", "#!/bin/sh\nexit 0\n")
	os.Chmod(filepath.Join(f.dir, "apt-get"), 0o755)
	if status, _, stderr := f.run(t, "gcc"); status != 1 || !strings.Contains(stderr, "still missing after apt-get install: gcc") {
		t.Errorf("apt-deps.sh when apt-get installs nothing = status %d, stderr %q; want 1 and the package named", status, stderr)
	}
}

// TestAptDepsNotDebian: without dpkg-query the script does not stand in
// the way (the build says what it lacks).
func TestAptDepsNotDebian(t *testing.T) {
	cmd := exec.Command("/bin/sh", "apt-deps.sh", "gcc")
	cmd.Env = append(os.Environ(), "PATH="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "no dpkg-query") {
		t.Errorf("apt-deps.sh without dpkg-query = %v, %q; want success and a note", err, out)
	}
}

// TestAptDepsOnce: a package named twice is installed once.
func TestAptDepsOnce(t *testing.T) {
	f := newFakeSystem(t, "0")
	if status, _, stderr := f.run(t, "wrk", "gcc", "wrk"); status != 0 {
		t.Fatalf("apt-deps.sh wrk gcc wrk = %d, %q", status, stderr)
	}
	if log := f.read("apt-get.log"); !strings.HasSuffix(log, "--no-install-recommends wrk gcc\n") {
		t.Errorf("apt-deps.sh wrk gcc wrk ran apt-get %q, want each package once", log)
	}
}
