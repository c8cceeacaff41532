package filters

import (
	"errors"
	"strings"
	"testing"
)

// sample is the Set of the golden files: every field, action and
// operator once, and the strings that a generator must keep literal.
func sample() *Set {
	return &Set{
		Rules: []Rule{
			{Name: "lists", Conditions: []Condition{{Field: FieldHeader, Header: "List-Id", Op: OpContains, Value: "debian-devel.lists.debian.org"}},
				Actions: []Action{{Kind: ActMove, Folder: "Lists.Debian"}}},
			{Name: "boss", Any: true, Conditions: []Condition{
				{Field: FieldFrom, Op: OpIs, Value: "boss@example.org"},
				{Field: FieldSubject, Op: OpMatches, Value: `*urgent?* \ "now"`},
			}, Actions: []Action{{Kind: ActFlag}, {Kind: ActCopy, Folder: "Boss"}, {Kind: ActForward, Address: "me@example.net", Keep: true}}},
			{Name: "hostile", Conditions: []Condition{
				{Field: FieldSubject, Op: OpContains, Value: "a \"quote\" \\ ${HOME} `id` $X /x/ (a|b) [c] 50% ü"},
				{Field: FieldTo, Op: OpContains, Not: true, Value: "me@example.org"},
				{Field: FieldSize, Op: OpOver, Size: 100000},
			}, Actions: []Action{{Kind: ActRead}, {Kind: ActMove, Folder: "Junk"}}},
			{Name: "off", Disabled: true, Actions: []Action{{Kind: ActDiscard}}},
			{Conditions: []Condition{{Field: FieldCc, Op: OpContains, Value: "x"}, {Field: FieldSize, Op: OpUnder, Size: 10}},
				Actions: []Action{{Kind: ActForward, Address: "away@example.net"}}},
			{Conditions: []Condition{{Field: FieldHeader, Header: "X-Spam-Flag", Op: OpIs, Value: "YES"}},
				Actions: []Action{{Kind: ActDiscard}}},
			{Actions: []Action{{Kind: ActStop}}},
		},
		Vacation: Vacation{
			Enabled:   true,
			Subject:   `Away: "back" \ ${soon} ` + "`date`",
			Text:      "I am away until Monday.\n\"Quotes\" and \\ stay; ${HOME} too.\r\n.\nBye",
			Start:     "2026-12-20",
			End:       "2027-01-03",
			From:      "me@example.org",
			Addresses: []string{"me@example.org", "me+work@example.org"},
			Days:      3,
		},
	}
}

