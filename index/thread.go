package index

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// maxRefs bounds the message-ids kept of References (the first and the
// last ones are kept, as RFC 5322 section 3.6.4 advises trimming).
const maxRefs = 32

// messageIDs returns the ids in a References or In-Reply-To value, without
// angle brackets. Text outside <...> is ignored, as RFC 5256 asks.
func messageIDs(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			return out
		}
		if id := strings.TrimSpace(s[i+1 : i+j]); id != "" && !strings.ContainsAny(id, " \t<") {
			out = append(out, id)
		}
		s = s[i+j+1:]
	}
}

// baseSubject extracts the base subject (RFC 5256 section 2.1, simplified:
// leading "re:", "fw:", "fwd:" and "[tag]" are removed, then a trailing
// "(fwd)"; white space is collapsed and the result lower-cased). reply
// reports whether a reply or forward marker was removed.
func baseSubject(s string) (base string, reply bool) {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	for {
		t := strings.TrimSuffix(s, "(fwd)")
		t = strings.TrimSpace(t)
		if t == s {
			break
		}
		s, reply = t, true
	}
	for changed := true; changed; {
		changed = false
		if strings.HasPrefix(s, "[") {
			if j := strings.IndexByte(s, ']'); j > 0 && j < len(s)-1 {
				s, changed = strings.TrimSpace(s[j+1:]), true
			}
		}
		for _, p := range []string{"re:", "fwd:", "fw:", "aw:", "sv:", "wg:"} {
			if strings.HasPrefix(s, p) {
				s, changed, reply = strings.TrimSpace(s[len(p):]), true, true
			}
		}
	}
	return s, reply
}

// threadKey picks the thread key of a message being indexed.
func threadKey(w *stmts, d *doc, t todoRow, base string, reply bool) (string, error) {
	var th string
	if len(d.refs) > 0 {
		err := w.st[stThreadByID].QueryRow(d.refs[0]).Scan(&th)
		if err == nil {
			return th, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("index: thread: %w", err)
		}
		return d.refs[0], nil
	}
	if reply && base != "" {
		// Subject fallback, only for a reply without the headers.
		err := w.st[stThreadBySubject].QueryRow(base, t.id).Scan(&th)
		if err == nil {
			return th, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("index: thread: %w", err)
		}
	}
	if d.msgid != "" {
		return d.msgid, nil
	}
	return "k:" + t.folder + "/" + t.key, nil
}

// ThreadInput is one message to thread.
type ThreadInput struct {
	MessageID string   // without <>; "" when missing
	Refs      []string // References then In-Reply-To, oldest first
	Subject   string
	Date      time.Time
	Ref       any // the caller's handle, returned in the Node
}

// Node is one container of a thread tree. Msg is nil for a message that
// is referred to but not present (kept only where it joins siblings).
type Node struct {
	Msg      *ThreadInput
	Children []*Node
	parent   *Node
}

func (n *Node) hasDescendant(m *Node) bool {
	for c := m; c != nil; c = c.parent {
		if c == n {
			return true
		}
	}
	return false
}

func (n *Node) setParent(p *Node) {
	if n.parent != nil {
		ch := n.parent.Children
		if i := slices.Index(ch, n); i >= 0 {
			n.parent.Children = slices.Delete(ch, i, i+1)
		}
	}
	n.parent = p
	if p != nil {
		p.Children = append(p.Children, n)
	}
}

// date is the date of a node: its message's, or its first child's.
func (n *Node) date() time.Time {
	if n.Msg != nil {
		return n.Msg.Date
	}
	var d time.Time
	for _, c := range n.Children {
		if cd := c.date(); d.IsZero() || cd.Before(d) {
			d = cd
		}
	}
	return d
}

