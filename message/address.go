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

// splitAddresses splits an address list at top-level commas, outside
// quotes, comments and angle brackets. A group name ("team:") and the
// group end (";") are dropped (RFC 5322 section 3.4).
func splitAddresses(s string) []string {
	var items []string
	var cur strings.Builder
	quote, angle, comment, at := false, false, 0, false
	for i := 0; i < len(s) && len(items) < maxAddresses; i++ {
		c := s[i]
		if c == '@' || c == '<' {
			at = true // an address began: a later ':' is no group name
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
		case c == '"':
			quote = true
		case c == '(':
			comment++
		case c == '<':
			angle = true
		case c == '>':
			angle = false
		case angle:
		case c == ',' || c == ';':
			items = append(items, cur.String())
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
		case c == '"':
			quote = true
		case c == '(':
			comment++
			if comments.Len() > 0 {
				comments.WriteByte(' ')
			}
		case c == '<' && !angle:
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
		default:
			name.WriteByte(c)
		}
	}
	var a Address
	if sawAngle {
		a.Name = name.String()
		a.Addr = addr.String()
		if i := strings.LastIndexByte(a.Addr, ':'); i >= 0 { // obsolete route
			a.Addr = a.Addr[i+1:]
		}
	} else {
		// A comment ("addr (Name)") is not a display name (RFC 5322
		// section 3.4); it is dropped as Python's email package does.
		a.Addr = name.String()
		if !strings.Contains(a.Addr, "@") && strings.Contains(strings.TrimSpace(a.Addr), " ") {
			a.Name, a.Addr = a.Addr, ""
		}
	}
	a.Name = strings.Join(strings.Fields(decodeHeader(a.Name, p)), " ")
	a.Addr = strings.Join(strings.Fields(cleanLine(fallback8bit([]byte(a.Addr)))), " ")
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
