package filters

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"postern/maildir"
)

// Maildrop says where the maildrop rules deliver and what they run.
type Maildrop struct {
	Maildir string // the user's Maildir, absolute
	Mailbot string // mailbot(1), absolute; default /usr/bin/mailbot
	// Sendmail is what mailbot hands the reply to, absolute; default
	// /usr/sbin/sendmail. It is run with -t -f "" (recipients from the
	// reply's To, an empty envelope sender: RFC 3834 section 3.3).
	Sendmail string
	// Location is the time zone of the vacation's dates; default
	// time.Local.
	Location *time.Location
}

// Files of the vacation beside filters.json, which the maildrop rules
// name: the text for mailbot -t, the subject read into mailbot -s, the
// database of senders already answered (mailbot -d).
const (
	VacationTextFile    = "vacation.txt"
	VacationSubjectFile = "vacation.subject"
	VacationDBFile      = "vacation.db"
)

// safePath is what a path in a maildrop rule may hold: it is written
// unquoted into the shell command line of mailbot and inside maildrop's
// single-quoted strings. Compiled on first use (see headerName).
var safePath = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^/[A-Za-z0-9_./@+,:%=-]*$`) })

// Maildrop returns the Set as a maildrop filter file (maildropfilter(7)).
// It validates s first, and refuses paths it could not write as they are.
func (s *Set) Maildrop(o Maildrop) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if o.Mailbot == "" {
		o.Mailbot = "/usr/bin/mailbot"
	}
	if o.Sendmail == "" {
		o.Sendmail = "/usr/sbin/sendmail"
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	for _, p := range []string{o.Maildir, o.Mailbot, o.Sendmail} {
		if !safePath().MatchString(p) || strings.Contains(p, "..") {
			return nil, fmt.Errorf("filters: the path %q cannot be written in a maildrop rule (letters, digits and _./@+,:%%=- only)", p)
		}
	}
	var b bytes.Buffer
	b.WriteString(Marker + "\n")
	// maildrop's compiled-in default is the mbox in /var/mail; postern
	// reads the Maildir.
	fmt.Fprintf(&b, "DEFAULT=%s\n", maildropString(o.Maildir+"/"))
	if s.Vacation.Enabled {
		if err := maildropVacation(&b, &s.Vacation, o); err != nil {
			return nil, err
		}
	}
	for i := range s.Rules {
		r := &s.Rules[i]
		if r.Disabled {
			fmt.Fprintf(&b, "\n# rule %d: disabled\n", i+1)
			continue
		}
		fmt.Fprintf(&b, "\n# rule %d\nif (%s)\n{\n", i+1, maildropTest(r))
		lines, err := maildropActions(r, o)
		if err != nil {
			return nil, fmt.Errorf("filters: rule %d: %w", i+1, err)
		}
		for _, l := range lines {
			b.WriteString("    " + l + "\n")
		}
		b.WriteString("}\n")
	}
	return b.Bytes(), nil
}

func maildropVacation(b *bytes.Buffer, v *Vacation, o Maildrop) error {
	dir := filepath.Join(o.Maildir, "postern")
	tests := []string{
		// The envelope sender is FROM (maildrop -f, else Return-Path:,
		// else MAILER-DAEMON); an empty Return-Path gives the user's own
		// name, so the header is tested too.
		`$FROM ne ""`,
		`$FROM ne "MAILER-DAEMON"`,
		`!/^Return-Path: *<>/`,
		`!/^List-Id:/`,
		`!/^Precedence: *(bulk|list|junk)/`,
		`(!/^Auto-Submitted:/ || /^Auto-Submitted: *no *$/)`,
		`!/^X-Spam-Flag: *yes/`,
	}
	day := func(s string, add int) int64 {
		t, _ := time.ParseInLocation(dateLayout, s, o.Location) // checked by Validate
		return t.AddDate(0, 0, add).Unix()
	}
	if v.Start != "" {
		tests = append(tests, fmt.Sprintf("time >= %d", day(v.Start, 0)))
	}
	if v.End != "" {
		tests = append(tests, fmt.Sprintf("time < %d", day(v.End, 1)))
	}
	args := []string{o.Mailbot,
		"-t", filepath.Join(dir, VacationTextFile),
		"-d", filepath.Join(dir, VacationDBFile),
		"-D", fmt.Sprint(v.DaysOrDefault()),
		"-c", "utf-8",
		"-N",
	}
	if v.From != "" {
		args = append(args, `-A "From: <`+v.From+`>"`)
	}
	if v.Subject != "" {
		args = append(args, `-s "$(cat `+filepath.Join(dir, VacationSubjectFile)+`)"`)
	}
	if len(v.Addresses) > 0 {
		// In double quotes: an address may hold '|', '&', '*' or '?'.
		args = append(args, "-r", `"`+strings.Join(v.Addresses, ",")+`"`)
	}
	// mailbot writes the reply's To: from the message's Reply-To or
	// From, and names no recipient on the command line: -t.
	args = append(args, o.Sendmail, "-t", "-f", `""`)
	cmd := "| " + strings.Join(args, " ")
	for _, p := range args {
		if strings.ContainsAny(p, "'\\`$") && !strings.HasPrefix(p, `-s "$(cat `) {
			return errors.New("filters: unexpected character in the mailbot command") // unreachable: paths and addresses are checked
		}
	}
	fmt.Fprintf(b, "\n# vacation\nif (%s)\n{\n    cc %s\n}\n", strings.Join(tests, " && "), maildropString(cmd))
	return nil
}

// VacationFiles returns the files the maildrop vacation reads, by their
// names beside filters.json: the text (mailbot wants flowed text, and
// lines without trailing spaces are fixed lines) and the subject,
// RFC 2047-encoded so that the shell and mailbot see ASCII.
func (v *Vacation) VacationFiles() map[string][]byte {
	text := strings.ReplaceAll(v.Text, "\r\n", "\n")
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		lines = append(lines, strings.TrimRight(l, " "))
	}
	return map[string][]byte{
		VacationTextFile:    []byte(strings.Join(lines, "\n") + "\n"),
		VacationSubjectFile: []byte(mime.QEncoding.Encode("utf-8", v.Subject)),
	}
}

func maildropTest(r *Rule) string {
	var tests []string
	for i := range r.Conditions {
		tests = append(tests, maildropCondition(&r.Conditions[i]))
	}
	switch {
	case len(tests) == 0:
		return "1"
	case r.Any:
		return strings.Join(tests, " || ")
	default:
		return strings.Join(tests, " && ")
	}
}

func maildropCondition(c *Condition) string {
	if c.Field == FieldSize {
		op := ">"
		if c.Op == OpUnder {
			op = "<"
		}
		return fmt.Sprintf("$SIZE %s %d", op, c.Size)
	}
	name := c.Header
	if c.Field != FieldHeader {
		name = map[string]string{FieldFrom: "From", FieldTo: "To", FieldCc: "Cc", FieldSubject: "Subject"}[c.Field]
	}
	var p string
	switch c.Op {
	case OpContains:
		p = "^" + maildropEscape(name) + ":.*" + maildropEscape(c.Value)
	case OpIs:
		p = "^" + maildropEscape(name) + ": *" + maildropEscape(c.Value) + " *$"
	case OpMatches:
		var g strings.Builder
		for _, part := range strings.SplitAfter(c.Value, "") {
			switch part {
			case "*":
				g.WriteString(".*")
			case "?":
				g.WriteString(".")
			default:
				g.WriteString(maildropEscape(part))
			}
		}
		p = "^" + maildropEscape(name) + ": *" + g.String() + " *$"
	}
	t := "/" + p + "/"
	if c.Not {
		t = "!" + t
	}
	return "(" + t + ")"
}

// maildropEscape makes s a literal in a maildrop pattern: every ASCII
// character other than a letter or digit gets a backslash, which PCRE
// reads as that character itself, and which keeps maildrop from ending
// the pattern at '/' or substituting a variable at '$'. Spaces and the
// bytes of multibyte UTF-8 characters are written as they are.
func maildropEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80, c == ' ', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteByte(c)
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return b.String()
}

// maildropString writes s as a single-quoted maildrop literal: no
// variable substitution; backslash and apostrophe escaped by a backslash.
func maildropString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `'`, `\'`)
	return "'" + s + "'"
}

