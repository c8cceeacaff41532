// Command postern-demo runs postern as a CGI program behind a small
// development web server (net/http/cgi) on the loopback interface, for one
// demo virtual user, so that a newcomer can try postern without Apache and
// without root:
//
//	go build -o postern ./cgi && go run ./demo -cgi ./postern
//
// It makes a temporary directory (removed at exit) holding the
// configuration file (auth = webpass, named to postern by POSTERN_CONFIG,
// which postern honours only when it does not run setuid), the webpass root
// and in it the demo user's Maildir: a generated sample of a few hundred
// varied messages. With -maildir DIR it serves that existing Maildir
// instead, read-write, as its owner: as the webpass backend refuses a
// Maildir reached through a symbolic link, the webpass root is then the
// parent of DIR and the login name is the last element of DIR (for
// ~/Maildir, "Maildir"; -user is ignored). The password file is written in
// that Maildir and removed, or its old content put back, at exit; the
// session files postern makes under DIR/postern/ stay.
//
// The server listens only on a loopback address, 127.0.0.1:8025 unless
// -addr says otherwise (make demo PORT=n gives -addr 127.0.0.1:n), and
// serves / as a redirect to /postern/, and /postern/ and below through
// postern. When port 8025 is in use it takes a free port instead (the URL
// it prints says which); a port chosen with -addr is that port or an error.
//
// Run as root, the demo never lets postern run as root: it drops its own
// privileges before it writes anything but its temporary directory, to
// nobody (or with -maildir to the Maildir's owner, which must not be root),
// so that postern runs as the owner of the Maildir.
//
// With -generate DIR it only writes the sample Maildir into DIR and exits
// (the e2e tests use it).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"syscall"
	"time"
)

// defaultAddr is where the demo listens without -addr; when its port is
// taken, the demo listens on a free port of the same host instead.
var defaultAddr = "127.0.0.1:8025"

// options are the command line flags.
type options struct {
	cgi      string // the postern binary
	addr     string // loopback host:port to listen on
	addrSet  bool   // -addr was given: that port or none
	maildir  string // an existing Maildir to serve instead of a sample
	user     string // the demo virtual user
	password string
	generate string // only write a sample Maildir here
	count    int
	seed     uint64
}

// userRE is the user name syntax of a mailbox id (DESIGN.md).
var userRE = regexp.MustCompile(`^[A-Za-z0-9_@+-][A-Za-z0-9._@+-]{0,63}$`)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// parseFlags parses and checks the command line.
func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("postern-demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.cgi, "cgi", "", "the postern `binary` to run as CGI (required unless -generate)")
	fs.StringVar(&o.addr, "addr", defaultAddr, "loopback `host:port` to listen on (port 0 picks a free one; without -addr, a free one when the default's is in use)")
	fs.StringVar(&o.maildir, "maildir", "", "serve this existing Maildir `dir` instead of a generated sample")
	fs.StringVar(&o.user, "user", "demo", "the demo user `name`")
	fs.StringVar(&o.password, "password", "demo", "the demo user's `password`")
	fs.StringVar(&o.generate, "generate", "", "only write the sample Maildir into `dir` and exit")
	fs.IntVar(&o.count, "count", 300, "number of sample messages")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the sample generator")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	fs.Visit(func(f *flag.Flag) { o.addrSet = o.addrSet || f.Name == "addr" })
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("demo: unexpected argument %q", fs.Arg(0))
	case o.count < 0 || o.count > 100000:
		return nil, fmt.Errorf("demo: -count %d is out of range 0..100000", o.count)
	case o.generate != "":
		return o, nil
	case o.cgi == "":
		return nil, errors.New("demo: -cgi is required (go build -o postern ./cgi)")
	case !userRE.MatchString(o.user):
		return nil, fmt.Errorf("demo: invalid user name %q", o.user)
	case o.password == "":
		return nil, errors.New("demo: empty -password")
	}
	if err := checkLoopback(o.addr); err != nil {
		return nil, err
	}
	return o, nil
}

// checkLoopback refuses a listen address whose host is not a loopback IP
// address or "localhost": the demo has a known password.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("demo: -addr: %w", err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("demo: -addr %q: only a loopback address (127.0.0.1, [::1], localhost) is allowed", addr)
	}
	return nil
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if o.generate != "" {
		samples, err := generate(o.generate, o.count, o.seed)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "postern demo: wrote %d messages to %s\n", len(samples), o.generate)
		return 0
	}
	if err := serve(o, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// serve sets up the demo, serves until SIGINT or SIGTERM, then cleans up.
func serve(o *options, stdout, stderr io.Writer) error {
	d, err := newDemo(o)
	if err != nil {
		return err
	}
	defer d.cleanup(stderr)
	ln, err := listen(o.addr, o.addrSet, stderr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if err := d.dropPrivileges(); err != nil {
		return err
	}
	if err := d.setup(); err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           newHandler(d.cgi, d.config, stderr),
		ReadHeaderTimeout: 10 * time.Second,
	}
	// Goroutines only from here on: after the privilege drop.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sig)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()

	fmt.Fprintf(stdout, "postern demo: open http://%s/postern/ and log in as %s / %s\n", ln.Addr(), d.login, o.password)
	fmt.Fprintf(stdout, "postern demo: Maildir %s (uid %d); Ctrl-C stops\n", d.describeMaildir(), os.Getuid())
	select {
	case err := <-done:
		return fmt.Errorf("demo: %w", err)
	case s := <-sig:
		fmt.Fprintf(stdout, "postern demo: %v, stopping\n", s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(ctx)
}

// listen listens on addr. When its port is in use, an address given with
// -addr (explicit) is an error that says so; the default address gives way
// to a free port of the same host, and stderr says which.
func listen(addr string, explicit bool, stderr io.Writer) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	switch {
	case err == nil:
		return ln, nil
	case !errors.Is(err, syscall.EADDRINUSE):
		return nil, fmt.Errorf("demo: %w", err)
	case explicit:
		return nil, fmt.Errorf("demo: %s is in use: choose another port (make demo PORT=n, or -addr host:n; port 0 picks a free one)", addr)
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if ln, err = net.Listen("tcp", net.JoinHostPort(host, "0")); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(stderr, "postern demo: %s is in use; listening on %s instead\n", addr, ln.Addr())
	return ln, nil
}

// newHandler redirects / to /postern/ and runs postern for /postern/ and
// below, with the configuration named by POSTERN_CONFIG.
func newHandler(cgiPath, configPath string, stderr io.Writer) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/postern/", &cgi.Handler{
		Path:   cgiPath,
		Root:   "/postern",
		Dir:    filepath.Dir(configPath),
		Env:    []string{"POSTERN_CONFIG=" + configPath},
		Stderr: stderr,
	})
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/postern/", http.StatusFound)
	})
	return mux
}
