package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"postern/internal/lockfile"
)

// Postfix for the compose tests: a private instance of Debian's Postfix
// (its own configuration, queue and data directories under the run's
// temporary tree; no network listener at all, master_service_disable =
// inet) that delivers local mail into ~/Maildir/. The program under test
// sends through a copy of wrapper/postern-sendmail whose SENDMAIL is a
// two-line script running /usr/sbin/sendmail -C <private config>: the
// wrapper's own POSTERN_SENDMAIL is removed by postern's environment
// cleaning. Postfix's set-group-id postdrop accepts a non-default
// configuration directory only when the default main.cf lists it in
// alternate_config_directories, so this run's directory is added to that
// line of /etc/postfix/main.cf and removed afterwards (alternateDirs).
// The instance is stopped (postfix -c DIR stop, then its master's PID
// if it lingers) by the TestMain cleanup stack.

const (
	postfixBin  = "/usr/sbin/postfix"
	postconfBin = "/usr/sbin/postconf"
	sendmailBin = "/usr/sbin/sendmail"
	systemMain  = "/etc/postfix/main.cf"
)

// mta is the running private Postfix.
type mta struct {
	dir     string // root of the instance
	conf    string // its configuration directory
	wrapper string // the postern-sendmail copy that uses it
	failing string // a wrapper that always fails with status 75
}

var (
	postfixOnce sync.Once
	postfixMTA  *mta
	postfixErr  error
)

// needPostfix starts the private Postfix once per run, or skips (fails
// with CI=true) when Postfix is not installed.
func needPostfix(t *testing.T) *mta {
	t.Helper()
	for _, p := range []string{postfixBin, postconfBin, sendmailBin} {
		if _, err := os.Stat(p); err != nil {
			lacking(t, "missing %s: install postfix", p)
		}
	}
	postfixOnce.Do(func() { postfixMTA, postfixErr = startPostfix() })
	if postfixErr != nil {
		t.Fatalf("starting postfix: %v", postfixErr)
	}
	return postfixMTA
}