// BuildThreads threads msgs by RFC 5256 REFERENCES (section 3): link by
// References/In-Reply-To (step 1), take the root set (2), prune empty
// containers (4), sort by date (5, 6). Step 5's subject grouping is only
// applied to roots without any reference whose subject is a reply: such
// a message joins the earlier root of the same base subject.
func BuildThreads(msgs []ThreadInput) []*Node {
	byID := map[string]*Node{}
	get := func(id string) *Node {
		n := byID[id]
		if n == nil {
			n = &Node{}
			byID[id] = n
		}
		return n
	}
	var all []*Node
	for i := range msgs {
		m := &msgs[i]
		var self *Node
		if m.MessageID != "" && byID[m.MessageID] != nil && byID[m.MessageID].Msg == nil {
			self = byID[m.MessageID]
		} else {
			self = &Node{} // missing or duplicate id: a container of its own
			if m.MessageID != "" && byID[m.MessageID] == nil {
				byID[m.MessageID] = self
			}
		}
		self.Msg = m
		all = append(all, self)
		// 1A: link the references, oldest first, without loops and
		// without moving a container that already has a parent.
		var prev *Node
		for _, r := range m.Refs {
			c := get(r)
			if prev != nil && c.parent == nil && c != prev && !c.hasDescendant(prev) {
				c.setParent(prev)
			}
			prev = c
		}
		// 1C: the last reference is the parent; a truncated References
		// elsewhere may have set another one, which this replaces.
		if prev != nil && prev != self && !self.hasDescendant(prev) {
			self.setParent(prev)
		} else if prev == nil && self.parent != nil {
			self.setParent(nil)
		}
	}
	// 2: the root set.
	seen := map[*Node]bool{}
	var roots []*Node
	add := func(n *Node) {
		for n.parent != nil {
			n = n.parent
		}
		if !seen[n] {
			seen[n] = true
			roots = append(roots, n)
		}
	}
	for _, n := range all {
		add(n)
	}
	// 4: prune containers without a message.
	roots = prune(roots, true)
	sortNodes(roots)
	// 5 (restricted): a reply with no references joins the first root of
	// its base subject.
	first := map[string]*Node{}
	out := roots[:0]
	for _, r := range roots {
		if r.Msg != nil && len(r.Msg.Refs) == 0 {
			base, reply := baseSubject(r.Msg.Subject)
			if t := first[base]; t != nil && reply && base != "" {
				r.setParent(t)
				sortNodes(t.Children)
				continue
			}
		}
		if r.Msg != nil {
			if base, _ := baseSubject(r.Msg.Subject); base != "" && first[base] == nil {
				first[base] = r
			}
		}
		out = append(out, r)
	}
	return out
}

// prune removes empty containers: a childless one disappears, one with
// children gives them to its parent (at the root only when it has one
// child, RFC 5256 step 4B).
func prune(nodes []*Node, root bool) []*Node {
	var out []*Node
	for _, n := range nodes {
		n.Children = prune(n.Children, false)
		for _, c := range n.Children {
			c.parent = n
		}
		if n.Msg != nil {
			out = append(out, n)
			continue
		}
		if len(n.Children) == 0 {
			continue
		}
		if root && len(n.Children) > 1 {
			out = append(out, n)
			continue
		}
		for _, c := range n.Children {
			c.parent = nil
			if !root {
				c.parent = n.parent
			}
		}
		out = append(out, n.Children...)
	}
	return out
}

func sortNodes(nodes []*Node) {
	slices.SortStableFunc(nodes, func(a, b *Node) int { return a.date().Compare(b.date()) })
	for _, n := range nodes {
		sortNodes(n.Children)
	}
}

// Flat is one message of a thread in reading order with its depth.
type Flat struct {
	Msg   *ThreadInput
	Depth int
}

// Flatten lists a thread top to bottom, depth first.
func Flatten(roots []*Node) []Flat {
	var out []Flat
	var walk func(n *Node, depth int)
	walk = func(n *Node, depth int) {
		if n.Msg != nil {
			out = append(out, Flat{Msg: n.Msg, Depth: depth})
			depth++
		}
		for _, c := range n.Children {
			walk(c, depth)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return out
}
