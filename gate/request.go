package gate

import (
	"net"
	"strconv"
	"strings"

	"postern/auth"
)

// Kind is what the root room makes of a request.
type Kind int

const (
	KindAnon  Kind = iota // no usable identity: login page, style sheet, errors
	KindLogin             // POST /login
	KindUser              // a cookie that names a mailbox

	// A passwordless login (webauthn_passwordless): the challenge (GET
	// PasskeyChallengePath) and the assertion (POST PasskeyLoginPath).
	KindPasskeyChallenge
	KindPasskeyLogin
)

// Paths of a passwordless login.
const (
	PasskeyChallengePath = "/passkey-challenge"
	PasskeyLoginPath     = "/passkey-login"
	// PasskeyCookie holds the id of the challenge of a passwordless login
	// (guard.IssueChallenge) between its two requests.
	PasskeyCookie = "postern-pk"
)

// CookieName is the session cookie's name.
const CookieName = "postern"

// Request is everything the root room reads of a request: the method,
// the path, the session cookie's identity part, the body's declared length
// and type, and the client's address. Nothing else is parsed as root.
type Request struct {
	Kind          Kind
	Method        string
	Path          string
	Mailbox       string // mailbox id from the cookie ("user.method")
	User          string
	ContentLength int64 // -1 when absent or invalid
	ContentType   string
	RemoteAddr    string
}

// classify reads the request's identity from the CGI environment
// (os.Getenv, or a table in tests).
func classify(getenv func(string) string) *Request {
	r := &Request{
		Method:        getenv("REQUEST_METHOD"),
		Path:          getenv("PATH_INFO"),
		ContentType:   getenv("CONTENT_TYPE"),
		ContentLength: -1,
		RemoteAddr:    clientIP(getenv("REMOTE_ADDR")),
	}
	if cl := getenv("CONTENT_LENGTH"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			r.ContentLength = n
		}
	}
	if r.Path == "" {
		r.Path = "/"
	}
	switch {
	case r.Method == "POST" && r.Path == "/login":
		r.Kind = KindLogin
		return r
	case r.Method == "GET" && r.Path == PasskeyChallengePath:
		r.Kind = KindPasskeyChallenge
		return r
	case r.Method == "POST" && r.Path == PasskeyLoginPath:
		r.Kind = KindPasskeyLogin
		return r
	}
	if id := cookieIdentity(getenv("HTTP_COOKIE")); id != "" {
		if u, _, err := auth.ParseMailboxID(id); err == nil {
			r.Kind = KindUser
			r.Mailbox = id
			r.User = u
		}
	}
	return r
}

// cookieIdentity returns the mailbox id part of the session cookie: the
// text before the first ':' of the first cookie named "postern". It does
// not look at the token; that is proved after the privilege drop.
func cookieIdentity(header string) string {
	id, _, ok := strings.Cut(cookieValue(header, CookieName), ":")
	if !ok {
		return ""
	}
	return id
}

// cookieValue is the value of the first cookie called name in a Cookie
// header, or "".
func cookieValue(header, name string) string {
	const maxHeader = 8192 // longer Cookie headers are not ours
	if len(header) > maxHeader {
		return ""
	}
	for _, part := range strings.Split(header, ";") {
		n, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && n == name {
			return value
		}
	}
	return ""
}

// clientIP normalises REMOTE_ADDR; an unparsable address becomes "".
func clientIP(s string) string {
	ip := net.ParseIP(strings.TrimSpace(s))
	if ip == nil {
		return ""
	}
	return ip.String()
}

// Program is the set of kinds of program a request may run: decided from
// its method and path alone, before anything else of it is read. Each
// kind has its own Landlock rules (sandbox.go); a request of several
// kinds gets the union of their rules. Every other request can execute
// nothing.
type Program uint8

const (
	RunsNothing  Program = 0
	RunsSendmail Program = 1 << iota // the sendmail wrapper and the MTA
	RunsCompiler                     // sievec or maildrop, checking the user's filters
	RunsLearner                      // learn_spam or learn_ham
	RunsGnuPG                        // gpg, gpgsm, their agent and helpers (crypto = yes only)
	RunsHelper                       // postern-helper: passkey ceremonies (webauthn = yes), directory lookups (directory_uri)
)

// Has reports whether p holds every kind of k (and k is not empty).
func (p Program) Has(k Program) bool { return k != 0 && p&k == k }

// String names the kinds of p, for the log.
func (p Program) String() string {
	if p == RunsNothing {
		return "nothing"
	}
	var names []string
	for _, k := range []struct {
		p    Program
		name string
	}{{RunsSendmail, "sendmail"}, {RunsCompiler, "compiler"}, {RunsLearner, "learner"}, {RunsGnuPG, "gnupg"}, {RunsHelper, "helper"}} {
		if p.Has(k.p) {
			names = append(names, k.name)
		}
	}
	return strings.Join(names, "+")
}

