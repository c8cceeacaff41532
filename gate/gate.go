package gate

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"time"

	"postern/audit"
	"postern/auth"
	"postern/config"
	"postern/guard"
	"postern/internal/childstart"
	"postern/privdrop"
	"postern/privdrop/rtenv"
)

// Exit statuses, one per refusal, documented in postern(8).
const (
	ExitOK       = 0
	ExitUsage    = 2 // bad command line
	ExitConfig   = 3 // the configuration file is missing a value or wrong
	ExitCaller   = 4 // the caller is not web_user
	ExitDrop     = 5 // the privilege drop failed or root could be regained
	ExitInternal = 6 // anything else that stopped a request
	ExitNotCGI   = 7 // run setuid outside a web server request
)

// Entry is a request that has passed the root room: the process runs as
// Account (or, when Account is nil, as the caller or anon_user), inside
// the account's Maildir, sandboxed. What the app is to do is told by the
// first of Login, Password and Account that is set; with no Account, Anon
// says which page to show.
type Entry struct {
	Config     *config.Config
	ConfigPath string        // the file Config was read from
	Request    *Request      // the root room's reading of the request
	Audit      *audit.Logger // connected as root; nil-safe

	Account *auth.Account // the user dropped to; nil for an anonymous answer
	Anon    Anon          // with no Account: the page to show

	Login    *Login        // POST /login whose password was right
	Password *Password     // POST /password with auth = pam, after PAM was asked
	Codes    *guard.Ticket // the counters of a second-factor code (POST /totp-login)

	Passwordless *Passwordless // POST /passkey-login: the assertion to check as the account
}

// Passwordless is what the root room read of a passwordless login: the
// account it dropped to is the one the assertion's user handle names; the
// assertion itself (Credential, JSON) is checked by the app, as the user,
// against the challenge the root room kept (guard.TakeChallenge).
type Passwordless struct {
	Challenge  []byte
	Issued     time.Time
	Credential string        // the browser's answer, not parsed here
	Held       *guard.Ticket // the guard's counters of the attempt
}

// Login is what the root room read of a login form whose password was
// right, for the app to create the session with.
type Login struct {
	Bind     bool            // bind the session to the client's address
	Public   bool            // a public computer: the shorter idle timeout
	Remember bool            // keep the user name in a cookie
	Held     *guard.Ticket   // the guard's counters, reset once the login is whole
	Failures []guard.Failure // the failed logins at this name since the last login, oldest first (guard.TakeFailures)
}

// Password is the outcome of a PAM password change tried as root.
type Password struct {
	Notice  string // what the page says ("" when changed: the app counts the sessions)
	Changed bool
	CSRF    string // the form's token, proved again by the app
}

// Prepare is step 1 of every run, a request or a command: it proves
// that the Go runtime started without any of its own variables
// (GOMAXPROCS, GODEBUG, ...: package privdrop/rtenv removes every GO*
// name in a C constructor, before the runtime reads them), gives the
// main thread back the CPUs that the constructor narrowed to one (so
// that the runtime started with GOMAXPROCS 1: rtenv.Unpin), cleans the
// process (privdrop.Sanitize) and reports whether the program runs with
// borrowed privileges and which configuration file it must read. It reads
// POSTERN_CONFIG before the environment is cleaned, and only when nobody's
// privileges are borrowed. An error means the program must exit
// (ExitInternal) before it does anything else.
func Prepare() (setuid bool, cfgPath string, err error) {
	if err := rtenv.Check(); err != nil {
		return false, "", err
	}
	// The constructor started the runtime on one CPU (GOMAXPROCS 1); the
	// main thread, which serves the request, gets the others back. Should
	// that fail, the request runs on one CPU: slower under load, no less
	// safe.
	_ = rtenv.Unpin()
	// The programs run for the user start from a thread with those
	// settings too (internal/childstart).
	childstart.Use(rtenv.Start)
	setuid = os.Getuid() != os.Geteuid() || os.Getgid() != os.Getegid()
	cfgPath = config.Path
	if !setuid {
		if p := os.Getenv("POSTERN_CONFIG"); p != "" {
			cfgPath = p
		}
	}
	privdrop.Sanitize()
	return setuid, cfgPath, nil
}

// Enter runs steps 2 to 5 for a CGI request. It returns either nil and the
// exit status of a request it has answered itself (FatalPage, or a caller
// refused), or the Entry of a process that is no longer root.
func Enter(setuid bool, cfgPath string) (*Entry, int) {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		logf("configuration %s: %v", cfgPath, err)
		return nil, FatalPage(500, "The webmail is not configured correctly. The administrator will find the reason in the web server's error log.", ExitConfig)
	}
	auditLog, _ := audit.Dial(cfg.AuditSocket) // a failure is told with the first line
	if setuid && cfg.WebUser != "" {
		if err := checkCaller(cfg.WebUser); err != nil {
			logf("refused: %v", err)
			fmt.Fprintln(os.Stderr, "postern: refused:", err)
			return nil, ExitCaller
		}
	}
	g := &room{cfg: cfg, cfgPath: cfgPath, audit: auditLog, req: classify(os.Getenv)}
	backend, err := NewBackend(cfg)
	if err != nil {
		logf("configuration: %v", err)
		return nil, FatalPage(500, "The webmail is not configured correctly.", ExitConfig)
	}
	switch g.req.Kind {
	case KindLogin:
		return g.login(backend), 0
	case KindPasskeyChallenge:
		return g.passkeyChallenge(), 0
	case KindPasskeyLogin:
		return g.passkeyLogin(backend), 0
	case KindUser:
		if cfg.Auth == "pam" && g.req.Method == "POST" && g.req.Path == "/password" {
			return g.pamPassword(backend), 0 // pam_chauthtok needs root
		}
		return g.userRequest(backend), 0
	}
	return g.anonymous(Anon{}), 0
}

// room is one request in the root room.
type room struct {
	cfg     *config.Config
	cfgPath string
	audit   *audit.Logger
	req     *Request
}

// entry is the Entry of the process, which has been dropped to acct.
func (g *room) entry(acct *auth.Account) *Entry {
	return &Entry{Config: g.cfg, ConfigPath: g.cfgPath, Request: g.req, Audit: g.audit, Account: acct}
}

// checkCaller refuses a setuid run by anyone but the web server's user.
func checkCaller(name string) error {
	u, err := user.Lookup(name)
	if err != nil {
		return fmt.Errorf("web_user %q: %v", name, err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return fmt.Errorf("web_user %q: bad uid", name)
	}
	if os.Getuid() != uid {
		return fmt.Errorf("caller uid %d is not web_user %s (uid %d)", os.Getuid(), name, uid)
	}
	return nil
}

// logf writes one line to the web server's error log.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "postern: "+format+"\n", args...)
}
