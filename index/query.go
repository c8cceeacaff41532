package index

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Query limits: a longer query is cut, extra terms are dropped.
const (
	MaxQueryBytes = 1024
	MaxTerms      = 32
)

// Term is one word or quoted phrase of a query.
type Term struct {
	Field  string // "" (every field), "from", "to" (To and Cc), "subject"
	Text   string // as typed, without quotes
	Phrase bool   // was quoted
	Prefix bool   // ended in '*': matches words starting with Text
	Neg    bool   // -word: messages containing it are left out
}

// Query is a parsed search.
type Query struct {
	Terms         []Term
	Folder        string // folder:, "" for all
	HasAttachment bool
	Unread, Read  bool
	Flagged       bool
	Before, After time.Time // before: is exclusive, after: inclusive; zero when unset
}

// Empty reports whether the query selects nothing by itself (no positive
// term and no filter): such a search shows no results.
func (q Query) Empty() bool {
	for _, t := range q.Terms {
		if !t.Neg {
			return false
		}
	}
	return !q.HasAttachment && !q.Unread && !q.Read && !q.Flagged && q.Before.IsZero() && q.After.IsZero()
}

// ParseQuery reads a search as typed in the search box. It never fails:
// an operator it does not know, or with a bad value, is searched as a
// word. Words are separated by white space; "..." makes a phrase (an
// unclosed quote runs to the end); a leading '-' excludes; from:, to:,
// subject: apply to the next word or phrase; dates are YYYY-MM-DD (UTC).
func ParseQuery(s string) Query {
	if len(s) > MaxQueryBytes {
		s = s[:MaxQueryBytes]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	s = strings.ToValidUTF8(s, " ")
	// Control characters (NUL ends an SQLite string) separate words.
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	var q Query
	for len(q.Terms) < MaxTerms {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			break
		}
		var t Term
		if s[0] == '-' && len(s) > 1 && !unicode.IsSpace(rune(s[1])) {
			t.Neg, s = true, s[1:]
		}
		// An operator is a known name and a colon at the start of a word.
		if name, rest, ok := operator(s); ok {
			switch name {
			case "from", "to", "subject":
				t.Field, s = name, rest
			default:
				word, after := nextWord(rest)
				if q.apply(name, word, t.Neg) {
					s = after
					continue
				}
			}
		}
		if strings.HasPrefix(s, `"`) {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				t.Text, s = s[1:], ""
			} else {
				t.Text, s = s[1:1+end], s[2+end:]
			}
			t.Phrase = true
		} else {
			t.Text, s = nextWord(s)
			if strings.HasSuffix(t.Text, "*") {
				t.Text, t.Prefix = strings.TrimRight(t.Text, "*"), true
			}
		}
		if hasWordChar(t.Text) {
			q.Terms = append(q.Terms, t)
		}
	}
	return q
}

var operators = []string{"from", "to", "subject", "has", "is", "before", "after", "folder"}

// operator splits "name:rest" for a known operator name (any case).
func operator(s string) (name, rest string, ok bool) {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return "", "", false
	}
	name = strings.ToLower(s[:i])
	for _, o := range operators {
		if o == name {
			return name, s[i+1:], true
		}
	}
	return "", "", false
}

// nextWord returns the text up to the next white space (a quoted value
// for folder: keeps its spaces).
func nextWord(s string) (word, rest string) {
	if strings.HasPrefix(s, `"`) {
		if end := strings.IndexByte(s[1:], '"'); end >= 0 {
			return s[1 : 1+end], s[2+end:]
		}
	}
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// apply sets a filter operator; false when the value is not understood.
func (q *Query) apply(name, v string, neg bool) bool {
	lv := strings.ToLower(v)
	switch name {
	case "has":
		if lv == "attachment" || lv == "attachments" {
			q.HasAttachment = !neg
			return !neg
		}
	case "is":
		switch lv {
		case "unread":
			if neg {
				q.Read = true
			} else {
				q.Unread = true
			}
			return true
		case "read", "seen":
			if neg {
				q.Unread = true
			} else {
				q.Read = true
			}
			return true
		case "flagged", "starred":
			q.Flagged = !neg
			return !neg
		}
	case "before", "after":
		d, err := time.Parse("2006-01-02", v)
		if err != nil || neg {
			return false
		}
		if name == "before" {
			q.Before = d
		} else {
			q.After = d
		}
		return true
	case "folder":
		if v != "" && !neg {
			q.Folder = v
			return true
		}
	}
	return false
}

func hasWordChar(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// match returns the FTS5 expression of the positive terms, "" if none.
func (q Query) match() string {
	var parts []string
	for _, t := range q.Terms {
		if !t.Neg {
			parts = append(parts, t.fts())
		}
	}
	return strings.Join(parts, " AND ")
}

// fts writes a term as an FTS5 expression: always a quoted string (so
// that no user text is FTS5 syntax), with a column filter for a field.
func (t Term) fts() string {
	s := `"` + strings.ReplaceAll(t.Text, `"`, `""`) + `"`
	if t.Prefix {
		s += " *"
	}
	switch t.Field {
	case "from":
		return "sender : " + s
	case "to":
		return "rcpt : " + s
	case "subject":
		return "subject : " + s
	}
	return s
}
