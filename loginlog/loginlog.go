package loginlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"postern/internal/lockfile"
	"postern/internal/privfile"
)

// Limits of the history.
const (
	MaxEntries   = 50       // events kept
	MaxBytes     = 64 << 10 // longest history file read
	maxLineBytes = 1024     // longest line parsed
	maxField     = 64       // longest text field kept
)

// Kinds of Entry.
const (
	Login        = "login"
	Failed       = "failed"
	LogoutOthers = "logout-others"
	Password     = "password"
)

// An Entry is one event of the account.
type Entry struct {
	Time    time.Time `json:"t"`
	Kind    string    `json:"k"`
	IP      string    `json:"ip,omitempty"`
	Browser string    `json:"b,omitempty"`
	Factors string    `json:"f,omitempty"` // a Login's factors
	Reason  string    `json:"r,omitempty"` // a Failed's reason
}

// Why is the text of a Failed entry's reason.
func (e Entry) Why() string {
	switch e.Reason {
	case "password":
		return "wrong password"
	case "code":
		return "wrong code"
	case "locked":
		return "locked"
	case "client-cert":
		return "no client certificate"
	case "network":
		return "refused network"
	case "passkey":
		return "wrong passkey"
	case "passkey-cloned":
		return "passkey counter went backwards (a cloned key?)"
	case "passkey-expired":
		return "passkey challenge expired or used"
	}
	return e.Reason
}

// What is the text of the event.
func (e Entry) What() string {
	switch e.Kind {
	case Login:
		return "login"
	case Failed:
		return "failed login"
	case LogoutOthers:
		return "logged out other sessions"
	case Password:
		return "password changed"
	}
	return e.Kind
}

// valid reports whether e can be kept: a known kind, a time, an address
// (or none) and short fields.
func (e Entry) valid() bool {
	switch e.Kind {
	case Login, Failed, LogoutOthers, Password:
	default:
		return false
	}
	if e.Time.IsZero() || len(e.Browser) > maxField || len(e.Factors) > maxField || len(e.Reason) > maxField {
		return false
	}
	if e.IP != "" && e.IP != "-" {
		if _, err := netip.ParseAddr(e.IP); err != nil {
			return false
		}
	}
	return true
}

// Parse reads a history of at most MaxBytes: one JSON Entry per line. A
// line that is not a valid Entry, or longer than maxLineBytes, is
// skipped; the others are kept, oldest first.
func Parse(r io.Reader) []Entry {
	b, _ := io.ReadAll(io.LimitReader(r, MaxBytes))
	var out []Entry
	for _, line := range bytes.Split(b, []byte("\n")) {
		var e Entry
		if len(line) > maxLineBytes || json.Unmarshal(line, &e) != nil || !e.valid() {
			continue
		}
		out = append(out, e)
	}
	return out
}

// clean makes e fit to be kept: an address that does not parse is
// dropped, a text field cut to its limit (at a UTF-8 boundary).
func (e Entry) clean() Entry {
	if a, err := netip.ParseAddr(e.IP); err == nil {
		e.IP = a.Unmap().String()
	} else {
		e.IP = ""
	}
	e.Browser, e.Factors, e.Reason = cut(e.Browser), cut(e.Factors), cut(e.Reason)
	return e
}

func cut(s string) string {
	if len(s) <= maxField {
		return s
	}
	return strings.ToValidUTF8(s[:maxField], "")
}

// Format is the file content of es (the newest MaxEntries valid ones).
func Format(es []Entry) []byte {
	var b bytes.Buffer
	for _, e := range es[max(0, len(es)-MaxEntries):] {
		if !e.valid() {
			continue
		}
		line, _ := json.Marshal(e)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Log is the history in the file Path (postern/loginlog in the Maildir).
type Log struct {
	Path string
}

// Read returns the history, oldest first; a missing file is an empty
// history. A file too large gives the error and no entries.
func (l *Log) Read() ([]Entry, error) {
	b, err := privfile.Read(l.Path, MaxBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("loginlog: %w", err)
	}
	return Parse(bytes.NewReader(b)), nil
}

// Append adds es to the history, under the lock, and keeps the newest
// MaxEntries. It returns the history as it was before, for the notice. An
// unreadable history is replaced.
func (l *Log) Append(es ...Entry) (before []Entry, err error) {
	unlock, err := lockfile.MakeAndLock(l.Path + ".lock")
	if err != nil {
		return nil, fmt.Errorf("loginlog: %w", err)
	}
	defer unlock()
	before, _ = l.Read() // a broken history is started again
	all := append([]Entry(nil), before...)
	for _, e := range es {
		all = append(all, e.clean())
	}
	if err := privfile.WriteAtomicNoSync(l.Path, Format(all)); err != nil {
		return before, fmt.Errorf("loginlog: %w", err)
	}
	return before, nil
}

// Summary is what the notice after a login tells: the previous
// successful login, if any, and the failed attempts after it.
type Summary struct {
	Last   Entry // the previous login; zero Time when there was none
	Failed int   // failed logins since Last (or in the whole history)
}

// Summarize reads the history as it was before a login.
func Summarize(before []Entry) Summary {
	var s Summary
	for _, e := range before {
		switch e.Kind {
		case Login:
			s = Summary{Last: e}
		case Failed:
			s.Failed++
		}
	}
	return s
}

// Text is the notice: "Last login: <time> from <IP>; N failed attempts
// since." ("" for a first login without failures).
func (s Summary) Text() string {
	var t string
	if !s.Last.Time.IsZero() {
		from := s.Last.IP
		if from == "" {
			from = "an unknown address"
		}
		t = "Last login: " + s.Last.Time.Local().Format(time.DateTime) + " from " + from + "; "
		t += attempts(s.Failed) + " since."
	} else if s.Failed > 0 {
		t = "First login recorded; " + attempts(s.Failed) + " before."
	}
	return t
}

func attempts(n int) string {
	if n == 1 {
		return "1 failed attempt"
	}
	return strconv.Itoa(n) + " failed attempts"
}
