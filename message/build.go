package message

import (
	"bytes"
	"io"
	"strings"
)

// shown is the text of some parts as one view shows it, with what the
// choice of a multipart/alternative needs to know of it.
type shown struct {
	parts   []TextPart
	own     bool // a non-blank part that is not text/html
	visible bool // something to see: text, or an image of an HTML part shown as HTML
	guessed bool // only parts whose Content-Type was missing or unreadable (text/plain by default)
}

// join appends the parts of s to t.
func (t *shown) join(s shown) {
	if len(t.parts) == 0 {
		t.guessed = s.guessed
	} else if len(s.parts) > 0 {
		t.guessed = t.guessed && s.guessed
	}
	t.parts = append(t.parts, s.parts...)
	t.own = t.own || s.own
	t.visible = t.visible || s.visible
}

// group is the text of one part of a multipart as the two views show it:
// plain (View.Text: HTML as text, plain text preferred) and rich
// (View.Body: HTML as HTML, the richest representation preferred).
type group struct {
	plain, rich shown
}

// frame collects the text of one multipart while walking: one group per
// part, so that multipart/alternative can choose one.
type frame struct {
	alt    bool
	groups []group
}

// textStack collects the text parts of a walk, one frame per multipart
// entered.
type textStack struct {
	stack []*frame
}

func newTextStack() textStack { return textStack{stack: []*frame{{}}} }

func (s *textStack) top() *frame { return s.stack[len(s.stack)-1] }

// push opens the frame of multipart n.
func (s *textStack) push(n *node) {
	s.stack = append(s.stack, &frame{alt: n.typ == "multipart/alternative"})
}

// pop closes the top frame: its text (for multipart/alternative, the
// chosen part's, chosen apart for each view) becomes one group of the
// frame below. Every other multipart shows all its parts in order.
func (s *textStack) pop() {
	f := s.top()
	s.stack = s.stack[:len(s.stack)-1]
	var g group
	if f.alt {
		g = group{plain: choosePlain(f.groups), rich: chooseRich(f.groups)}
	} else {
		for _, p := range f.groups {
			g.plain.join(p.plain)
			g.rich.join(p.rich)
		}
	}
	s.top().groups = append(s.top().groups, g)
}

// add adds one text part to the top frame. image tells that the part is
// HTML that shows an image (an HTML part with neither text nor image is
// left out of the rich view: it would show an empty frame); guessed that
// its type is text/plain only because its Content-Type was missing or
// unreadable.
func (s *textStack) add(tp TextPart, image, guessed bool) {
	nonBlank := !blank(tp.Lines)
	g := group{plain: shown{parts: []TextPart{tp}, own: nonBlank && !tp.FromHTML, visible: nonBlank, guessed: guessed}}
	g.rich = g.plain
	if tp.FromHTML {
		g.rich.visible = nonBlank || image
		if !g.rich.visible {
			g.rich.parts = nil
		}
	}
	f := s.top()
	f.groups = append(f.groups, g)
}

// close closes the frames a stopped walk left open.
func (s *textStack) close() {
	for len(s.stack) > 1 {
		s.pop()
	}
}

// parts returns the text parts of the plain view, in order, after close.
func (s *textStack) parts() []TextPart {
	var out []TextPart
	for _, g := range s.stack[0].groups {
		out = append(out, g.plain.parts...)
	}
	return out
}

// richParts returns the text parts of the rich view, in order, after
// close.
func (s *textStack) richParts() []TextPart {
	var out []TextPart
	for _, g := range s.stack[0].groups {
		out = append(out, g.rich.parts...)
	}
	return out
}

// viewBuilder is the visitor that fills a View.
type viewBuilder struct {
	textStack
	v    *View
	lim  Limits
	p    *problems
	cids map[string]bool // Content-IDs referred to by cid: URLs
}

func (b *viewBuilder) enter(n *node) (bool, error) {
	b.push(n)
	return true, nil
}

func (b *viewBuilder) leave(*node) { b.pop() }

