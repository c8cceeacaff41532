package compose

import (
	"net/mail"
	"path/filepath"
	"strings"

	"postern/message"
)

// replyPrefixes are the reply markers removed before "Re: " is added:
// English, German (Aw), Scandinavian (Sv), each optionally with a count
// ("Re[2]:").
var replyPrefixes = []string{"re", "aw", "sv"}

// ReplyDraft starts a reply to orig. The reply goes to Reply-To, else
// From; when every one of those is the user's own (self holds the
// user's addresses), to the original To instead. With all, the original
// To and Cc become Cc, without the user's own addresses and without
// repeats. The subject gets one "Re: ", the text part is quoted with
// "> " under an attribution line, In-Reply-To is the original's
// Message-ID and References its References (or In-Reply-To) plus that
// id. From is left for the caller (the chosen identity).
func ReplyDraft(orig *message.View, self []string, all bool) *Draft {
	mine := map[string]bool{}
	for _, a := range self {
		mine[addrKey(a)] = true
	}
	seen := map[string]bool{}
	pick := func(lists ...[]message.Address) []*mail.Address {
		var out []*mail.Address
		for _, l := range lists {
			for _, a := range l {
				k := addrKey(a.Addr)
				if !strings.Contains(a.Addr, "@") || mine[k] || seen[k] {
					continue
				}
				seen[k] = true
				out = append(out, &mail.Address{Name: a.Name, Address: a.Addr})
			}
		}
		return out
	}
	target := orig.ReplyTo
	if len(target) == 0 {
		target = orig.From
	}
	fromSelf := len(target) > 0
	for _, a := range target {
		fromSelf = fromSelf && mine[addrKey(a.Addr)]
	}
	d := &Draft{Subject: replySubject(orig.Subject)}
	if fromSelf {
		to := pick(orig.To)
		if len(to) == 0 { // a note to oneself
			mine = nil
			to = pick(target)
		}
		d.To = formatList(to)
		if all {
			d.Cc = formatList(pick(orig.Cc))
		}
	} else {
		d.To = formatList(pick(target))
		if all {
			d.Cc = formatList(pick(orig.To, orig.Cc))
		}
	}
	if validID(orig.MessageID) {
		d.InReplyTo = orig.MessageID
	}
	d.References = replyReferences(orig)
	d.Body = "\n\n" + attribution(orig) + "\n" + quote(orig)
	return d
}

// ReplyQuoting is ReplyDraft with text quoted instead of orig's own text
// parts: the decrypted text of an encrypted message, which ReplyDraft
// never quotes (its View holds none), quoted only when the user asks.
func ReplyQuoting(orig *message.View, self []string, all bool, text string) *Draft {
	d := ReplyDraft(orig, self, all)
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), "\n"), "\n") {
		if strings.HasPrefix(l, ">") {
			b.WriteString(">" + l + "\n")
		} else if l == "" {
			b.WriteString(">\n")
		} else {
			b.WriteString("> " + l + "\n")
		}
	}
	d.Body = "\n\n" + attribution(orig) + "\n" + b.String()
	return d
}

// replySubject removes reply markers and adds one "Re: ".
func replySubject(s string) string {
	s = strings.TrimSpace(s)
	for {
		t := stripPrefix(s, replyPrefixes)
		if t == s {
			break
		}
		s = t
	}
	return "Re: " + s
}

// stripPrefix removes one "p:" or "p[n]:" (any case) from s.
func stripPrefix(s string, prefixes []string) string {
	for _, p := range prefixes {
		if len(s) < len(p) || !strings.EqualFold(s[:len(p)], p) {
			continue
		}
		rest := s[len(p):]
		if strings.HasPrefix(rest, "[") {
			if i := strings.IndexByte(rest, ']'); i > 0 && strings.Trim(rest[1:i], "0123456789") == "" {
				rest = rest[i+1:]
			}
		}
		if strings.HasPrefix(rest, ":") {
			return strings.TrimSpace(rest[1:])
		}
	}
	return s
}

