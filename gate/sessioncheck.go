package gate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"postern/privdrop"
	"postern/privdrop/rtenv"
)

// The session proof of a root-room request. pamPassword must call
// pam_chauthtok as root, before the drop, yet the root room parses
// nothing of the user's, and sessions live in the user's Maildir. So it
// asks the program itself: it runs /proc/self/exe as an ordinary request,
// POST /session-check with the request's cookie, address and CSRF token,
// and changes the password only on the answer 204. The child goes through
// the whole root room like any request (caller check, lookup, drop,
// Landlock) and proves the session as the user.
//
// The endpoint adds no trust: any client can ask it, and learns only
// whether its own cookie and token are good. It is a POST so that the
// token travels in a body, never in a URL, and so that app.route applies
// the same same-origin and CSRF checks as to every form.

// SessionCheckPath is the endpoint the child is asked; the app answers
// it (its handler is the whole check).
const SessionCheckPath = "/session-check"

// checkTimeout bounds the child's run; a slower child is killed and the
// session counts as not proved.
const checkTimeout = 10 * time.Second

// maxCheckOutput bounds what is read of the child's answer: a 204 with
// the security headers is about 700 bytes; more is refused unread.
const maxCheckOutput = 4096

// checkStatusLine is the first line of the only answer accepted, as
// httpcgi writes it.
const checkStatusLine = "Status: 204 No Content\r\n"

// selfExe is the running program's file. The kernel resolves the link to
// the file this process was started from (its inode, held while we run),
// not to a path: replacing or removing the installed binary between our
// start and the exec changes nothing, and the file cannot be written while
// it runs (ETXTBSY). So the child is this program, setuid as we were.
// Without /proc the exec fails, and the session counts as not proved.
const selfExe = "/proc/self/exe"

// errNotProved is every refusal of the child, wrapped with the detail.
var errNotProved = errors.New("session not proved")

// proveInChild runs the program as POST /session-check for the current
// request with csrf as the form's token, telling a child that is not
// setuid to read cfgPath. nil means 204: the caller holds a full session
// bound to this address, and the token is its own.
func proveInChild(csrf, cfgPath string) error {
	body := url.Values{"csrf": {csrf}}.Encode()
	cmd := &exec.Cmd{
		Path:   selfExe,
		Args:   []string{"postern"},
		Env:    checkEnv(os.Environ(), len(body), cfgPath),
		Dir:    "/",
		Stderr: os.Stderr,
	}
	return runCheck(cmd, []byte(body), checkTimeout)
}

// checkEnv is the child's environment: the request's CGI variables (the
// allowlist of privdrop.CleanEnv: cookie, address, Host, Origin and
// Sec-Fetch headers, HTTPS, SSL_CLIENT_*, SCRIPT_NAME, SERVER_*) with the
// method, path, query and body of POST /session-check in place of the
// request's, and POSTERN_CONFIG naming the file this run read (a setuid
// child ignores it and reads config.Path, the same file).
func checkEnv(environ []string, contentLength int, cfgPath string) []string {
	replaced := map[string]bool{
		"REQUEST_METHOD": true, "PATH_INFO": true, "PATH_TRANSLATED": true,
		"QUERY_STRING": true, "REQUEST_URI": true, "CONTENT_TYPE": true,
		"CONTENT_LENGTH": true, "POSTERN_CONFIG": true,
	}
	var out []string
	script := ""
	for _, kv := range privdrop.CleanEnv(environ) {
		name, value, _ := strings.Cut(kv, "=")
		if name == "SCRIPT_NAME" {
			script = value
		}
		if !replaced[name] {
			out = append(out, kv)
		}
	}
	out = append(out,
		"REQUEST_METHOD=POST",
		"PATH_INFO="+SessionCheckPath,
		"QUERY_STRING=",
		"REQUEST_URI="+script+SessionCheckPath,
		"CONTENT_TYPE=application/x-www-form-urlencoded",
		"CONTENT_LENGTH="+strconv.Itoa(contentLength),
	)
	if cfgPath != "" {
		out = append(out, "POSTERN_CONFIG="+cfgPath)
	}
	return out
}

// runCheck starts cmd with body on its standard input and judges its
// answer (checkAnswer) and exit status. It reads at most maxCheckOutput+1
// bytes for at most timeout, then kills the child. Every descriptor is an
// *os.File, so os/exec starts no goroutine while we are root.
func runCheck(cmd *exec.Cmd, body []byte, timeout time.Duration) error {
	inR, inW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("session check: %w", err)
	}
	defer inR.Close()
	_, err = inW.Write(body) // at most config.LoginMaxBytes: fits the pipe
	inW.Close()
	if err != nil {
		return fmt.Errorf("session check: writing the form: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("session check: %w", err)
	}
	defer outR.Close()
	cmd.Stdin, cmd.Stdout = inR, outW
	err = rtenv.Start(cmd)
	outW.Close()
	if err != nil {
		return fmt.Errorf("session check: %w: %v", errNotProved, err)
	}
	var out []byte
	rerr := outR.SetReadDeadline(time.Now().Add(timeout)) // no deadline, no read
	if rerr == nil {
		out, rerr = io.ReadAll(io.LimitReader(outR, maxCheckOutput+1))
	}
	if rerr != nil || len(out) > maxCheckOutput {
		cmd.Process.Kill()
	}
	werr := cmd.Wait()
	switch {
	case rerr != nil:
		return fmt.Errorf("session check: %w: reading the answer: %v", errNotProved, rerr)
	case len(out) > maxCheckOutput:
		return fmt.Errorf("session check: %w: answer longer than %d bytes", errNotProved, maxCheckOutput)
	case werr != nil:
		return fmt.Errorf("session check: %w: %v", errNotProved, werr)
	}
	return checkAnswer(out)
}

// checkAnswer accepts exactly a CGI answer whose first line is
// checkStatusLine.
func checkAnswer(out []byte) error {
	if !bytes.HasPrefix(out, []byte(checkStatusLine)) {
		first, _, _ := bytes.Cut(out, []byte("\n"))
		if len(first) > 80 {
			first = first[:80]
		}
		return fmt.Errorf("session check: %w: answer %q", errNotProved, first)
	}
	return nil
}
