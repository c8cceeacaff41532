package shadow

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits on reading the shadow file.
const (
	MaxLineBytes = 4096     // longer lines are skipped, never matched
	MaxFileBytes = 16 << 20 // bytes read at most
)

// errNotFound means the shadow file has no entry for the user.
var errNotFound = errors.New("shadow: no entry")

// Entry is one line of shadow(5). Numeric fields are days (dates are days
// since 1970-01-01 UTC); an empty numeric field is -1.
type Entry struct {
	Name       string
	Hash       string // the encrypted password, field 2
	LastChange int    // field 3: date of the last password change; 0 means "must change"
	MinAge     int    // field 4
	MaxAge     int    // field 5: days the password stays valid after LastChange
	Warn       int    // field 6
	Inactive   int    // field 7: days after MaxAge during which a change is still allowed
	Expire     int    // field 8: date the account expires
}

// ParseEntry parses one shadow(5) line (without its line ending). It needs
// the 9 colon-separated fields; numeric fields must be empty or decimal.
func ParseEntry(line string) (*Entry, error) {
	f := strings.Split(line, ":")
	if len(f) != 9 {
		return nil, fmt.Errorf("shadow: %d fields, want 9", len(f))
	}
	e := &Entry{Name: f[0], Hash: f[1]}
	if e.Name == "" {
		return nil, errors.New("shadow: empty user name")
	}
	nums := []*int{&e.LastChange, &e.MinAge, &e.MaxAge, &e.Warn, &e.Inactive, &e.Expire}
	for i, p := range nums {
		s := f[2+i]
		if s == "" {
			*p = -1
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || s[0] == '+' {
			return nil, fmt.Errorf("shadow: field %d of %q: %q is not a day count", 3+i, e.Name, s)
		}
		*p = n
	}
	return e, nil
}

// FindEntry reads a shadow(5) file from r and returns the entry of user.
// Blank lines, comments ('#'), lines longer than MaxLineBytes and NIS
// compat lines ('+', '-') are skipped; a line ending may be "\n" or "\r\n".
// The first line whose name field is user decides: if it is malformed, the
// error says so (a broken entry is never skipped in favour of a later one).
// No entry gives an error wrapping errNotFound.
func FindEntry(r io.Reader, user string) (*Entry, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, MaxFileBytes), MaxLineBytes)
	prefix := []byte(user + ":")
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// Too long: skip the rest of the line.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("shadow: read: %v", err)
			}
			continue
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("shadow: read: %v", err)
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		if len(line) > 0 && (line[0] == '#' || line[0] == '+' || line[0] == '-') {
			// Comment or NIS compat line.
		} else if bytes.HasPrefix(line, prefix) {
			e, perr := ParseEntry(string(line))
			if perr != nil {
				return nil, fmt.Errorf("shadow: entry of %q: %w", user, perr)
			}
			return e, nil
		}
		if err == io.EOF {
			break
		}
	}
	return nil, fmt.Errorf("%w for %q", errNotFound, user)
}