// Paths of the requests that run a program; app's routes use the same
// constants.
const (
	SendPath     = "/send"
	FiltersPath  = "/filters"
	VacationPath = "/vacation"
	SpamPath     = "/spam"
	VerifyPath   = "/verify"
	DecryptPath  = "/decrypt"
	ComposePath  = "/compose"

	LogoutPath = "/logout"

	// The Keys page (app/keys.go): the list, and its forms.
	KeysPath         = "/keys"
	KeysImportPath   = "/keys/import"      // a pasted block or an uploaded file
	KeysImportPart   = "/keys/import-part" // an attachment of a message
	KeysExportPath   = "/keys/export"      // a public key as a download
	KeysAttachPath   = "/keys/attach"      // a public key attached to a new message
	KeysDeletePath   = "/keys/delete"      // asks, then deletes a public key
	KeysGeneratePath = "/keys/generate"
	KeysAutocrypt    = "/keys/autocrypt" // the key of a message's Autocrypt header
)

// runs is the table of the requests that may run a program, by method and
// path. GET /msg is not among them: the page that parses every message,
// signed or not, runs nothing; a signature is checked by GET /verify, the
// same page with the checks. POST /send sends (the wrapper) and, with
// crypto on, signs and encrypts the message and stores encrypted drafts
// (GnuPG); POST /compose opens an encrypted draft with the passphrase
// (GET /compose, which opens every other draft, runs nothing).
var runs = map[string]Program{
	"POST " + SendPath:     RunsSendmail | RunsGnuPG,
	"POST " + ComposePath:  RunsGnuPG,
	"POST " + FiltersPath:  RunsCompiler,
	"POST " + VacationPath: RunsCompiler,
	"POST " + SpamPath:     RunsLearner,
	"GET " + VerifyPath:    RunsGnuPG,
	"HEAD " + VerifyPath:   RunsGnuPG,
	"POST " + DecryptPath:  RunsGnuPG,

	"GET " + KeysPath:          RunsGnuPG,
	"HEAD " + KeysPath:         RunsGnuPG,
	"POST " + KeysImportPath:   RunsGnuPG,
	"POST " + KeysImportPart:   RunsGnuPG,
	"GET " + KeysExportPath:    RunsGnuPG,
	"HEAD " + KeysExportPath:   RunsGnuPG,
	"POST " + KeysAttachPath:   RunsGnuPG,
	"POST " + KeysDeletePath:   RunsGnuPG,
	"POST " + KeysGeneratePath: RunsGnuPG,
	"POST " + KeysAutocrypt:    RunsGnuPG,
	// Logout reloads the user's agent when it holds a passphrase
	// remembered for the session (app/remember.go).
	"POST " + LogoutPath: RunsGnuPG,

	// postern-helper checks the browser's answer to a passkey ceremony:
	// a registration (POST /passkey, op=add; the Security page that
	// draws the challenge runs nothing), the second step of a login, a
	// passwordless login (its challenge, GET /passkey-challenge, runs
	// nothing).
	"POST " + PasskeyPath:      RunsHelper,
	"POST " + PasskeyStepPath:  RunsHelper,
	"POST " + PasskeyLoginPath: RunsHelper,
	// It looks up the site's directory (looksUp).
	"GET " + CompletePath:   RunsHelper,
	"HEAD " + CompletePath:  RunsHelper,
	"GET " + DirectoryPath:  RunsHelper,
	"HEAD " + DirectoryPath: RunsHelper,
}

// Runs reports what the request may run: only a request of runs.
func (r *Request) Runs() Program {
	return runs[r.Method+" "+r.Path]
}

// PasskeyStepPath is the second step of a login answered with a passkey
// (a WebAuthn assertion), as /totp-login is with a code; PasskeyPath
// registers and removes passkeys (the Security page's forms).
const (
	PasskeyStepPath = "/passkey-step"
	PasskeyPath     = "/passkey"
)

// isCodeAttempt reports whether a user request submits a second factor,
// a code or a passkey's assertion: the requests the root room holds the
// guard's counters for.
func (r *Request) isCodeAttempt() bool {
	return r.Method == "POST" && (r.Path == "/totp-login" || r.Path == PasskeyStepPath)
}

// DirectoryPath is the site directory's search page; CompletePath
// completes addresses in compose.
const (
	DirectoryPath = "/directory"
	CompletePath  = "/complete"
)

// looksUp is the table of the requests that may look up the site's
// directory (an LDAP server, package directory): completion as the user
// types in compose, and the directory page. The compose page itself does
// not: it never waits for the directory.
var looksUp = map[string]bool{
	"GET " + CompletePath:   true,
	"HEAD " + CompletePath:  true,
	"GET " + DirectoryPath:  true,
	"HEAD " + DirectoryPath: true,
}

// LooksUpDirectory reports whether the request may look up the site's
// directory: only a request of looksUp.
func (r *Request) LooksUpDirectory() bool {
	return looksUp[r.Method+" "+r.Path]
}