// header returns the decoded value of the first field named name.
func header(v *message.View, name string) string {
	for _, f := range v.Headers {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// msgIDs reads the "<id>" items of a References or In-Reply-To field.
func msgIDs(s string) []string {
	var ids []string
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			return ids
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			return ids
		}
		if id := s[i+1 : i+j]; validID(id) {
			ids = append(ids, id)
		}
		s = s[i+j+1:]
	}
}

// validID reports whether id can be written as a message id.
func validID(id string) bool {
	return id != "" && checkMsgID("", id) == nil
}

// replyReferences is the References of a reply (RFC 5322 section
// 3.6.4): the parent's References, else its In-Reply-To when it holds
// one id, then the parent's Message-ID.
func replyReferences(orig *message.View) []string {
	refs := msgIDs(header(orig, "References"))
	if len(refs) == 0 {
		if ids := msgIDs(header(orig, "In-Reply-To")); len(ids) == 1 {
			refs = ids
		}
	}
	if validID(orig.MessageID) {
		refs = append(refs, orig.MessageID)
	}
	if len(refs) > maxReferences {
		refs = append([]string{refs[0]}, refs[len(refs)-maxReferences+1:]...)
	}
	return refs
}

// attribution is the line above the quote.
func attribution(orig *message.View) string {
	who := "someone"
	if len(orig.From) > 0 {
		who = orig.From[0].String()
	}
	if orig.Date.IsZero() {
		return who + " wrote:"
	}
	return "On " + orig.Date.Format("Mon, 2 Jan 2006 15:04 -0700") + ", " + who + " wrote:"
}

// quote quotes the text parts of orig one level deeper, "> " style.
func quote(orig *message.View) string {
	var b strings.Builder
	for i, tp := range orig.Text {
		if i > 0 {
			b.WriteString(">\n")
		}
		for _, l := range tp.Lines {
			b.WriteString(strings.Repeat(">", l.Quote+1))
			var text strings.Builder
			for _, s := range l.Spans {
				text.WriteString(s.Text)
			}
			if t := text.String(); t != "" {
				b.WriteByte(' ')
				b.WriteString(t)
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// forwardSubject adds "Fwd: " unless the subject is already forwarded.
func forwardSubject(s string) string {
	s = strings.TrimSpace(s)
	if stripPrefix(s, []string{"fwd", "fw"}) != s {
		return s
	}
	return "Fwd: " + s
}

// ForwardInline starts a forward of orig with its text in the body under
// a block of its header fields. The caller adds the original's
// attachments (see SavePart).
func ForwardInline(orig *message.View) *Draft {
	var b strings.Builder
	b.WriteString("\n\n-------- Forwarded Message --------\n")
	field := func(name, v string) {
		if v != "" {
			b.WriteString(name + ": " + v + "\n")
		}
	}
	field("Subject", orig.Subject)
	field("Date", orig.DateRaw)
	field("From", addressLine(orig.From))
	field("To", addressLine(orig.To))
	field("Cc", addressLine(orig.Cc))
	b.WriteString("\n")
	b.WriteString(orig.BodyText())
	b.WriteString("\n")
	return &Draft{Subject: forwardSubject(orig.Subject), Body: b.String()}
}

// addressLine shows addresses on one line.
func addressLine(list []message.Address) string {
	s := make([]string, len(list))
	for i, a := range list {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// ForwardAttachment starts a forward of orig as a message/rfc822
// attachment whose bytes are in the file at path. path should be a copy
// in the upload directory: a caller that removes the files of a sent
// draft would otherwise remove the original.
func ForwardAttachment(orig *message.View, path string, size int64) *Draft {
	name := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(orig.Subject))
	if name == "" {
		name = "message"
	}
	if len(name) > 100 {
		name = strings.ToValidUTF8(name[:100], "")
	}
	return &Draft{
		Subject: forwardSubject(orig.Subject),
		Attachments: []Attachment{{
			Name: filepath.Base(name) + ".eml", ContentType: "message/rfc822", Size: size, Path: path,
		}},
	}
}