// choosePlain picks the representation of a multipart/alternative shown
// as text: the first with text of its own (not HTML), else the last (the
// richest, RFC 2046 section 5.1.4) with any text, else the first with any
// part.
func choosePlain(groups []group) shown {
	for _, g := range groups {
		if g.plain.own {
			return g.plain
		}
	}
	for i := len(groups) - 1; i >= 0; i-- {
		if groups[i].plain.visible {
			return groups[i].plain
		}
	}
	for _, g := range groups {
		if len(g.plain.parts) > 0 {
			return g.plain
		}
	}
	return shown{}
}

// chooseRich picks the representation of a multipart/alternative shown
// with HTML: the last (the richest, RFC 2046 section 5.1.4) with
// something to see, so that an empty HTML alternative does not hide a
// full text one, and whose type is known (a part without a readable
// Content-Type is taken only when no other will do); else the first with
// any part.
func chooseRich(groups []group) shown {
	for i := len(groups) - 1; i >= 0; i-- {
		if groups[i].rich.visible && !groups[i].rich.guessed {
			return groups[i].rich
		}
	}
	for i := len(groups) - 1; i >= 0; i-- {
		if groups[i].rich.visible {
			return groups[i].rich
		}
	}
	for _, g := range groups {
		if len(g.rich.parts) > 0 {
			return g.rich
		}
	}
	return shown{}
}

// blank reports whether lines hold only white space.
func blank(lines []Line) bool {
	for _, l := range lines {
		for _, s := range l.Spans {
			if strings.TrimSpace(s.Text) != "" {
				return false
			}
		}
	}
	return true
}

// isBodyText reports whether n is text to show in the body.
func isBodyText(n *node) bool {
	return (n.typ == "text/plain" || n.typ == "text/html") && n.disp != "attachment"
}

// attachmentOf describes n; size is filled in by the caller.
func attachmentOf(n *node) Attachment {
	return Attachment{
		Part:        n.path,
		Filename:    n.filename(),
		ContentType: n.typ,
		ContentID:   n.contentID(),
		Inline:      strings.HasPrefix(n.typ, "image/") && n.disp == "inline",
		IsMessage:   n.isMessage(),
	}
}

func (b *viewBuilder) leaf(n *node) (bool, error) {
	if !isBodyText(n) {
		a := attachmentOf(n)
		size, err := io.Copy(io.Discard, n.decoded(b.p))
		if err != nil {
			b.p.add("body read error")
		}
		a.Size = size
		b.v.Attachments = append(b.v.Attachments, a)
		return false, nil
	}
	tp, size, image := readTextPart(n, b.lim.MaxTextBytes, b.p, linkify, b.cids, nil)
	if tp.FromHTML {
		b.v.HTMLParts = append(b.v.HTMLParts, n.path)
	}
	b.add(tp, image, n.guessed)
	if n.filename() != "" {
		a := attachmentOf(n)
		a.Size = size
		b.v.Attachments = append(b.v.Attachments, a)
	}
	return false, nil
}

// readTextPart reads the text leaf n as shown: transfer and charset
// decoded, cut after max bytes, split into Lines (format=flowed joined),
// text/html rendered as text. spans makes the Spans of a run of text
// (linkify, or plainSpans when links do not matter). The Content-IDs an
// HTML part refers to are added to cids, if not nil. size is the decoded
// size; image is set for HTML that shows an image; scratch is as for
// readText.
func readTextPart(n *node, max int64, p *problems, spans func(string) []Span, cids map[string]bool, scratch *bytes.Buffer) (tp TextPart, size int64, image bool) {
	s, truncated, size := readText(n, max, p, scratch)
	tp = TextPart{Part: n.path, Truncated: truncated}
	if truncated {
		p.add("text cut at the size limit")
	}
	if n.typ == "text/html" {
		var ids map[string]bool
		tp.Lines, ids, image = htmlToLines(s, spans)
		tp.FromHTML = true
		for id := range ids {
			if cids != nil {
				cids[id] = true
			}
		}
		return tp, size, image
	}
	flowed := strings.EqualFold(n.params["format"], "flowed")
	tp.Lines = textToLines(s, flowed, strings.EqualFold(n.params["delsp"], "yes"), spans)
	return tp, size, false
}
