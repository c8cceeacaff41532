package message

import (
	"io"
	"strings"
)

// frame collects the text of one multipart while walking: one group per
// part, so that multipart/alternative can choose one.
type frame struct {
	alt    bool
	groups [][]TextPart
}

// viewBuilder is the visitor that fills a View.
type viewBuilder struct {
	v     *View
	lim   Limits
	p     *problems
	stack []*frame
	cids  map[string]bool // Content-IDs referred to by cid: URLs
}

func (b *viewBuilder) top() *frame { return b.stack[len(b.stack)-1] }

func (b *viewBuilder) enter(n *node) (bool, error) {
	b.stack = append(b.stack, &frame{alt: n.typ == "multipart/alternative"})
	return true, nil
}

func (b *viewBuilder) leave(*node) {
	f := b.top()
	b.stack = b.stack[:len(b.stack)-1]
	var texts []TextPart
	if f.alt {
		texts = chooseAlternative(f.groups)
	} else {
		for _, g := range f.groups {
			texts = append(texts, g...)
		}
	}
	b.top().groups = append(b.top().groups, texts)
}

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
	s, truncated, size := readText(n, b.lim.MaxTextBytes, b.p)
	tp := TextPart{Part: n.path, Truncated: truncated}
	if truncated {
		b.p.add("text cut at the size limit")
	}
	if n.typ == "text/html" {
		var cids map[string]bool
		tp.Lines, cids = htmlToLines(s)
		tp.FromHTML = true
		for id := range cids {
			b.cids[id] = true
		}
		b.v.HTMLParts = append(b.v.HTMLParts, n.path)
	} else {
		flowed := strings.EqualFold(n.params["format"], "flowed")
		tp.Lines = textToLines(s, flowed, strings.EqualFold(n.params["delsp"], "yes"))
	}
	f := b.top()
	f.groups = append(f.groups, []TextPart{tp})
	if n.filename() != "" {
		a := attachmentOf(n)
		a.Size = size
		b.v.Attachments = append(b.v.Attachments, a)
	}
	return false, nil
}
