package filters

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Marker is the first line of every script this package writes; Install
// overwrites no file that does not start with it.
const Marker = "# Written by postern from postern/filters.json: change the rules on postern's Filters page, edits here are lost."

// Sieve returns the Set as a Sieve script (RFC 5228 and the extensions in
// the package doc). It validates s first.
func (s *Set) Sieve() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	var body bytes.Buffer
	need := map[string]bool{}
	if v := &s.Vacation; v.Enabled {
		sieveVacation(&body, v, need)
	}
	for i := range s.Rules {
		r := &s.Rules[i]
		if r.Disabled {
			fmt.Fprintf(&body, "\n# rule %d: disabled\n", i+1)
			continue
		}
		fmt.Fprintf(&body, "\n# rule %d\nif %s {\n", i+1, sieveTest(r, need))
		for _, line := range sieveActions(r, need) {
			body.WriteString("    " + line + "\n")
		}
		body.WriteString("}\n")
	}
	var out bytes.Buffer
	out.WriteString(Marker + "\n")
	if len(need) > 0 {
		var ext []string
		for e := range need {
			ext = append(ext, sieveQuote(e))
		}
		sort.Strings(ext)
		fmt.Fprintf(&out, "require [%s];\n", strings.Join(ext, ", "))
	}
	out.Write(body.Bytes())
	return out.Bytes(), nil
}

// sieveVacation writes the vacation with its RFC 3834 guards: Pigeonhole
// has the same ones built in, but a script that says them does not
// depend on the interpreter's settings.
func sieveVacation(b *bytes.Buffer, v *Vacation, need map[string]bool) {
	need["vacation"] = true
	need["envelope"] = true
	tests := []string{
		`not exists "list-id"`,
		`not header :contains "precedence" ["bulk", "list", "junk"]`,
		`anyof (not exists "auto-submitted", header :is "auto-submitted" "no")`,
		`not header :is "x-spam-flag" "yes"`,
		`not envelope :is "from" ""`,
	}
	if v.Start != "" || v.End != "" {
		need["date"] = true
		need["relational"] = true
	}
	if v.Start != "" {
		tests = append(tests, `currentdate :value "ge" "date" `+sieveQuote(v.Start))
	}
	if v.End != "" {
		tests = append(tests, `currentdate :value "le" "date" `+sieveQuote(v.End))
	}
	b.WriteString("\n# vacation\nif allof (" + strings.Join(tests, ",\n          ") + ") {\n")
	args := []string{"vacation", ":days " + strconv.Itoa(v.DaysOrDefault())}
	if v.Subject != "" {
		args = append(args, ":subject "+sieveQuote(v.Subject))
	}
	if v.From != "" {
		args = append(args, ":from "+sieveQuote(v.From))
	}
	if len(v.Addresses) > 0 {
		args = append(args, ":addresses "+sieveList(v.Addresses))
	}
	args = append(args, sieveQuote(v.Text))
	b.WriteString("    " + strings.Join(args, " ") + ";\n}\n")
}

// sieveTest is the test of rule r.
func sieveTest(r *Rule, need map[string]bool) string {
	var tests []string
	for i := range r.Conditions {
		tests = append(tests, sieveCondition(&r.Conditions[i]))
	}
	switch {
	case len(tests) == 0:
		return "true"
	case len(tests) == 1:
		return tests[0]
	case r.Any:
		return "anyof (" + strings.Join(tests, ", ") + ")"
	default:
		return "allof (" + strings.Join(tests, ", ") + ")"
	}
}

func sieveCondition(c *Condition) string {
	var t string
	switch c.Field {
	case FieldSize:
		return fmt.Sprintf("size :%s %d", c.Op, c.Size)
	case FieldHeader:
		t = "header :" + c.Op + " " + sieveQuote(strings.ToLower(c.Header)) + " "
	default:
		t = "header :" + c.Op + " " + sieveQuote(c.Field) + " "
	}
	v := c.Value
	if c.Op == OpMatches {
		// RFC 5228 2.7.1: in :matches, '\' escapes the next character;
		// the user's '*' and '?' stay wildcards.
		v = strings.ReplaceAll(v, `\`, `\\`)
	}
	t += sieveQuote(v)
	if c.Not {
		t = "not " + t
	}
	return t
}

// sieveActions are the commands of rule r: flags, then the copies, then
// the one that ends the message's path, then stop.
func sieveActions(r *Rule, need map[string]bool) []string {
	var flags, copies, end []string
	stop := false
	for _, a := range r.Actions {
		switch a.Kind {
		case ActRead:
			need["imap4flags"] = true
			flags = append(flags, `addflag "\\Seen";`)
		case ActFlag:
			need["imap4flags"] = true
			flags = append(flags, `addflag "\\Flagged";`)
		case ActCopy:
			need["fileinto"], need["copy"], need["mailbox"] = true, true, true
			copies = append(copies, "fileinto :copy :create "+sieveQuote(a.Folder)+";")
		case ActMove:
			need["fileinto"], need["mailbox"] = true, true
			end = append(end, "fileinto :create "+sieveQuote(a.Folder)+";")
			stop = true
		case ActForward:
			if a.Keep {
				need["copy"] = true
				copies = append(copies, "redirect :copy "+sieveQuote(a.Address)+";")
			} else {
				end = append(end, "redirect "+sieveQuote(a.Address)+";")
				stop = true
			}
		case ActDiscard:
			end = append(end, "discard;")
			stop = true
		case ActStop:
			stop = true
		}
	}
	out := append(append(flags, copies...), end...)
	if stop {
		out = append(out, "stop;")
	}
	return out
}

// sieveQuote writes s as a Sieve quoted string (RFC 5228 2.4.2): '"' and
// '\' escaped, everything else as it is.
func sieveQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

func sieveList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = sieveQuote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