// maildropActions are the statements of rule r, in the order of
// sieveActions. maildrop's to ends the delivery; cc goes on.
func maildropActions(r *Rule, o Maildrop) ([]string, error) {
	var flags, copies, end []string
	stop := false
	folder := func(name string) (string, error) {
		p, err := maildir.FolderPath(o.Maildir, name)
		if err != nil {
			return "", err
		}
		return maildropString(p + "/"), nil
	}
	for _, a := range r.Actions {
		switch a.Kind {
		case ActRead:
			flags = append(flags, `FLAGS="${FLAGS}S"`)
		case ActFlag:
			flags = append(flags, `FLAGS="${FLAGS}F"`)
		case ActCopy:
			f, err := folder(a.Folder)
			if err != nil {
				return nil, err
			}
			copies = append(copies, "cc "+f)
		case ActMove:
			f, err := folder(a.Folder)
			if err != nil {
				return nil, err
			}
			end = append(end, "to "+f)
		case ActForward:
			if a.Keep {
				copies = append(copies, "cc "+maildropString("!"+a.Address))
			} else {
				end = append(end, "to "+maildropString("!"+a.Address))
			}
		case ActDiscard:
			end = append(end, "EXITCODE=0", "exit")
		case ActStop:
			stop = true
		}
	}
	out := append(append(flags, copies...), end...)
	if stop && len(end) == 0 {
		f, err := folder(maildir.Inbox)
		if err != nil {
			return nil, err
		}
		out = append(out, "to "+f)
	}
	return out, nil
}
