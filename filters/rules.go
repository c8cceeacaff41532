package filters

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"postern/maildir"
)

// Limits of a Set, checked by Validate.
const (
	MaxRules      = 200      // rules in a Set
	MaxConditions = 20       // conditions in a rule
	MaxActions    = 10       // actions in a rule
	MaxValueBytes = 500      // a condition's text, a rule's name
	MaxTextBytes  = 16 << 10 // the vacation text
	MaxAddresses  = 20       // the vacation's own addresses
	MaxDays       = 365      // the vacation's days between replies
	MaxFileBytes  = 1 << 20  // filters.json
	MaxSize       = 1 << 40  // a size condition, in bytes
	DefaultDays   = 7        // days between two replies to one sender
	dateLayout    = "2006-01-02"
)

// Fields a condition tests.
const (
	FieldFrom    = "from"
	FieldTo      = "to"
	FieldCc      = "cc"
	FieldSubject = "subject"
	FieldHeader  = "header" // the header named by Condition.Header
	FieldSize    = "size"
)

// Operators of a condition: the first three for headers, the last two
// for the size.
const (
	OpContains = "contains"
	OpIs       = "is"
	OpMatches  = "matches" // '*' any text, '?' one character
	OpOver     = "over"
	OpUnder    = "under"
)

// Kinds of action.
const (
	ActMove    = "move"    // to Folder, then stop
	ActCopy    = "copy"    // to Folder too
	ActRead    = "read"    // \Seen
	ActFlag    = "flag"    // \Flagged
	ActForward = "forward" // to Address; Keep a copy or stop
	ActDiscard = "discard" // then stop
	ActStop    = "stop"    // keep in the Inbox, no later rule
)

// Condition is one test of a rule.
type Condition struct {
	Field  string `json:"field"`
	Header string `json:"header,omitempty"` // FieldHeader: its name
	Op     string `json:"op"`
	Not    bool   `json:"not,omitempty"` // does not contain / is not / does not match
	Value  string `json:"value,omitempty"`
	Size   int64  `json:"size,omitempty"` // FieldSize: bytes
}

// Action is one thing a rule does.
type Action struct {
	Kind    string `json:"kind"`
	Folder  string `json:"folder,omitempty"`  // move, copy: a display name or INBOX
	Address string `json:"address,omitempty"` // forward
	Keep    bool   `json:"keep,omitempty"`    // forward: keep a copy and go on
}

// Rule is "if all/any of Conditions then Actions".
type Rule struct {
	Name       string      `json:"name,omitempty"`
	Disabled   bool        `json:"disabled,omitempty"`
	Any        bool        `json:"any,omitempty"` // any condition, not all
	Conditions []Condition `json:"conditions,omitempty"`
	Actions    []Action    `json:"actions"`
}

// Vacation is the auto-reply.
type Vacation struct {
	Enabled   bool     `json:"enabled,omitempty"`
	Subject   string   `json:"subject,omitempty"`
	Text      string   `json:"text,omitempty"`
	Start     string   `json:"start,omitempty"` // YYYY-MM-DD, first day, or ""
	End       string   `json:"end,omitempty"`   // YYYY-MM-DD, last day, or ""
	From      string   `json:"from,omitempty"`  // the reply's From address, or "" for the delivery agent's choice
	Addresses []string `json:"addresses,omitempty"`
	Days      int      `json:"days,omitempty"` // 0 means DefaultDays
}

// Set is everything in filters.json.
type Set struct {
	Rules    []Rule   `json:"rules"`
	Vacation Vacation `json:"vacation"`
}

// ErrInvalid is wrapped by every error of Validate.
var ErrInvalid = errors.New("invalid")

// ValueError is a Set that Validate refuses: which rule (1-based, 0 for
// the vacation) and why, in words for the user.
type ValueError struct {
	Rule int
	Msg  string
}

func (e *ValueError) Error() string {
	if e.Rule == 0 {
		return "filters: vacation: " + e.Msg
	}
	return fmt.Sprintf("filters: rule %d: %s", e.Rule, e.Msg)
}

func (e *ValueError) Unwrap() error { return ErrInvalid }

// DaysOrDefault is v.Days, or DefaultDays when unset.
func (v *Vacation) DaysOrDefault() int {
	if v.Days <= 0 {
		return DefaultDays
	}
	return v.Days
}

// Validate checks everything that a generator writes, so that both
// languages can write it as literals; the first problem is a *ValueError.
func (s *Set) Validate() error {
	if len(s.Rules) > MaxRules {
		return &ValueError{Rule: len(s.Rules), Msg: fmt.Sprintf("at most %d rules", MaxRules)}
	}
	for i := range s.Rules {
		if msg := s.Rules[i].check(); msg != "" {
			return &ValueError{Rule: i + 1, Msg: msg}
		}
	}
	if msg := s.Vacation.check(); msg != "" {
		return &ValueError{Msg: msg}
	}
	return nil
}

func (r *Rule) check() string {
	if msg := text("the name", r.Name, MaxValueBytes); msg != "" {
		return msg
	}
	if len(r.Conditions) > MaxConditions {
		return fmt.Sprintf("at most %d conditions", MaxConditions)
	}
	for _, c := range r.Conditions {
		if msg := c.check(); msg != "" {
			return msg
		}
	}
	if len(r.Actions) == 0 {
		return "a rule needs an action"
	}
	if len(r.Actions) > MaxActions {
		return fmt.Sprintf("at most %d actions", MaxActions)
	}
	ends := 0
	for _, a := range r.Actions {
		if msg := a.check(); msg != "" {
			return msg
		}
		if a.ends() {
			ends++
		}
	}
	if ends > 1 {
		return "a rule can only do one of: move, discard, forward without keeping a copy"
	}
	return ""
}

