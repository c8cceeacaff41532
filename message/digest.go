package message

import (
	"bytes"
	"io"
	"strings"
)

// Digest is what a search index keeps of a message, read in one walk:
// the list columns, the header fields that thread it, its addresses, its
// body text and the names of its attachments.
type Digest struct {
	// Summary is what Summarize gives for the same bytes when the header,
	// part and depth limits are the defaults: Malformed counts problems
	// of the header and the MIME structure only, not of decoding.
	Summary
	MessageID  string    // without <>
	References []string  // decoded value of each References field
	InReplyTo  []string  // decoded value of each In-Reply-To field
	From       []Address // as View.From
	To, Cc     []Address
	// Text is the body text as Parse(...).BodyText() gives it: the text
	// parts shown, each cut after Limits.MaxTextBytes.
	Text string
	// Attachments are the file names of the parts that have one, in
	// order (View.Attachments with a Filename).
	Attachments []string
}

// ReadDigest reads the message in r for a search index. It reads the
// header and the text parts shown; the bodies of other parts are only
// scanned for the next boundary, never decoded, and links are not looked
// for. It never fails: broken mail gives what could be read.
func ReadDigest(r io.Reader, lim Limits) *Digest {
	var g Digester
	return g.Read(r, lim)
}

// A Digester is ReadDigest for many messages: it keeps its buffers from
// one message to the next (at most one line reader per nesting level and
// one text buffer of Limits.MaxTextBytes). The zero value is ready to
// use; a Digester is not safe for concurrent use.
type Digester struct {
	pool    readerPool
	scratch bytes.Buffer
	bufs    decodeBufs
}

// Read is ReadDigest.
func (g *Digester) Read(r io.Reader, lim Limits) *Digest {
	lim = lim.withDefaults()
	d := &Digest{}
	p := &problems{}
	v := &digester{textStack: newTextStack(), d: d, max: lim.MaxTextBytes, scratch: &g.scratch, bufs: &g.bufs}
	w := &walker{lim: lim, p: p, v: v, pool: &g.pool}
	w.headerSeen = func(h header) { d.header(h, p) }
	_ = w.message(r, "", 0)
	v.close()
	d.Text = bodyText(v.parts())
	d.Malformed = len(p.list) > 0
	return d
}

// header fills the header fields. Only what Summarize reads may add to
// p, so that Malformed is Summarize's.
func (d *Digest) header(h header, p *problems) {
	d.Subject = decodeHeader(h.get("Subject"), p)
	d.From = parseAddressList(h.get("From"), p)
	if len(d.From) > 0 {
		d.Summary.From = d.From[0].ListName()
	}
	if t, ok := parseDate(h.get("Date")); ok {
		d.Date = t
	}
	d.To = parseAddressList(allValues(h, "To"), nil)
	d.Cc = parseAddressList(allValues(h, "Cc"), nil)
	id := cleanLine(h.get("Message-Id"))
	d.MessageID = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">"))
	for _, f := range h {
		switch {
		case strings.EqualFold(f.Name, "References"):
			d.References = append(d.References, decodeHeader(f.Raw, nil))
		case strings.EqualFold(f.Name, "In-Reply-To"):
			d.InReplyTo = append(d.InReplyTo, decodeHeader(f.Raw, nil))
		}
	}
}

// digester is the visitor of ReadDigest.
type digester struct {
	textStack
	d       *Digest
	max     int64
	scratch *bytes.Buffer
	bufs    *decodeBufs
}

func (g *digester) enter(n *node) (bool, error) {
	g.push(n)
	return true, nil
}

func (g *digester) leave(*node) { g.pop() }

func (g *digester) leaf(n *node) (bool, error) {
	if countsAsAttachment(n) {
		g.d.HasAttachment = true
	}
	if name := n.filename(); name != "" {
		g.d.Attachments = append(g.d.Attachments, name)
	}
	if isBodyText(n) {
		// Decoding problems are not Summarize's: nil problems. The part
		// is read whole here, so it may borrow the decoder's buffers.
		n.bufs = g.bufs
		tp, _, image := readTextPart(n, g.max, nil, plainSpans, nil, g.scratch)
		g.add(tp, image, n.guessed)
	}
	return false, nil
}