func startPostfix() (*mta, error) {
	m := &mta{dir: filepath.Join(env.tmp, "postfix")}
	m.conf = filepath.Join(m.dir, "etc")
	for _, d := range []string{m.conf, filepath.Join(m.dir, "data"), filepath.Join(m.dir, "spool")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if err := os.Chmod(m.dir, 0o755); err != nil {
		return nil, err
	}
	if _, err := run("chown", "postfix", filepath.Join(m.dir, "data")); err != nil {
		return nil, err
	}
	master, err := os.ReadFile("/etc/postfix/master.cf")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(m.conf, "master.cf"), master, 0o644); err != nil {
		return nil, err
	}
	mainCf := strings.Join([]string{
		"compatibility_level = 3.6",
		"queue_directory = " + filepath.Join(m.dir, "spool"),
		"data_directory = " + filepath.Join(m.dir, "data"),
		"mail_owner = postfix",
		"setgid_group = postdrop",
		"inet_interfaces = loopback-only",
		"inet_protocols = ipv4",
		"master_service_disable = inet",
		"myhostname = localhost",
		"mydomain = localhost",
		"myorigin = localhost",
		"mydestination = localhost, localhost.localdomain",
		"home_mailbox = Maildir/",
		"alias_maps =",
		"alias_database =",
		"default_transport = error:no mail leaves this test",
		"relay_transport = error:no mail leaves this test",
		"biff = no",
		"maillog_file = " + filepath.Join(m.dir, "maillog"),
		"maillog_file_prefixes = " + m.dir,
		"",
	}, "\n")
	if err := os.WriteFile(filepath.Join(m.conf, "main.cf"), []byte(mainCf), 0o644); err != nil {
		return nil, err
	}
	// Let postdrop accept the private configuration for this run: add it
	// to alternate_config_directories, and take it out again at exit.
	// Other runs on the same machine do the same with theirs, so the
	// list is changed under a lock, entry by entry: writing the line
	// whole (and restoring the file at exit) made concurrent runs refuse
	// each other's sends ("unauthorized configuration directory name").
	if err := alternateDirs(func(dirs []string) []string { return append(dirs, m.conf) }); err != nil {
		return nil, err
	}
	atExit(func() {
		if err := alternateDirs(func(dirs []string) []string {
			return slices.DeleteFunc(dirs, func(d string) bool { return d == m.conf })
		}); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		}
	})
	if out, err := run(postfixBin, "-c", m.conf, "start"); err != nil {
		return nil, fmt.Errorf("%v: %s\n%s", err, out, m.log())
	}
	atExit(func() { m.stop() })
	if !waitFor(10*time.Second, func() bool { return m.masterPID() > 0 }) {
		return nil, fmt.Errorf("postfix master did not start; log:\n%s", m.log())
	}
	// The wrappers, readable and executable by every user.
	script := filepath.Join(m.dir, "sendmail")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec "+sendmailBin+" -C "+m.conf+" \"$@\"\n"), 0o755); err != nil {
		return nil, err
	}
	src, err := os.ReadFile(filepath.Join(env.root, "wrapper", "postern-sendmail"))
	if err != nil {
		return nil, err
	}
	const line = "SENDMAIL=${POSTERN_SENDMAIL:-/usr/sbin/sendmail}"
	if !strings.Contains(string(src), line) {
		return nil, fmt.Errorf("wrapper/postern-sendmail has no line %q", line)
	}
	m.wrapper = filepath.Join(m.dir, "postern-sendmail")
	copied := strings.Replace(string(src), line, "SENDMAIL="+script, 1)
	if err := os.WriteFile(m.wrapper, []byte(copied), 0o755); err != nil {
		return nil, err
	}
	m.failing = filepath.Join(m.dir, "failing-sendmail")
	fail := "#!/bin/sh\ncat >/dev/null\necho 'sendmail: fatal: simulated failure: the queue is unavailable' >&2\nexit 75\n"
	if err := os.WriteFile(m.failing, []byte(fail), 0o755); err != nil {
		return nil, err
	}
	for _, p := range []string{script, m.wrapper, m.failing} {
		if err := os.Chmod(p, 0o755); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// alternateLock serialises the changes of alternate_config_directories
// in systemMain by the e2e runs of this machine.
const alternateLock = "/run/lock/postern-e2e-postfix.lock"

// alternateDirs changes alternate_config_directories of systemMain with
// edit, under alternateLock. Directories that no longer exist (left by
// a run that was killed) are dropped; an empty list removes the line.
func alternateDirs(edit func([]string) []string) error {
	unlock, err := lockfile.Lock(alternateLock)
	if err != nil {
		return err
	}
	defer unlock()
	out, err := run(postconfBin, "-h", "alternate_config_directories")
	if err != nil {
		return err
	}
	var dirs []string
	for _, d := range strings.FieldsFunc(out, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		if _, err := os.Stat(d); err == nil && !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	dirs = edit(dirs)
	if len(dirs) == 0 {
		_, err = run(postconfBin, "-X", "alternate_config_directories")
		return err
	}
	_, err = run(postconfBin, "-e", "alternate_config_directories = "+strings.Join(dirs, ", "))
	return err
}

// masterPID is the PID of the instance's master, 0 when not running.
func (m *mta) masterPID() int {
	b, err := os.ReadFile(filepath.Join(m.dir, "spool", "pid", "master.pid"))
	if err != nil {
		return 0
	}
	var pid int
	fmt.Sscan(strings.TrimSpace(string(b)), &pid)
	if pid <= 0 || exec.Command("kill", "-0", fmt.Sprint(pid)).Run() != nil {
		return 0
	}
	return pid
}

// stop stops the instance this run started.
func (m *mta) stop() {
	pid := m.masterPID()
	if out, err := run(postfixBin, "-c", m.conf, "stop"); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: postfix stop: %v: %s\n", err, out)
	}
	if pid > 0 && !waitFor(10*time.Second, func() bool { return m.masterPID() == 0 }) {
		if p, err := os.FindProcess(pid); err == nil {
			p.Kill()
		}
	}
}

// log is the instance's mail log.
func (m *mta) log() string {
	b, _ := os.ReadFile(filepath.Join(m.dir, "maillog"))
	return string(b)
}

// sendConfig is the base configuration plus what the compose tests need:
// the sandbox of a send (landlock, on by default) also allows the private
// instance's sendmail script, configuration and maildrop queue.
func sendConfig(wrapper, extra string) string {
	m := postfixMTA
	return env.baseConf + "mail_domain = localhost\nsendmail_wrapper = " + wrapper + "\n" +
		"landlock_send_exec = " + filepath.Join(m.dir, "sendmail") + " " + sendmailBin + " /usr/sbin/postdrop\n" +
		"landlock_send_read = /etc/postfix " + m.conf + "\n" +
		"landlock_send_write = " + filepath.Join(m.dir, "spool", "maildrop") + "\n" + extra
}