func TestValidate(t *testing.T) {
	ok := func(r Rule) *Set { return &Set{Rules: []Rule{r}} }
	move := []Action{{Kind: ActMove, Folder: "A"}}
	tests := []struct {
		name string
		set  *Set
		want string // part of the error; "" for valid
	}{
		{"sample", sample(), ""},
		{"empty", &Set{}, ""},
		{"no action", ok(Rule{}), "needs an action"},
		{"newline in value", ok(Rule{Conditions: []Condition{{Field: FieldSubject, Op: OpIs, Value: "a\nb"}}, Actions: move}), "line break"},
		{"CR in value", ok(Rule{Conditions: []Condition{{Field: FieldSubject, Op: OpIs, Value: "a\rBcc: x"}}, Actions: move}), "line break"},
		{"bad utf-8", ok(Rule{Conditions: []Condition{{Field: FieldSubject, Op: OpIs, Value: "\xff"}}, Actions: move}), "UTF-8"},
		{"empty contains", ok(Rule{Conditions: []Condition{{Field: FieldSubject, Op: OpContains}}, Actions: move}), "empty"},
		{"header with colon", ok(Rule{Conditions: []Condition{{Field: FieldHeader, Header: "X-A:", Op: OpIs}}, Actions: move}), "not a header name"},
		{"header with space", ok(Rule{Conditions: []Condition{{Field: FieldHeader, Header: "X A", Op: OpIs}}, Actions: move}), "not a header name"},
		{"unknown field", ok(Rule{Conditions: []Condition{{Field: "body", Op: OpIs}}, Actions: move}), "unknown field"},
		{"size op on header", ok(Rule{Conditions: []Condition{{Field: FieldSubject, Op: OpOver}}, Actions: move}), "contains, is or matches"},
		{"negative size", ok(Rule{Conditions: []Condition{{Field: FieldSize, Op: OpOver, Size: -1}}, Actions: move}), "out of range"},
		{"folder with slash", ok(Rule{Actions: []Action{{Kind: ActMove, Folder: "../x"}}}), "cannot be a folder"},
		{"folder with newline", ok(Rule{Actions: []Action{{Kind: ActCopy, Folder: "a\nb"}}}), "cannot be a folder"},
		{"inbox", ok(Rule{Actions: []Action{{Kind: ActCopy, Folder: "INBOX"}}}), ""},
		// A forward address reaches a sendmail command line.
		{"address with space", ok(Rule{Actions: []Action{{Kind: ActForward, Address: "a b@example.org"}}}), "not an address"},
		{"address option", ok(Rule{Actions: []Action{{Kind: ActForward, Address: "-oQ/tmp@example.org"}}}), "not an address"},
		{"address quote", ok(Rule{Actions: []Action{{Kind: ActForward, Address: `a"@example.org`}}}), "not an address"},
		{"address backtick", ok(Rule{Actions: []Action{{Kind: ActForward, Address: "`id`@example.org"}}}), "not an address"},
		{"address dollar", ok(Rule{Actions: []Action{{Kind: ActForward, Address: "$HOME@example.org"}}}), "not an address"},
		{"two ends", ok(Rule{Actions: []Action{{Kind: ActMove, Folder: "A"}, {Kind: ActDiscard}}}), "only do one"},
		{"end and keep", ok(Rule{Actions: []Action{{Kind: ActMove, Folder: "A"}, {Kind: ActForward, Address: "a@b.org", Keep: true}}}), ""},
		{"unknown action", ok(Rule{Actions: []Action{{Kind: "reject"}}}), "unknown action"},
		{"vacation subject newline", &Set{Vacation: Vacation{Subject: "a\nBcc: x"}}, "line break"},
		{"vacation no text", &Set{Vacation: Vacation{Enabled: true}}, "empty"},
		{"vacation bad date", &Set{Vacation: Vacation{Start: "24.12.2026"}}, "not a date"},
		{"vacation end before start", &Set{Vacation: Vacation{Start: "2026-12-24", End: "2026-12-01"}}, "before"},
		{"vacation days", &Set{Vacation: Vacation{Days: 1000}}, "days"},
		{"vacation address", &Set{Vacation: Vacation{Addresses: []string{"x"}}}, "not an address"},
		{"vacation NUL in text", &Set{Vacation: Vacation{Text: "a\x00b"}}, "UTF-8 text"},
	}
	for _, tt := range tests {
		err := tt.set.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: Validate() = %v, want an error with %q", tt.name, err, tt.want)
		case tt.want != "" && !errors.Is(err, ErrInvalid):
			t.Errorf("%s: Validate() = %v, want ErrInvalid", tt.name, err)
		}
	}
}

func TestSummary(t *testing.T) {
	s := sample()
	tests := []struct {
		r    Rule
		want string
	}{
		{s.Rules[1], `If From is "boss@example.org" or Subject matches "*urgent?* \\ \"now\"": flag, copy to Boss, forward to me@example.net (keep a copy)`},
		{s.Rules[2], `If Subject contains "a \"quote\" \\ ${HOME} ` + "`id`" + ` $X /x/ (a|b) [c] 50% ü" and To does not contain "me@example.org" and size is over 98 KB: mark read, move to Junk`},
		{s.Rules[6], "Every message: stop"},
	}
	for _, tt := range tests {
		if got := tt.r.Summary(); got != tt.want {
			t.Errorf("Summary() = %s, want %s", got, tt.want)
		}
	}
}
