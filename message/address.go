package message

import (
	"net/mail"
	"strings"
	"time"
)

// Address is one mailbox of an address header, decoded.
type Address struct {
	Name string // display name, "" if none
	Addr string // addr-spec as written (local@domain), may be "" or odd in broken mail
}

// String returns "Name <addr>", or the address alone when there is no
// name. It is for display; the name is not quoted.
func (a Address) String() string {
	switch {
	case a.Name == "":
		return a.Addr
	case a.Addr == "":
		return a.Name
	}
	return a.Name + " <" + a.Addr + ">"
}

// maxAddresses bounds the addresses read from one header field.
const maxAddresses = 1000

// Address fields are read by hand, not with net/mail, which refuses much
// of the mail in the wild, and leniently, as Thunderbird and mutt read
// them:
//   - QUIRK: an encoded word is one piece of text wherever it is, also
//     inside a quoted string (RFC 2047 section 5 forbids both), and its
//     encoded text may hold spaces and double quotes, as some mailers
//     write it ("=?utf-8?Q?J=C3=BCrgen "the boss" M?=" <j@x.example>); it
//     only may not hold '<' or '>', which keep the address.
//   - QUIRK: a '"', '(' or '<' that is never closed later in the field is
//     an ordinary character, not the start of a quoted string, comment
//     or address that would swallow the rest.
//   - A mailbox whose comment or quoted string is left open (nested
//     comments, escaped quotes) but that ends in "<addr>" keeps that
//     address; an address-less mailbox whose decoded text is
//     "name <addr>" (a whole mailbox encoded) is read as one.

// lexer holds what is known of a whole field for reading it: where the
// last '"', ')' and '>' are, so that one never closed is text.
type lexer struct {
	s                               string
	lastQuote, lastParen, lastAngle int
}

func newLexer(s string) lexer {
	return lexer{s: s, lastQuote: lastUnescaped(s, '"'),
		lastParen: lastUnescaped(s, ')'), lastAngle: strings.LastIndexByte(s, '>')}
}

// lastUnescaped returns the index of the last c in s not escaped by a
// backslash (a quoted-pair), -1 if none.
func lastUnescaped(s string, c byte) int {
	for i := strings.LastIndexByte(s, c); i >= 0; i = strings.LastIndexByte(s[:i], c) {
		n := 0
		for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return i
		}
	}
	return -1
}

// word returns the length of the encoded word at s[i:] as read inside
// an address field (see above), 0 when there is none.
func (l *lexer) word(i int) int {
	if i+1 >= len(l.s) || l.s[i] != '=' || l.s[i+1] != '?' {
		return 0
	}
	_, n := parseWord(l.s[i:])
	if n == 0 || strings.ContainsAny(l.s[i:i+n], "<>") {
		return 0
	}
	return n
}

// splitAddresses splits an address list at top-level commas, outside
// quotes, comments, angle brackets and encoded words. A group name
// ("team:") and the group end (";") are dropped (RFC 5322 section 3.4).
func splitAddresses(s string) []string {
	var items []string
	var cur strings.Builder
	l := newLexer(s)
	quote, angle, comment, at := false, false, 0, false
	for i := 0; i < len(s) && len(items) < maxAddresses; i++ {
		c := s[i]
		if c == '@' || c == '<' && i < l.lastAngle {
			at = true // an address began: a later ':' is no group name
		}
		if comment == 0 && !angle {
			if n := l.word(i); n > 0 {
				cur.WriteString(s[i : i+n])
				i += n - 1
				continue
			}
		}
		switch {
		case c == '\\' && (quote || comment > 0) && i+1 < len(s):
			cur.WriteByte(c)
			i++
			c = s[i]
		case quote:
			quote = c != '"'
		case comment > 0:
			if c == '(' {
				comment++
			} else if c == ')' {
				comment--
			}
		case c == '"' && i < l.lastQuote:
			quote = true
		case c == '(' && i < l.lastParen:
			comment++
		case c == '<' && i < l.lastAngle:
			angle = true
		case c == '>':
			angle = false
		case angle:
		case c == ',' || c == ';':
			// Empty items do not count against maxAddresses: a run of
			// commas must not push the real address out of the list.
			if strings.TrimSpace(cur.String()) != "" {
				items = append(items, cur.String())
			}
			cur.Reset()
			at = false
			continue
		case c == ':' && !at:
			cur.Reset() // group name
			continue
		}
		cur.WriteByte(c)
	}
	return append(items, cur.String())
}

