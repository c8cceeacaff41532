package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// The web server recipes of INSTALL, each with its snippet from dist/
// used as the admin would use it (only the program's path changed to the
// test's setuid binary), on a loopback port, logging in through PAM.

// TestRecipeApache: dist/apache/postern.conf included as a2enconf would,
// under the event MPM with mod_cgid (the main suite covers mod_cgi).
func TestRecipeApache(t *testing.T) {
	needBinary(t, filepath.Join(modulesDir, "mod_cgid.so"), filepath.Join(modulesDir, "mod_mpm_event.so"))
	dir := serverDir(t, "recipe-apache")
	port, base := listenConf(t)
	snip := snippet(t, "apache/postern.conf", dir, "/usr/lib/cgi-bin/postern", env.binary)
	conf := filepath.Join(dir, "apache2.conf")
	b := apachePrelude(dir, port, []string{"mpm_event", "authz_core", "alias", "cgid"})
	fmt.Fprintf(b, `ScriptSock %q
DocumentRoot %q
<Directory />
	AllowOverride None
	Require all denied
</Directory>
IncludeOptional %q
`, filepath.Join(dir, "cgid.sock"), dir, filepath.Join(dir, "conf-enabled", "*.conf"))
	if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// a2enconf: a symbolic link in conf-enabled to conf-available.
	if err := os.MkdirAll(filepath.Join(dir, "conf-enabled"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(snip, filepath.Join(dir, "conf-enabled", "postern.conf")); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(apacheBin, "-f", conf, "-t").CombinedOutput(); err != nil {
		t.Fatalf("apache2 -t: %v: %s", err, out)
	}
	startDaemon(t, exec.Command(apacheBin, "-f", conf, "-DFOREGROUND"), port, filepath.Join(dir, "error.log"))
	loginThrough(t, newSiteClient(t, base, nil), "/webmail", env.a)
}

// TestRecipeLighttpd: dist/lighttpd/postern.conf included from a
// lighttpd.conf like Debian's, with mod_cgi.
func TestRecipeLighttpd(t *testing.T) {
	const lighttpd = "/usr/sbin/lighttpd"
	needBinary(t, lighttpd)
	dir := serverDir(t, "recipe-lighttpd")
	// lighttpd opens its logs after it has become the web server's user.
	logs := filepath.Join(dir, "logs")
	if err := os.Mkdir(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	uid, gid := webUserIDs(t)
	if err := os.Chown(logs, uid, gid); err != nil {
		t.Fatal(err)
	}
	port, base := listenConf(t)
	snip := snippet(t, "lighttpd/postern.conf", dir, "/usr/lib/cgi-bin/postern", env.binary)
	conf := filepath.Join(dir, "lighttpd.conf")
	text := fmt.Sprintf(`server.document-root = %q
server.bind = "127.0.0.1"
server.port = %d
server.username = %q
server.groupname = %q
server.errorlog = %q
server.breakagelog = %q
server.modules = ( "mod_access", "mod_alias" )
include %q
`, dir, port, webUser, webUser, filepath.Join(logs, "error.log"), filepath.Join(logs, "cgi-stderr.log"), snip)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(lighttpd, "-tt", "-f", conf).CombinedOutput(); err != nil {
		t.Fatalf("lighttpd -tt: %v: %s", err, out)
	}
	startDaemon(t, exec.Command(lighttpd, "-D", "-f", conf), port,
		filepath.Join(logs, "error.log"), filepath.Join(logs, "cgi-stderr.log"))
	loginThrough(t, newSiteClient(t, base, nil), "/webmail", env.a)
}

// TestRecipeNginx: dist/nginx/postern.conf in a server block of nginx,
// which hands the request to fcgiwrap running as the web server's user.
func TestRecipeNginx(t *testing.T) {
	const nginx, fcgiwrap = "/usr/sbin/nginx", "/usr/sbin/fcgiwrap"
	needBinary(t, nginx, fcgiwrap, "/etc/nginx/fastcgi_params")
	dir := serverDir(t, "recipe-nginx")
	uid, gid := webUserIDs(t)
	run := filepath.Join(dir, "run")
	if err := os.Mkdir(run, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(run, uid, gid); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(run, "fcgiwrap.socket")
	fw := exec.Command(fcgiwrap, "-c", "2", "-s", "unix:"+sock)
	fw.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{uint32(gid)}}}
	startDaemon(t, fw, 0)
	if !waitFor(10e9, func() bool { _, err := os.Stat(sock); return err == nil }) {
		t.Fatalf("fcgiwrap made no socket %s", sock)
	}

	port, base := listenConf(t)
	snip := snippet(t, "nginx/postern.conf", dir,
		"/usr/lib/cgi-bin/postern", env.binary, "unix:/run/fcgiwrap.socket", "unix:"+sock)
	// "include fastcgi_params" is relative to the main file's directory.
	params, err := os.ReadFile("/etc/nginx/fastcgi_params")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "fastcgi_params"), params, 0o644); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "nginx.conf")
	text := fmt.Sprintf(`daemon off;
user %s;
worker_processes 1;
pid %s;
error_log %s info;
events { worker_connections 64; }
http {
	access_log %s;
	client_body_temp_path %s;
	fastcgi_temp_path %s;
	proxy_temp_path %s;
	uwsgi_temp_path %s;
	scgi_temp_path %s;
	server {
		listen 127.0.0.1:%d;
		server_name 127.0.0.1;
		root %s;
		include %s;
	}
}
`, webUser, filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "error.log"), filepath.Join(dir, "access.log"),
		filepath.Join(run, "body"), filepath.Join(run, "fastcgi"), filepath.Join(run, "proxy"),
		filepath.Join(run, "uwsgi"), filepath.Join(run, "scgi"), port, dir, snip)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(nginx, "-t", "-c", conf).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v: %s", err, out)
	}
	startDaemon(t, exec.Command(nginx, "-c", conf), port, filepath.Join(dir, "error.log"))
	loginThrough(t, newSiteClient(t, base, nil), "/webmail", env.a)
}
