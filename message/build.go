package message

import (
	"bytes"
	"io"
	"strings"
)

// frame collects the text of one multipart while walking: one group per
// part, so that multipart/alternative can choose one.
type frame struct {
	alt    bool
	groups [][]TextPart
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
// chosen part's) becomes one group of the frame below.
func (s *textStack) pop() {
	f := s.top()
	s.stack = s.stack[:len(s.stack)-1]
	var texts []TextPart
	if f.alt {
		texts = chooseAlternative(f.groups)
	} else {
		for _, g := range f.groups {
			texts = append(texts, g...)
		}
	}
	s.top().groups = append(s.top().groups, texts)
}

// add adds one text part to the top frame.
func (s *textStack) add(tp TextPart) {
	f := s.top()
	f.groups = append(f.groups, []TextPart{tp})
}

// parts closes the frames a stopped walk left open and returns the text
// parts shown, in order.
func (s *textStack) parts() []TextPart {
	for len(s.stack) > 1 {
		s.pop()
	}
	var out []TextPart
	for _, g := range s.stack[0].groups {
		out = append(out, g...)
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

// chooseAlternative picks the first group with non-blank plain text,
// else the first with any text.
func chooseAlternative(groups [][]TextPart) []TextPart {
	for _, g := range groups {
		for _, tp := range g {
			if !tp.FromHTML && !blank(tp.Lines) {
				return g
			}
		}
	}
	for _, g := range groups {
		if len(g) > 0 {
			return g
		}
	}
	return nil
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
	tp, size := readTextPart(n, b.lim.MaxTextBytes, b.p, linkify, b.cids, nil)
	if tp.FromHTML {
		b.v.HTMLParts = append(b.v.HTMLParts, n.path)
	}
	b.add(tp)
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
// HTML part refers to are added to cids, if not nil. size is the decoded size;
// scratch is as for readText.
func readTextPart(n *node, max int64, p *problems, spans func(string) []Span, cids map[string]bool, scratch *bytes.Buffer) (tp TextPart, size int64) {
	s, truncated, size := readText(n, max, p, scratch)
	tp = TextPart{Part: n.path, Truncated: truncated}
	if truncated {
		p.add("text cut at the size limit")
	}
	if n.typ == "text/html" {
		var ids map[string]bool
		tp.Lines, ids = htmlToLines(s, spans)
		tp.FromHTML = true
		for id := range ids {
			if cids != nil {
				cids[id] = true
			}
		}
		return tp, size
	}
	flowed := strings.EqualFold(n.params["format"], "flowed")
	tp.Lines = textToLines(s, flowed, strings.EqualFold(n.params["delsp"], "yes"), spans)
	return tp, size
}
