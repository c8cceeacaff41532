package message

import (
	"io"
	"strings"
	"time"
)

// Span is a run of text; URL is set for links found in it: http://,
// https://, mailto: and www. (whose URL gets "http://").
type Span struct {
	Text string
	URL  string
}

// Line is one line of shown text. Quote is the quote depth (the count of
// '>' marks, which are removed from the Spans). A format=flowed paragraph
// is one Line.
type Line struct {
	Quote int
	Spans []Span
}

// TextPart is one text part as shown.
type TextPart struct {
	Part      string // part path
	Lines     []Line
	FromHTML  bool // text/html shown as text
	Truncated bool // longer than Limits.MaxTextBytes; the rest is not shown
}

// Attachment describes a part offered for download or viewing.
type Attachment struct {
	Part        string // part path, IMAP style: "1", "2.1", "2.3.1"
	Filename    string // decoded (RFC 2047 and RFC 2231), "" if none
	ContentType string // lower-case media type, e.g. "application/pdf"
	// Size is the decoded size in bytes in a View (the part is decoded
	// while walking); OpenPart does not know it and sets -1.
	Size      int64
	ContentID string // without <>
	Inline    bool   // an image referred to by cid: from an HTML part, or a Content-Disposition: inline image
	InHTML    bool   // referred to by cid: from an HTML part (shown in it when the HTML is)
	IsMessage bool   // message/rfc822 (viewable as a message)
}

// HeaderField is one header field for "all headers" display.
type HeaderField struct {
	Name  string
	Value string // decoded, one line
}

// View is a message as shown.
type View struct {
	Subject   string
	From      []Address
	To        []Address
	Cc        []Address
	ReplyTo   []Address
	Date      time.Time // zero when missing or unreadable
	DateRaw   string
	MessageID string // without <>

	Headers []HeaderField // every field, decoded, in order

	// Text is the body as text: every text part shown, in order (inline
	// text/plain and text/html, the latter rendered as text), except that
	// a multipart/alternative shows one of its parts: the first with
	// text/plain that is not blank, else the last with any text.
	Text []TextPart
	// Body is the body for a reader that shows HTML: every text part
	// shown, in order, each in its own place, except that a
	// multipart/alternative shows one of its parts: the last (the
	// richest, RFC 2046 section 5.1.4) with something to see, text or an
	// image, so that an empty HTML alternative never hides a text one. A
	// part with FromHTML is meant to be shown as sanitized HTML (ReadHTML
	// of its Part); its Lines are its text for a reader without HTML. An
	// HTML part with nothing to see is left out.
	Body []TextPart
	// HTMLParts lists the part paths of the text/html parts met as body
	// text, in Text and Body or in an alternative not chosen.
	HTMLParts   []string
	Attachments []Attachment
	Problems    []string // what was malformed, short and human-readable
}

// BodyText returns the shown body as plain text: lines joined with "\n",
// quoted lines prefixed with their '>' marks, parts separated by a blank
// line.
func (v *View) BodyText() string { return bodyText(v.Text) }

// bodyText joins text parts as BodyText does.
func bodyText(parts []TextPart) string {
	size := 0
	for _, tp := range parts {
		size += 2
		for _, l := range tp.Lines {
			size += 2 + l.Quote
			for _, s := range l.Spans {
				size += len(s.Text)
			}
		}
	}
	var b strings.Builder
	b.Grow(size)
	for i, tp := range parts {
		if i > 0 {
			b.WriteString("\n\n")
		}
		for j, l := range tp.Lines {
			if j > 0 {
				b.WriteByte('\n')
			}
			if l.Quote > 0 {
				b.WriteString(strings.Repeat(">", l.Quote))
				if len(l.Spans) > 0 {
					b.WriteByte(' ')
				}
			}
			for _, s := range l.Spans {
				b.WriteString(s.Text)
			}
		}
	}
	return b.String()
}

// Parse reads a whole message and returns what can be shown of it,
// with the problems met. It never returns nil.
func Parse(r io.Reader, lim Limits) *View {
	return parseView(r, "", lim)
}

// parseView parses the message in r whose part paths start with prefix.
func parseView(r io.Reader, prefix string, lim Limits) *View {
	lim = lim.withDefaults()
	v := &View{}
	p := &problems{}
	b := &viewBuilder{textStack: newTextStack(), v: v, lim: lim, p: p, cids: map[string]bool{}}
	w := &walker{lim: lim, p: p, v: b, headerSeen: b.header}
	_ = w.message(r, prefix, 0)
	b.close()
	v.Text = b.parts()
	v.Body = b.richParts()
	for i := range v.Attachments {
		a := &v.Attachments[i]
		if a.ContentID != "" && b.cids[a.ContentID] {
			a.InHTML = true
			a.Inline = a.Inline || strings.HasPrefix(a.ContentType, "image/")
		}
	}
	v.Problems = p.list
	return v
}

// header fills the header fields of the View from the message header.
func (b *viewBuilder) header(h header) {
	v, p := b.v, b.p
	for _, f := range h {
		v.Headers = append(v.Headers, HeaderField{Name: cleanLine(f.Name), Value: decodeHeader(f.Raw, p)})
	}
	v.Subject = decodeHeader(h.get("Subject"), p)
	v.From = parseAddressList(h.get("From"), p)
	if len(v.From) == 0 {
		p.add("no From")
	}
	v.To = parseAddressList(allValues(h, "To"), p)
	v.Cc = parseAddressList(allValues(h, "Cc"), p)
	v.ReplyTo = parseAddressList(h.get("Reply-To"), p)
	v.DateRaw = decodeHeader(h.get("Date"), p)
	if v.DateRaw == "" {
		p.add("no Date")
	} else if t, ok := parseDate(v.DateRaw); ok {
		v.Date = t
	} else {
		p.add("unreadable Date")
	}
	id := cleanLine(h.get("Message-Id"))
	v.MessageID = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">"))
}

// allValues joins every value of a field that may repeat.
func allValues(h header, name string) string {
	var vals []string
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			vals = append(vals, f.Raw)
		}
	}
	return strings.Join(vals, ",")
}