func (c *Condition) check() string {
	switch c.Field {
	case FieldSize:
		if c.Op != OpOver && c.Op != OpUnder {
			return "a size is tested with over or under"
		}
		if c.Size < 0 || c.Size > MaxSize {
			return "the size is out of range"
		}
		return ""
	case FieldHeader:
		if !headerName().MatchString(c.Header) {
			return fmt.Sprintf("%q is not a header name (letters, digits and - only, at most 76)", c.Header)
		}
	case FieldFrom, FieldTo, FieldCc, FieldSubject:
	default:
		return fmt.Sprintf("unknown field %q", c.Field)
	}
	switch c.Op {
	case OpContains, OpIs, OpMatches:
	default:
		return fmt.Sprintf("a header is tested with contains, is or matches, not %q", c.Op)
	}
	if c.Value == "" && c.Op == OpContains {
		return "the text to look for is empty"
	}
	return text("the text to look for", c.Value, MaxValueBytes)
}

// headerName is what this package accepts as a header's name: RFC 5322's
// ftext without ':' narrowed to the characters real headers use, so that
// it needs no escaping in a maildrop pattern beyond '-'. Compiled on
// first use, as the two below: every request of the CGI links this
// package, few use it, and compiling address's bounded repetitions at
// start-up cost every request 2,100 allocations and a tenth of its page
// faults (bench/abcgi.py).
var headerName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,75}$`)
})

// address is the forward and vacation address form accepted: a plain
// local@domain with no quoting, comments or spaces, nothing a shell or a
// sendmail command line would read as more than an address.
var address = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9!#%&*+=?^_{|}~.-]{1,64}@[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$`)
})

func (a *Action) ends() bool {
	return a.Kind == ActMove || a.Kind == ActDiscard || (a.Kind == ActForward && !a.Keep)
}

func (a *Action) check() string {
	switch a.Kind {
	case ActMove, ActCopy:
		if a.Folder == maildir.Inbox {
			return ""
		}
		if err := maildir.ValidFolderName(a.Folder); err != nil {
			return fmt.Sprintf("%q cannot be a folder name", a.Folder)
		}
	case ActForward:
		if !validAddress(a.Address) {
			return fmt.Sprintf("%q is not an address of the form name@example.org", a.Address)
		}
	case ActRead, ActFlag, ActDiscard, ActStop:
	default:
		return fmt.Sprintf("unknown action %q", a.Kind)
	}
	return ""
}

func validAddress(s string) bool {
	return address().MatchString(s) && !strings.HasPrefix(s, "-") && !strings.Contains(s, "..")
}

func (v *Vacation) check() string {
	if msg := text("the subject", v.Subject, MaxValueBytes); msg != "" {
		return msg
	}
	if len(v.Text) > MaxTextBytes {
		return fmt.Sprintf("the text is longer than %d bytes", MaxTextBytes)
	}
	if !utf8.ValidString(v.Text) || strings.ContainsRune(v.Text, 0) {
		return "the text is not valid UTF-8 text"
	}
	if v.Enabled && strings.TrimSpace(v.Text) == "" {
		return "the text of the reply is empty"
	}
	var start, end time.Time
	var err error
	if v.Start != "" {
		if start, err = time.Parse(dateLayout, v.Start); err != nil {
			return fmt.Sprintf("the start date %q is not a date like 2026-12-24", v.Start)
		}
	}
	if v.End != "" {
		if end, err = time.Parse(dateLayout, v.End); err != nil {
			return fmt.Sprintf("the end date %q is not a date like 2026-12-24", v.End)
		}
	}
	if v.Start != "" && v.End != "" && end.Before(start) {
		return "the end date is before the start date"
	}
	if v.From != "" && !validAddress(v.From) {
		return fmt.Sprintf("%q is not an address of the form name@example.org", v.From)
	}
	if len(v.Addresses) > MaxAddresses {
		return fmt.Sprintf("at most %d addresses", MaxAddresses)
	}
	for _, a := range v.Addresses {
		if !validAddress(a) {
			return fmt.Sprintf("%q is not an address of the form name@example.org", a)
		}
	}
	if v.Days < 0 || v.Days > MaxDays {
		return fmt.Sprintf("the days between replies must be 1 to %d", MaxDays)
	}
	return ""
}

// text checks a one-line string: UTF-8, no control character, at most max
// bytes.
func text(what, s string, max int) string {
	if len(s) > max {
		return fmt.Sprintf("%s is longer than %d bytes", what, max)
	}
	if !utf8.ValidString(s) {
		return what + " is not valid UTF-8"
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return what + " cannot contain a line break or a control character"
		}
	}
	return ""
}

// Folders are the folders the enabled rules move or copy to, each once.
func (s *Set) Folders() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range s.Rules {
		if r.Disabled {
			continue
		}
		for _, a := range r.Actions {
			if (a.Kind == ActMove || a.Kind == ActCopy) && !seen[a.Folder] {
				seen[a.Folder] = true
				out = append(out, a.Folder)
			}
		}
	}
	return out
}
