package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// apacheModules are the modules the private server loads, in order; those
// compiled into Debian's apache2 (unixd, log_config) have no .so and are
// skipped.
var apacheModules = []string{
	"mpm_prefork", "authz_core", "unixd", "mime", "alias", "cgi",
	"log_config", "env", "setenvif",
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// apacheConf is a complete, self-contained Apache configuration: nothing
// of /etc/apache2 is read.
// apachePrelude starts the configuration of an Apache instance of the
// tests' own in dir: its modules (those installed), loopback port, the
// web server's user, and pid, runtime and error log files in dir. Every
// Apache the tests start begins with it.
func apachePrelude(dir string, port int, modules []string) *strings.Builder {
	var b strings.Builder
	fmt.Fprintf(&b, "ServerRoot %q\n", dir)
	for _, m := range modules {
		so := filepath.Join(modulesDir, "mod_"+m+".so")
		if _, err := os.Stat(so); err != nil {
			continue
		}
		fmt.Fprintf(&b, "LoadModule %s_module %s\n", m, so)
	}
	fmt.Fprintf(&b, `ServerName 127.0.0.1
Listen 127.0.0.1:%d
User %s
Group %s
PidFile %q
DefaultRuntimeDir %q
ErrorLog %q
LogLevel info
`, port, webUser, webUser, filepath.Join(dir, "apache2.pid"), dir, filepath.Join(dir, "error.log"))
	return &b
}

func apacheConf(dir string, port int) string {
	b := apachePrelude(dir, port, apacheModules)
	fmt.Fprintf(b, `LogFormat "%%h %%l %%u %%t \"%%r\" %%>s %%b" common
CustomLog %q common
TypesConfig /etc/mime.types
StartServers 2
MinSpareServers 2
MaxSpareServers 4
MaxRequestWorkers 16
Timeout 60
KeepAlive On
DocumentRoot %q
<Directory />
	AllowOverride None
	Require all denied
</Directory>
# Empty; granted so that the PATH_TRANSLATED lookup of PATH_INFO does not
# log denials.
<Directory %q>
	Require all granted
</Directory>
ScriptAlias /cgi-bin/ %q
<Directory %q>
	AllowOverride None
	Options +ExecCGI
	Require all granted
</Directory>
`, filepath.Join(dir, "access.log"),
		filepath.Join(dir, "htdocs"), filepath.Join(dir, "htdocs"),
		env.cgiDir+"/", env.cgiDir)
	return b.String()
}

// startApache starts apache2 in the foreground as a child of the test and
// pushes its teardown: SIGTERM to that PID alone, then wait.
func startApache() error {
	dir := filepath.Join(env.tmp, "apache")
	for _, d := range []string{dir, filepath.Join(dir, "htdocs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	env.port = port
	env.apacheDir = dir
	env.errorLog = filepath.Join(dir, "error.log")
	env.base = "http://127.0.0.1:" + strconv.Itoa(port) + "/cgi-bin/postern"
	conf := filepath.Join(dir, "apache2.conf")
	if err := os.WriteFile(conf, []byte(apacheConf(dir, port)), 0o644); err != nil {
		return err
	}
	if out, err := exec.Command(apacheBin, "-f", conf, "-t").CombinedOutput(); err != nil {
		return fmt.Errorf("apache2 -t: %v: %s", err, out)
	}
	cmd := exec.Command(apacheBin, "-f", conf, "-DFOREGROUND")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	// Its own process group, so a ^C to the test does not race our SIGTERM.
	cmd.SysProcAttr = newProcessGroup()
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	atExit(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	up := waitFor(15*time.Second, func() bool {
		select {
		case <-done:
			return true
		default:
		}
		c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
		if err != nil {
			return false
		}
		c.Close()
		return true
	})
	select {
	case err := <-done:
		done <- err // for the cleanup
		return fmt.Errorf("apache2 exited early: %v", err)
	default:
	}
	if !up {
		return fmt.Errorf("apache2 did not answer on port %d", port)
	}
	return nil
}
