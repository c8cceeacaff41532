package app

import (
	"bytes"
	"net/url"
	"os"
	"strings"

	"postern/httpcgi"
	"postern/message"
	"postern/sanitize"
	"postern/templates"
)

// The HTML of a message is shown in three layers (issue 4): the sanitizer
// keeps only allowlisted elements, attributes, URLs and CSS; the result is
// served from its own URL (/html) with its own Content-Security-Policy
// that allows no script, no form, no plugin and no remote load unless the
// user asked for it; and that URL is shown in an <iframe sandbox> without
// allow-scripts. A sanitizer bug therefore still cannot run script or
// reach the session. Text browsers follow the link under the frame.

// htmlCSP is the policy of the sanitized HTML document. allow-same-origin
// lets its images (our /part URLs) carry the session cookie; without
// allow-scripts it grants no script anything.
func htmlCSP(remote bool) string {
	img := "'self' data:"
	if remote {
		img += " https: http:"
	}
	return "default-src 'none'; style-src 'unsafe-inline'; img-src " + img +
		"; frame-ancestors 'self'; form-action 'none'; base-uri 'none'" +
		"; sandbox allow-popups allow-popups-to-escape-sandbox allow-same-origin"
}

// iframeSandbox is the sandbox attribute of the frame on the message page.
const iframeSandbox = "allow-popups allow-popups-to-escape-sandbox allow-same-origin"

// htmlDocStyle is the frame document's own style: readable defaults and
// the mark of a link whose text names another site.
const htmlDocStyle = `body{margin:8px;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1b1f23;background:#fff;overflow-wrap:anywhere}` +
	`img{max-width:100%;height:auto}table{max-width:100%}` +
	`a.postern-phish{outline:2px solid #c0392b;background:#fde8e8}a.postern-phish::after{content:" \26A0";color:#c0392b}`

