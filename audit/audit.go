// Package audit writes postern's security events to syslog, facility
// authpriv, one line per event, for the administrator and for fail2ban.
//
// # Line format
//
// The message of every line is
//
//	EVENT ip=ADDRESS user="NAME" reason="TEXT"
//
// EVENT is one of the Event constants (two words, e.g. "login failed").
// ADDRESS is the client's address as net/netip prints it, or "-" when the
// web server gave none; it comes before anything the client chose, so a
// fail2ban filter anchored on "ip=<HOST> " cannot be fooled by a user name.
// NAME and TEXT are quoted with strconv.Quote (no raw control characters,
// quotes or newlines can reach the log); reason is left out when empty.
//
// The message goes to the local syslog socket (normally /dev/log) as an
// RFC 3164 datagram in the form syslog daemons expect from local programs,
// the same form log/syslog writes:
//
//	<PRI>Mmm dd hh:mm:ss postern[PID]: MESSAGE
//
// with PRI = authpriv (10) * 8 + severity: notice for failures and refusals,
// info for the rest. Dial connects a datagram socket and reads nothing, so
// it may run before the privilege drop; the connection stays usable after
// it. When the socket cannot be reached, lines go to the fallback writer
// (the web server's error log) with the same message, so no event is lost.
package audit

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// Event names one kind of audit line.
type Event string

// The events postern logs.
const (
	LoginOK         Event = "login ok"         // password (and second factor) accepted
	LoginFailed     Event = "login failed"     // wrong user name, password or second factor
	LoginLocked     Event = "login locked"     // refused by the brute-force guard
	LoginRefused    Event = "login refused"    // not over HTTPS, no client certificate, network not allowed
	LoginPending    Event = "login pending"    // password accepted, second factor asked
	Logout          Event = "logout ok"        // the user logged out
	SessionRefused  Event = "session refused"  // bad token, IP changed, timed out, network not allowed
	SessionEnded    Event = "session ended"    // the user ended another of their sessions
	PasswordChanged Event = "password changed" // the user changed the password
	PasswordFailed  Event = "password failed"  // a password change was refused
	TOTPEnabled     Event = "totp enabled"     // second factor enrolled
	TOTPDisabled    Event = "totp disabled"    // second factor removed
	RecoveryUsed    Event = "recovery used"    // a recovery code replaced the TOTP code
	PasskeyAdded    Event = "passkey added"    // a passkey or security key was registered
	PasskeyRemoved  Event = "passkey removed"  // one was removed
)

// Syslog facility and severities (RFC 5424 section 6.2.1).
const (
	facilityAuthpriv = 10
	severityNotice   = 5
	severityInfo     = 6
)

// Tag is the program name in every line.
const Tag = "postern"

// MaxFieldBytes bounds the user and reason fields before quoting.
const MaxFieldBytes = 200

// Logger writes audit lines. The zero value writes to os.Stderr.
type Logger struct {
	conn     net.Conn
	dialErr  error     // why conn is nil, told with the first fallback line
	Fallback io.Writer // where lines go when syslog fails (nil: os.Stderr)
	Now      func() time.Time
}

// Dial connects to the syslog datagram socket at path. On error the
// returned Logger still works and writes to Fallback.
func Dial(path string) (*Logger, error) {
	l := &Logger{}
	c, err := net.Dial("unixgram", path)
	if err != nil {
		l.dialErr = fmt.Errorf("audit: syslog socket %s: %w", path, err)
		return l, l.dialErr
	}
	l.conn = c
	return l, nil
}

// Log writes one event.
func (l *Logger) Log(ev Event, ip, user, reason string) {
	msg := Format(ev, ip, user, reason)
	if l != nil && l.conn != nil {
		now := time.Now
		if l.Now != nil {
			now = l.Now
		}
		pri := facilityAuthpriv*8 + Severity(ev)
		line := fmt.Sprintf("<%d>%s %s[%d]: %s", pri, now().Format(time.Stamp), Tag, os.Getpid(), msg)
		if _, err := l.conn.Write([]byte(line)); err == nil {
			return
		}
	}
	var w io.Writer = os.Stderr
	if l != nil && l.Fallback != nil {
		w = l.Fallback
	}
	if l != nil && l.dialErr != nil {
		fmt.Fprintf(w, "%s: %v (audit lines follow here)\n", Tag, l.dialErr)
		l.dialErr = nil
	}
	fmt.Fprintf(w, "%s: audit: %s\n", Tag, msg)
}

// Severity is notice for failures and refusals, info otherwise.
func Severity(ev Event) int {
	switch ev {
	case LoginFailed, LoginLocked, LoginRefused, SessionRefused, PasswordFailed:
		return severityNotice
	}
	return severityInfo
}

// Format is the message of an audit line (see the package comment).
func Format(ev Event, ip, user, reason string) string {
	var b strings.Builder
	b.WriteString(string(ev))
	b.WriteString(" ip=")
	if a, err := netip.ParseAddr(ip); err == nil {
		b.WriteString(a.String())
	} else {
		b.WriteString("-")
	}
	b.WriteString(" user=")
	b.WriteString(strconv.Quote(cut(user)))
	if reason != "" {
		b.WriteString(" reason=")
		b.WriteString(strconv.Quote(cut(reason)))
	}
	return b.String()
}

// cut returns at most MaxFieldBytes of s.
func cut(s string) string {
	if len(s) > MaxFieldBytes {
		return s[:MaxFieldBytes]
	}
	return s
}

// Close closes the syslog connection.
func (l *Logger) Close() error {
	if l == nil || l.conn == nil {
		return nil
	}
	return l.conn.Close()
}