// parseMailbox reads one "Name <addr>", "addr (Name)" or "addr" leniently.
func parseMailbox(s string, p *problems) Address {
	var name, addr, comments strings.Builder
	l := newLexer(s)
	quote, angle, comment, sawAngle := false, false, 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && (quote || comment > 0) && i+1 < len(s) {
			i++
			c = s[i]
			if comment > 0 {
				comments.WriteByte(c)
			} else {
				name.WriteByte(c)
			}
			continue
		}
		if comment == 0 && !angle {
			if n := l.word(i); n > 0 {
				name.WriteString(s[i : i+n])
				i += n - 1
				continue
			}
		}
		switch {
		case quote:
			if c == '"' {
				quote = false
			} else if angle {
				addr.WriteByte(c)
			} else {
				name.WriteByte(c)
			}
		case comment > 0:
			if c == '(' {
				comment++
			} else if c == ')' {
				comment--
			}
			if comment > 0 {
				comments.WriteByte(c)
			}
		case c == '"' && i < l.lastQuote:
			quote = true
		case c == '(' && i < l.lastParen:
			comment++
			if comments.Len() > 0 {
				comments.WriteByte(' ')
			}
		case c == '<' && !angle && i < l.lastAngle:
			angle, sawAngle = true, true
		case c == '>' && angle:
			angle = false
			if rest := strings.TrimSpace(s[i+1:]); rest != "" {
				// Python's email package and most readers take the first.
				p.add("text after an address ignored")
				i = len(s)
			}
		case angle:
			addr.WriteByte(c)
		case c == '"':
			// A quote never closed: formatting, not text.
		default:
			name.WriteByte(c)
		}
	}
	var a Address
	switch {
	case sawAngle:
		a.Name = decodeName(name.String(), p)
		a.Addr = addr.String()
		if i := strings.LastIndexByte(a.Addr, ':'); i >= 0 { // obsolete route
			a.Addr = a.Addr[i+1:]
		}
	case (comment > 0 || quote) && tailAddr(s) != "":
		// A comment or quote left open swallowed the address.
		t := tailAddr(s)
		a.Addr = t
		a.Name = decodeName(strings.NewReplacer(`"`, "", "(", "", ")", "").Replace(s[:strings.LastIndexByte(s, '<')]), p)
	default:
		// A comment ("addr (Name)") is not a display name (RFC 5322
		// section 3.4); it is dropped as Python's email package does.
		text := name.String()
		if strings.Contains(text, "=?") {
			// Encoded words are no address: a name, or a whole
			// mailbox encoded.
			text = decodeName(text, p)
			if t := tailAddr(text); t != "" {
				a.Addr = t
				a.Name = strings.TrimSpace(text[:strings.LastIndexByte(text, '<')])
				break
			}
			if strings.Contains(text, "@") && !strings.ContainsAny(text, " \t") {
				a.Addr = text
			} else {
				a.Name = text
			}
			break
		}
		a.Addr = text
		if !strings.Contains(a.Addr, "@") && strings.Contains(strings.TrimSpace(a.Addr), " ") {
			a.Name, a.Addr = decodeName(a.Addr, p), ""
		}
	}
	a.Addr = strings.Join(strings.Fields(cleanLine(fallback8bit([]byte(a.Addr)))), " ")
	return a
}

// decodeName decodes a display name: encoded words, raw 8-bit text, runs
// of white space made one space.
func decodeName(s string, p *problems) string {
	return strings.Join(strings.Fields(decodeHeader(s, p)), " ")
}

// tailAddr returns the address of s when s ends with "<local@domain>"
// (an address without white space, quotes, brackets or commas), else "".
func tailAddr(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, ">") {
		return ""
	}
	i := strings.LastIndexByte(s, '<')
	if i < 0 {
		return ""
	}
	a := s[i+1 : len(s)-1]
	at := strings.LastIndexByte(a, '@')
	if at <= 0 || at == len(a)-1 || strings.ContainsAny(a, " \t\"()<>,;[]\\") {
		return ""
	}
	return a
}

// parseAddressList reads an address list leniently: broken entries give
// what can be read of them, empty entries are dropped.
func parseAddressList(raw string, p *problems) []Address {
	var list []Address
	for _, item := range splitAddresses(raw) {
		if strings.TrimSpace(item) == "" {
			continue
		}
		a := parseMailbox(item, p)
		if a.Name == "" && a.Addr == "" {
			continue
		}
		list = append(list, a)
	}
	return list
}

// dateLayouts are tried when net/mail cannot read a Date field.
var dateLayouts = []string{
	"Mon, _2 Jan 2006 15:04:05 -0700",
	"Mon, _2 Jan 2006 15:04:05 MST",
	"_2 Jan 2006 15:04:05 -0700",
	"_2 Jan 2006 15:04:05 MST",
	"Mon, _2 Jan 2006 15:04 -0700",
	"Mon, _2 Jan 06 15:04:05 -0700",
	"Mon, _2 Jan 06 15:04:05 MST",
	"Mon, _2 Jan 2006 15:04:05",
	"_2 Jan 2006 15:04:05",
	"Mon Jan _2 15:04:05 2006",
	"Mon Jan _2 15:04:05 MST 2006",
	"Mon, _2 January 2006 15:04:05 -0700",
	"Mon, 2006-01-02 15:04:05 -0700",
	time.RFC3339,
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
}

// commonDate is the layout of most Date fields (RFC 5322 section 3.3,
// with a numeric zone and no comment).
const commonDate = "Mon, 2 Jan 2006 15:04:05 -0700"

// parseDate reads a Date field (RFC 5322 section 3.3) leniently.
func parseDate(raw string) (time.Time, bool) {
	s := strings.Join(strings.Fields(raw), " ")
	if s == "" {
		return time.Time{}, false
	}
	// Most mail has this form: try it before mail.ParseDate, which tries
	// a dozen layouts first (and allocates an error for each).
	if t, err := time.Parse(commonDate, s); err == nil {
		return t, true
	}
	if t, err := mail.ParseDate(s); err == nil {
		return t, true
	}
	// Drop comments and anything odd after the zone.
	if i := strings.IndexByte(s, '('); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	s = strings.TrimSuffix(s, ".")
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	// A weekday name without the comma, or a long one.
	if i := strings.IndexByte(s, ','); i >= 0 && i < 12 {
		if t, ok := parseDate(strings.TrimSpace(s[i+1:])); ok {
			return t, true
		}
	}
	return time.Time{}, false
}