// sanitizedPart sanitizes the HTML part at ref's part path.
func (a *app) sanitizedPart(ref *msgRef, htmlPart string, remote bool, cids map[string]string, r *httpcgi.Request) (*sanitize.Result, error) {
	f, err := os.Open(ref.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, truncated, err := message.ReadHTML(f, htmlPart, message.DefaultLimits)
	if err != nil {
		return nil, &httpError{status: httpcgi.StatusNotFound, public: "That message has no such HTML part.", err: err}
	}
	res := sanitize.String(src, sanitize.Options{
		AllowRemote: remote,
		PartURL: func(cid string) string {
			part, ok := cids[cid]
			if !ok {
				return ""
			}
			return link(r, "/part", url.Values{"f": {ref.folder}, "id": {ref.id}, "part": {part}, "disposition": {"inline"}})
		},
	})
	res.Truncated = res.Truncated || truncated
	return res, nil
}

// contentIDs maps the Content-IDs of a message's parts to their paths.
func contentIDs(v *message.View) map[string]string {
	m := map[string]string{}
	for _, att := range v.Attachments {
		if att.ContentID != "" {
			m[att.ContentID] = att.Part
		}
	}
	return m
}

// html serves one sanitized HTML part as a document for the frame.
func (a *app) html(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	q := r.URL.Query()
	m, err := a.parseRef(url.Values{"f": {q.Get("f")}, "id": {q.Get("id")}, "part": {q.Get("msg")}})
	if err != nil {
		return err
	}
	htmlPart := q.Get("part")
	if !message.ValidPartPath(htmlPart) {
		return badRequest("That is not a valid part of a message.", nil)
	}
	v, err := a.view(m)
	if err != nil {
		return err
	}
	remote := q.Get("remote") == "1" || a.remoteAllowed(v)
	res, err := a.sanitizedPart(m, htmlPart, remote, contentIDs(v), r)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", htmlCSP(remote))
	h.Set("X-Frame-Options", "SAMEORIGIN")
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">" +
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Message</title><style>")
	b.WriteString(htmlDocStyle)
	b.WriteString("</style></head><body>\n")
	b.WriteString(string(res.HTML))
	if res.Truncated {
		b.WriteString("\n<p><em>(This message is long and was cut; see the source for all of it.)</em></p>")
	}
	b.WriteString("\n</body></html>\n")
	w.WriteHeader(httpcgi.StatusOK)
	_, err = w.Write(b.Bytes())
	return err
}

// view parses the message (or the attached message) a ref names.
func (a *app) view(m *msgRef) (*message.View, error) {
	f, err := os.Open(m.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if m.part == "" {
		return message.Parse(f, message.DefaultLimits), nil
	}
	v, err := message.ParseEmbedded(f, m.part, message.DefaultLimits)
	if err != nil {
		return nil, &httpError{status: httpcgi.StatusNotFound, public: "That message has no such attached message.", err: err}
	}
	return v, nil
}

// senderOf is the address remote content may be allowed for.
func senderOf(v *message.View) string {
	if len(v.From) == 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(v.From[0].Addr))
}

// remoteAllowed says whether the user always loads remote content from
// this message's sender.
func (a *app) remoteAllowed(v *message.View) bool {
	s := senderOf(v)
	if s == "" {
		return false
	}
	for _, x := range a.prefs().RemoteSenders {
		if x == s {
			return true
		}
	}
	return false
}

// allowSender stores "always load remote content from this sender".
func (a *app) allowSender(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	m, err := a.parseRef(url.Values{"f": {r.PostForm.Get("f")}, "id": {r.PostForm.Get("id")}})
	if err != nil {
		return err
	}
	v, err := a.view(m)
	if err != nil {
		return err
	}
	s := senderOf(v)
	if s == "" {
		return badRequest("This message has no sender address.", nil)
	}
	p := a.prefs()
	if !a.remoteAllowed(v) {
		if len(p.RemoteSenders) >= maxRemoteSenders {
			return badRequest("Too many senders are allowed already; remove some in the preferences.", nil)
		}
		p.RemoteSenders = append(p.RemoteSenders, s)
		if err := a.savePrefsFile(p); err != nil {
			return err
		}
	}
	httpcgi.Redirect(w, r, link(r, "/msg", url.Values{"f": {m.folder}, "id": {m.id}}), httpcgi.StatusSeeOther)
	return nil
}

// maxRemoteSenders bounds the per-user allowlist of senders.
const maxRemoteSenders = 1000

// bodyView fills in the body of the message page: by default View.Body,
// each text part in its place and each HTML part in its own sandboxed
// frame (with the count of blocked remote content and the links to
// switch); View.Text, all text, when the user asked for text (per
// message, or by preference when the message has a text part of its own).
func (a *app) bodyView(w httpcgi.ResponseWriter, r *httpcgi.Request, m *msgRef, v *message.View, d *templates.MessageData) {
	rich := hasHTML(v.Body)
	q := r.URL.Query()
	base := url.Values{"f": {m.folder}, "id": {m.id}}
	if m.part != "" {
		base.Set("part", m.part)
	}
	with := func(k, val string) string {
		u := url.Values{}
		for key, vs := range base {
			u[key] = vs
		}
		u.Set(k, val)
		return link(r, "/msg", u)
	}
	if rich && (q.Get("plain") == "1" || (a.prefs().PreferText && hasPlainText(v))) {
		d.RichURL = with("html", "1")
		rich = q.Get("html") == "1"
		if rich {
			d.RichURL = ""
		}
	}
	if !rich {
		for _, t := range v.Text {
			d.Text = append(d.Text, textPart(t))
		}
		return
	}
	remote := q.Get("remote") == "1" || a.remoteAllowed(v)
	cids := contentIDs(v)
	for _, t := range v.Body {
		tp := textPart(t)
		if t.FromHTML {
			res, err := a.sanitizedPart(m, t.Part, remote, cids, r)
			if err != nil {
				// Shown as text instead.
				logf("sanitizing part %s of %s: %v", t.Part, m.id, err)
			} else {
				d.Blocked += res.RemoteBlocked
				d.Phishing += res.PhishingLinks
				hq := url.Values{"f": {m.folder}, "id": {m.id}, "part": {t.Part}}
				if m.part != "" {
					hq.Set("msg", m.part)
				}
				if remote {
					hq.Set("remote", "1")
				}
				tp.Frame = &templates.HTMLFrame{URL: link(r, "/html", hq), Sandbox: iframeSandbox}
				d.Frames++
			}
		}
		d.Text = append(d.Text, tp)
	}
	if d.Frames == 0 {
		return
	}
	d.PlainURL = with("plain", "1")
	d.RemoteOn = remote
	if !remote && d.Blocked > 0 {
		d.RemoteURL = with("remote", "1")
		d.Sender = senderOf(v)
	}
	h := w.Header()
	h.Set("Content-Security-Policy", strings.Replace(h.Get("Content-Security-Policy"), "default-src 'none'", "default-src 'none'; frame-src 'self'", 1))
}

// textPart is a text part for the page.
func textPart(t message.TextPart) templates.TextPart {
	tp := templates.TextPart{FromHTML: t.FromHTML, Truncated: t.Truncated, Part: t.Part}
	for _, l := range t.Lines {
		tl := templates.Line{Quote: l.Quote}
		for _, s := range l.Spans {
			tl.Spans = append(tl.Spans, templates.Span{Text: s.Text, URL: s.URL})
		}
		tp.Lines = append(tp.Lines, tl)
	}
	return tp
}

// hasHTML says whether parts hold an HTML part.
func hasHTML(parts []message.TextPart) bool {
	for _, t := range parts {
		if t.FromHTML {
			return true
		}
	}
	return false
}

// hasPlainText says whether a message has a text part of its own (not
// one made from its HTML).
func hasPlainText(v *message.View) bool {
	for _, t := range v.Text {
		if !t.FromHTML {
			return true
		}
	}
	return false
}
