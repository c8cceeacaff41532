package filters

import (
	"fmt"
	"strings"
)

// Summary is the rule in words, for the list of rules: "If From
// contains x and size is over 100 KB: flag, move to A".
func (r *Rule) Summary() string {
	var conds []string
	for _, c := range r.Conditions {
		conds = append(conds, c.words())
	}
	var acts []string
	for _, a := range r.Actions {
		acts = append(acts, a.words())
	}
	join := " and "
	if r.Any {
		join = " or "
	}
	if len(conds) == 0 {
		return "Every message: " + strings.Join(acts, ", ")
	}
	return "If " + strings.Join(conds, join) + ": " + strings.Join(acts, ", ")
}

func (c *Condition) words() string {
	if c.Field == FieldSize {
		return fmt.Sprintf("size is %s %d KB", c.Op, (c.Size+1023)/1024)
	}
	name := map[string]string{FieldFrom: "From", FieldTo: "To", FieldCc: "Cc", FieldSubject: "Subject"}[c.Field]
	if c.Field == FieldHeader {
		name = c.Header
	}
	op := map[string][2]string{
		OpContains: {"contains", "does not contain"},
		OpIs:       {"is", "is not"},
		OpMatches:  {"matches", "does not match"},
	}[c.Op]
	verb := op[0]
	if c.Not {
		verb = op[1]
	}
	return fmt.Sprintf("%s %s %q", name, verb, c.Value)
}

func (a *Action) words() string {
	switch a.Kind {
	case ActMove:
		return "move to " + a.Folder
	case ActCopy:
		return "copy to " + a.Folder
	case ActRead:
		return "mark read"
	case ActFlag:
		return "flag"
	case ActForward:
		if a.Keep {
			return "forward to " + a.Address + " (keep a copy)"
		}
		return "forward to " + a.Address
	case ActDiscard:
		return "delete"
	case ActStop:
		return "stop"
	}
	return a.Kind
}
