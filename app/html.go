package app

import (
	"bytes"
	"encoding/base64"
	"io"
	"net"
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

// htmlCSP is the policy of the sanitized HTML document. Its sandbox, like
// the frame's (iframeSandbox), has no allow-same-origin: the document has
// an opaque origin, from which browsers send no Referer and no SameSite
// cookie. Chromium sends the webmail's origin as Referer with the images
// placed by CSS whatever Referrer-Policy the document has (header or
// <meta>); only an opaque origin stops it. The mail's cid: images are
// therefore written into the document as data: URLs (inlineParts)
// instead of loaded from /part with the session cookie.
func htmlCSP(remote bool) string {
	img := "data:"
	if remote {
		img += " https: http:"
	}
	return "default-src 'none'; style-src 'unsafe-inline'; img-src " + img +
		"; frame-ancestors 'self'; form-action 'none'; base-uri 'none'" +
		"; sandbox allow-popups allow-popups-to-escape-sandbox"
}

// iframeSandbox is the sandbox attribute of the frame on the message page:
// no scripts, no same origin.
const iframeSandbox = "allow-popups allow-popups-to-escape-sandbox"

// htmlDocStyle is the frame document's own style: readable defaults and
// the mark of a link whose text names another site.
const htmlDocStyle = `body{margin:8px;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1b1f23;background:#fff;overflow-wrap:anywhere}` +
	`img{max-width:100%;height:auto}table{max-width:100%}` +
	`a.postern-phish{outline:2px solid #c0392b;background:#fde8e8}a.postern-phish::after{content:" \26A0";color:#c0392b}`

// sanitizedPart sanitizes the HTML part at ref's part path; partURL maps
// its cid: references.
func (a *app) sanitizedPart(ref *msgRef, htmlPart string, remote bool, partURL func(cid string) string) (*sanitize.Result, error) {
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
		PartURL:     partURL,
		Self:        selfHosts(),
	})
	res.Truncated = res.Truncated || truncated
	return res, nil
}

// selfHosts are the webmail's own hosts, whose URLs the sanitizer drops
// from mail: the Host the browser asked for, the server's name and its
// address, with the server's port.
func selfHosts() []string {
	port := os.Getenv("SERVER_PORT")
	hosts := []string{os.Getenv("HTTP_HOST")}
	for _, h := range []string{os.Getenv("SERVER_NAME"), os.Getenv("SERVER_ADDR")} {
		if h != "" && port != "" {
			h = net.JoinHostPort(strings.Trim(h, "[]"), port)
		}
		hosts = append(hosts, h)
	}
	return hosts
}

// contentIDs maps the Content-IDs of a message's parts to the parts.
func contentIDs(v *message.View) map[string]message.Attachment {
	m := map[string]message.Attachment{}
	for _, att := range v.Attachments {
		if att.ContentID != "" {
			m[att.ContentID] = att
		}
	}
	return m
}

// partLinks maps cid: references to /part URLs; the message page uses
// it only to count what the sanitizer blocks.
func partLinks(r *httpcgi.Request, ref *msgRef, cids map[string]message.Attachment) func(string) string {
	return func(cid string) string {
		att, ok := cids[cid]
		if !ok {
			return ""
		}
		return link(r, "/part", url.Values{"f": {ref.folder}, "id": {ref.id}, "part": {att.Part}, "disposition": {"inline"}})
	}
}

// maxInlineImage and maxInlineTotal bound the cid: images written into a
// frame document as data: URLs: each one, and all of one document. An
// image past them is left out (its alt text shows).
const (
	maxInlineImage = 5 << 20
	maxInlineTotal = 20 << 20
)

// inlineParts maps cid: references to data: URLs of the referenced
// images (raster types only, within maxInlineImage and maxInlineTotal),
// for the frame document, whose opaque origin cannot load /part.
func inlineParts(ref *msgRef, cids map[string]message.Attachment) func(string) string {
	done := map[string]string{}
	total := int64(0)
	return func(cid string) string {
		if u, ok := done[cid]; ok {
			return u
		}
		att, ok := cids[cid]
		if !ok || !inlineImage(att.ContentType) || att.Size > maxInlineImage || total+att.Size > maxInlineTotal {
			return ""
		}
		u, err := dataURL(ref.path, att)
		if err != nil {
			logf("inlining part %s of %s: %v", att.Part, ref.id, err)
		}
		total += att.Size
		done[cid] = u
		return u
	}
}

// dataURL reads one part of the message at path, decoded, as a data: URL
// of its (raster image) type.
func dataURL(path string, att message.Attachment) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	_, body, err := message.OpenPart(f, att.Part, message.DefaultLimits)
	if err != nil {
		return "", err
	}
	b, err := io.ReadAll(io.LimitReader(body, maxInlineImage+1))
	if err != nil || len(b) > maxInlineImage {
		return "", err
	}
	return "data:" + strings.ToLower(att.ContentType) + ";base64," + base64.StdEncoding.EncodeToString(b), nil
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
	res, err := a.sanitizedPart(m, htmlPart, remote, inlineParts(m, contentIDs(v)))
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", htmlCSP(remote))
	h.Set("Referrer-Policy", "no-referrer") // as every response; said again where it matters most
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
	partURL := partLinks(r, m, contentIDs(v))
	for _, t := range v.Body {
		tp := textPart(t)
		if t.FromHTML {
			res, err := a.sanitizedPart(m, t.Part, remote, partURL)
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
	allowSelfFrames(w.Header())
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
