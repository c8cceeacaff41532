package app

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"postern/httpcgi"
	"postern/maildir"
	"postern/message"
	"postern/spam"
	"postern/templates"
)

// msgRef is a message named by a request: folder, key and, for an
// attached message, the part path.
type msgRef struct {
	folder, id, part string
	path             string // the file
}

// parseRef validates f, id and part of a request and finds the file.
func (a *app) parseRef(q url.Values) (*msgRef, error) {
	m := &msgRef{folder: q.Get("f"), id: q.Get("id"), part: q.Get("part")}
	if m.folder == "" {
		m.folder = "INBOX"
	}
	if err := a.checkFolder(m.folder); err != nil {
		return nil, err
	}
	if err := maildir.ValidKey(m.id); err != nil {
		return nil, badRequest("That is not a valid message id.", err)
	}
	if m.part != "" && !message.ValidPartPath(m.part) {
		return nil, badRequest("That is not a valid part of a message.", nil)
	}
	var err error
	if m.path, err = a.store.MessagePath(m.folder, m.id); err != nil {
		return nil, err
	}
	return m, nil
}

// maildirFlags returns the flag letters in a message file's name.
func maildirFlags(path string) string {
	_, info, ok := strings.Cut(filepath.Base(path), ":2,")
	if !ok {
		return ""
	}
	return info
}

// message shows one message (or an attached message/rfc822) and marks it
// read. It runs no program: its signed and encrypted parts are named as
// such, and checked or decrypted by /verify and /decrypt (crypto.go).
func (a *app) message(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	return a.showMessage(w, r, r.URL.Query(), nil)
}

// showMessage is the message page named by q; cm, in a GnuPG request,
// says what to verify or decrypt.
func (a *app) showMessage(w httpcgi.ResponseWriter, r *httpcgi.Request, q url.Values, cm *cryptoMode) error {
	m, err := a.parseRef(q)
	if err != nil {
		return err
	}
	f, err := os.Open(m.path)
	if err != nil {
		return err
	}
	defer f.Close()
	var v *message.View
	if m.part == "" {
		v = message.Parse(f, message.DefaultLimits)
	} else {
		v, err = message.ParseEmbedded(f, m.part, message.DefaultLimits)
		if err != nil {
			return &httpError{status: httpcgi.StatusNotFound, public: "That message has no such attached message.", err: err}
		}
	}
	flags := maildirFlags(m.path)
	if !strings.Contains(flags, "S") && m.part == "" {
		if err := a.setFlags(m.folder, []string{m.id}, "S", ""); err != nil {
			logf("marking %s read: %v", m.id, err)
		} else if p, err := a.store.MessagePath(m.folder, m.id); err == nil {
			// The file was renamed (its flags are in its name): what
			// opens it again below (the signed and encrypted pieces,
			// cryptoFor) must find it.
			m.path = p
		}
	}

	ref := url.Values{"f": {m.folder}, "id": {m.id}}
	if m.part != "" {
		ref.Set("part", m.part)
	}
	all := q.Get("hdrs") == "all"
	hdrQ := url.Values{"f": {m.folder}, "id": {m.id}}
	if m.part != "" {
		hdrQ.Set("part", m.part)
	}
	if !all {
		hdrQ.Set("hdrs", "all")
	}
	listURL := link(r, "/list", url.Values{"f": {m.folder}})
	d := &templates.MessageData{
		Folder:     m.folder,
		ID:         m.id,
		Part:       m.part,
		Subject:    v.Subject,
		From:       addrs(v.From),
		To:         addrs(v.To),
		Cc:         addrs(v.Cc),
		ReplyTo:    addrs(v.ReplyTo),
		Date:       longDate(v),
		AllHeaders: all,
		Problems:   v.Problems,
		Seen:       true,
		Flagged:    strings.Contains(flags, "F"),
		RawURL:     link(r, "/raw", url.Values{"f": {m.folder}, "id": {m.id}}),
		HeadersURL: link(r, "/msg", hdrQ),
		ListURL:    listURL,
		IsTrash:    m.folder == a.cfg.Trash,
		Back:       listURL,
	}
	compose := func(k, v string) string {
		return link(r, "/compose", url.Values{k: {v}, "f": {m.folder}, "id": {m.id}})
	}
	d.ReplyURL, d.ReplyAllURL = compose("reply", "1"), compose("reply", "all")
	d.ForwardURL, d.ForwardAttachURL = compose("forward", "inline"), compose("forward", "attach")
	d.URL = link(r, "/msg", ref)
	d.People = a.people(v)
	d.Autocrypt = a.autocryptOffer(m, v)
	if m.folder == a.cfg.Drafts && m.part == "" {
		d.EditURL = link(r, "/compose", url.Values{"draft": {m.id}})
	}
	d.IsJunk = m.folder == a.cfg.Junk
	first := func(name string) string {
		for _, h := range v.Headers {
			if strings.EqualFold(h.Name, name) {
				return h.Value
			}
		}
		return ""
	}
	for _, vd := range spam.Verdicts(first) {
		d.Verdicts = append(d.Verdicts, templates.Verdict{Text: vd.Text, Bad: vd.Bad})
	}
	if a.filtersOn() && m.part == "" {
		d.RuleLinks = ruleLinks(r, v, first("List-Id"))
	}
	if all {
		for _, h := range v.Headers {
			d.Headers = append(d.Headers, templates.Field{Name: h.Name, Value: h.Value})
		}
	}
	a.bodyView(w, r, m, v, d)
	cp := a.cryptoFor(r, m, cm)
	for _, att := range v.Attachments {
		if cp.claimed[att.Part] {
			continue // a signature or ciphertext: its note says what it is
		}
		pq := url.Values{"f": {m.folder}, "id": {m.id}, "part": {att.Part}}
		ta := templates.Attachment{
			Name: displayName(att), Type: att.ContentType,
			Size: templates.HumanSize(att.Size),
			URL:  link(r, "/part", pq),
		}
		if att.IsMessage {
			ta.ViewURL = link(r, "/msg", pq)
		}
		if a.keysOn() && keyAttachment(att) {
			ta.KeyPart = att.Part
		}
		if att.Inline && inlineImage(att.ContentType) {
			if att.InHTML && d.Frames > 0 {
				continue // shown in the HTML
			}
			iq := url.Values{"f": {m.folder}, "id": {m.id}, "part": {att.Part}, "disposition": {"inline"}}
			ta.ImageURL = link(r, "/part", iq)
			d.Images = append(d.Images, ta)
			continue
		}
		d.Attachments = append(d.Attachments, ta)
	}
	cp.annotate(d)
	if cp.framed {
		allowSelfFrames(w.Header())
	}
	if d.Targets, err = a.targetItems(); err != nil {
		return err
	}
	p := a.page(r, d.Subject)
	p.Folder = m.folder
	p.Message = d
	render(w, httpcgi.StatusOK, "message", p)
	return nil
}

