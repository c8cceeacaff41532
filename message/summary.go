package message

import (
	"io"
	"time"
)

// Summary is what the message list shows.
type Summary struct {
	Date          time.Time // zero when missing or unreadable
	From          string    // the first From address as a list shows it (Address.ListName; SenderWarning reads it)
	Subject       string
	HasAttachment bool
	Malformed     bool // a problem was met in the header or the MIME structure
}

// summarizer is the visitor of Summarize: it reads part headers only.
type summarizer struct {
	s *Summary
}

func (z *summarizer) enter(*node) (bool, error) { return true, nil }
func (z *summarizer) leave(*node)               {}

func (z *summarizer) leaf(n *node) (bool, error) {
	if countsAsAttachment(n) {
		z.s.HasAttachment = true
	}
	return false, nil
}

// countsAsAttachment tells from its header whether a part is an
// attachment for the message list: Content-Disposition: attachment, a
// file name on a part neither inline nor with a Content-ID, or opaque
// data. Signatures and report control parts do not count.
func countsAsAttachment(n *node) bool {
	switch n.typ {
	case "application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature",
		"application/pgp-encrypted", "message/delivery-status", "message/global-delivery-status",
		"message/disposition-notification", "message/feedback-report", "text/rfc822-headers":
		return false
	case "application/octet-stream", "application/ms-tnef":
		return true
	}
	if n.disp == "attachment" {
		return true
	}
	return n.filename() != "" && n.disp != "inline" && n.contentID() == ""
}

// Summarize reads the header and walks the MIME structure without
// decoding bodies.
func Summarize(r io.Reader) Summary {
	var s Summary
	lim := DefaultLimits
	p := &problems{}
	w := &walker{lim: lim, p: p, v: &summarizer{s: &s}}
	w.headerSeen = func(h header) {
		s.Subject = decodeHeader(h.get("Subject"), p)
		if from := parseAddressList(h.get("From"), p); len(from) > 0 {
			s.From = from[0].ListName()
		}
		if t, ok := parseDate(h.get("Date")); ok {
			s.Date = t
		}
	}
	_ = w.message(r, "", 0)
	s.Malformed = len(p.list) > 0
	return s
}