// addrs are addresses for the page, each marked when its name shows
// another address.
func addrs(as []message.Address) []templates.Addr {
	var out []templates.Addr
	for _, a := range as {
		out = append(out, templates.Addr{Text: a.String(), Warning: a.Warning()})
	}
	return out
}

func longDate(v *message.View) string {
	if v.Date.IsZero() {
		if v.DateRaw != "" {
			return v.DateRaw
		}
		return "(no date)"
	}
	return v.Date.Format("Mon, 2 Jan 2006 15:04 -0700")
}

// displayName is the name an attachment is shown and saved under.
func displayName(att message.Attachment) string {
	if n := safeFilename(att.Filename); n != "" {
		return n
	}
	name := "part-" + att.Part
	if att.IsMessage {
		return name + ".eml"
	}
	if exts := extensionFor(att.ContentType); exts != "" {
		return name + exts
	}
	return name
}

// ruleLinks are the "make a rule from this message" links: the new rule
// form with one condition from the sender, the list, or the subject.
func ruleLinks(r *httpcgi.Request, v *message.View, listID string) []templates.Link {
	rule := func(label string, q url.Values) templates.Link {
		q.Set("edit", "new")
		return templates.Link{Label: label, URL: link(r, "/filters", q)}
	}
	var out []templates.Link
	if len(v.From) > 0 && v.From[0].Addr != "" {
		out = append(out, rule("mail from "+v.From[0].Addr, url.Values{"field": {"from"}, "value": {v.From[0].Addr}}))
	}
	if id := listIDValue(listID); id != "" {
		out = append(out, rule("mail of the list "+id, url.Values{"field": {"header"}, "header": {"List-Id"}, "value": {id}}))
	}
	if s := strings.TrimSpace(v.Subject); s != "" && len(s) <= 200 {
		out = append(out, rule("this subject", url.Values{"field": {"subject"}, "value": {s}}))
	}
	return out
}

// listIDValue is the id of a List-Id header: the text between < and >
// (RFC 2919), or "".
func listIDValue(h string) string {
	i, j := strings.LastIndexByte(h, '<'), strings.LastIndexByte(h, '>')
	if i < 0 || j < i+2 || j-i > 256 {
		return ""
	}
	return h[i+1 : j]
}
