package app

import (
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"postern/compose"
	"postern/httpcgi"
	"postern/identity"
	"postern/maildir"
	"postern/message"
	"postern/templates"
)

// formState is what the compose form carries besides the Draft: the saved
// draft it edits and the message it answers or forwards.
type formState struct {
	draft                    string // key in the Drafts folder
	origFolder, origID, mark string // mark: "R" (replied) or "P" (passed)
}

// compose shows the compose form: empty, or started from a message
// (?reply=1|all, ?forward=inline|attach, with f and id) or from a saved
// draft (?draft=KEY in the Drafts folder).
func (a *app) compose(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	q := r.URL.Query()
	pruneUploads(filepath.Dir(a.uploadDir()), a.sess.ID, time.Now(), a.cfg.SessionMax)
	if _, err := a.store.SweepTmp(time.Now(), maildir.SweepLimits{}); err != nil {
		logf("%v", err) // files a killed request left in a tmp/
	}
	if err := os.MkdirAll(a.uploadDir(), 0o700); err != nil {
		return err
	}
	var (
		d      = &compose.Draft{}
		st     formState
		title  = "New message"
		err    error
		list   = a.identityList()
		chosen = list.Default()
	)
	switch {
	case q.Get("draft") != "":
		d, err = a.resumeDraft(q.Get("draft"))
		st.draft, title = q.Get("draft"), "Draft"
		if l, ok := isLocked(err); ok {
			if len(a.sealMethods()) == 0 {
				return &httpError{status: httpcgi.StatusConflict, public: "This draft is encrypted, and this site has signing and encryption off: it cannot be opened here."}
			}
			return a.showUnlock(w, r, httpcgi.StatusOK, st.draft, l.method, "")
		}
	case q.Get("reply") != "":
		d, st, err = a.startFrom(q, func(v *message.View, path string) (*compose.Draft, error) {
			chosen = list.ForReply(identity.Recipients(v))
			return compose.ReplyDraft(v, a.identities(), q.Get("reply") == "all"), nil
		})
		st.mark, title = "R", "Reply"
	case q.Get("forward") != "":
		d, st, err = a.startFrom(q, a.forward(q.Get("forward")))
		st.mark, title = "P", "Forward"
	default:
		// A link from the address book: "write to" a contact or a group.
		d.To = q.Get("to")
	}
	if err != nil {
		return err
	}
	return a.showCompose(w, r, d, st, title, list, chosen)
}

// showCompose renders the compose form of draft d, written as chosen
// (one of the user's identities, list) unless d is a saved draft.
func (a *app) showCompose(w httpcgi.ResponseWriter, r *httpcgi.Request, d *compose.Draft, st formState, title string, list identity.List, chosen identity.Identity) error {
	var err error
	if d.Token, err = compose.NewToken(); err != nil {
		return err
	}
	if st.draft != "" {
		// A saved draft keeps its identity, if still allowed, and its
		// text as it is: its signature is in it already.
		if id, ok := list.Find(d.From.Address); ok {
			chosen = id
		}
	} else {
		d.Body = identity.Insert(d.Body, chosen.Signature, chosen.Place())
	}
	d.From = mail.Address{Name: chosen.Name, Address: chosen.Address}
	p := a.page(r, title)
	p.Compose = a.composeData(d, st)
	if st.mark == "R" {
		// A reply to an encrypted message is encrypted by default (it
		// quotes none of the decrypted text: see composeQuote).
		if m, ok := a.encryptedOriginal(st); ok {
			c := a.cryptoDefaults(d.From.Address)
			c.encrypt, c.method = true, a.allowedMethod(m)
			p.Compose.Crypto = a.composeCrypto(c)
		}
	}
	allowScript(w)
	render(w, httpcgi.StatusOK, "compose", p)
	return nil
}

// startFrom opens the message f/id of q and starts a draft from it with
// start.
func (a *app) startFrom(q url.Values, start func(v *message.View, path string) (*compose.Draft, error)) (*compose.Draft, formState, error) {
	m, err := a.parseRef(url.Values{"f": {q.Get("f")}, "id": {q.Get("id")}})
	if err != nil {
		return nil, formState{}, err
	}
	f, err := os.Open(m.path)
	if err != nil {
		return nil, formState{}, err
	}
	defer f.Close()
	v := message.Parse(f, message.DefaultLimits)
	d, err := start(v, m.path)
	return d, formState{origFolder: m.folder, origID: m.id}, err
}

// forward returns the draft starter of a forward: inline (the text and
// copies of the attachments) or as a message/rfc822 attachment (a copy
// of the file).
func (a *app) forward(how string) func(v *message.View, path string) (*compose.Draft, error) {
	return func(v *message.View, path string) (*compose.Draft, error) {
		switch how {
		case "inline":
			d := compose.ForwardInline(v)
			atts, err := a.copyParts(path, v.Attachments)
			d.Attachments = atts
			return d, err
		case "attach":
			cp, size, err := copyToUploads(path, a.uploadDir(), a.limits())
			if err != nil {
				return nil, err
			}
			d := compose.ForwardAttachment(v, cp, size)
			if err := writeMeta(d.Attachments[0]); err != nil {
				return nil, err
			}
			return d, nil
		}
		return nil, badRequest("Forward how: inline or as an attachment?", nil)
	}
}

// copyParts copies the attachments of the message file at path into the
// upload directory, to send them again.
func (a *app) copyParts(path string, parts []message.Attachment) ([]compose.Attachment, error) {
	var out []compose.Attachment
	for _, p := range parts {
		f, err := os.Open(path)
		if err != nil {
			return out, err
		}
		att, err := compose.SavePart(f, p, a.uploadDir(), a.limits())
		f.Close()
		if err != nil {
			return out, tooLargeOr(err)
		}
		if att.Name == "attachment" || att.Name == "" {
			att.Name = displayName(p)
		}
		if err := writeMeta(att); err != nil {
			return out, err
		}
		out = append(out, att)
	}
	return out, nil
}

// tooLargeOr turns an exceeded limit into its 413.
func tooLargeOr(err error) error {
	if errors.Is(err, compose.ErrTooLarge) {
		return tooLarge(err)
	}
	return err
}

// copyToUploads copies the file at path into a new upload file of dir.
func copyToUploads(path, dir string, lim compose.Limits) (string, int64, error) {
	in, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer in.Close()
	out, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return "", 0, err
	}
	n, err := io.Copy(out, io.LimitReader(in, lim.MaxFileBytes+1))
	if err == nil && n > lim.MaxFileBytes {
		err = tooLarge(&compose.TooLargeError{Limit: "file", Max: lim.MaxFileBytes})
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out.Name())
		return "", 0, err
	}
	return out.Name(), n, nil
}

// composeData fills the form from a draft.
func (a *app) composeData(d *compose.Draft, st formState) *templates.ComposeData {
	c := &templates.ComposeData{
		Identities: composeIdentities(a.identityList()),
		From:       d.From.Address,
		FromShown:  d.From.Address,
		To:         d.To, Cc: d.Cc, Bcc: d.Bcc,
		Subject:    d.Subject,
		Body:       d.Body,
		InReplyTo:  d.InReplyTo,
		References: strings.Join(d.References, " "),
		Token:      d.Token,
		Draft:      st.draft,
		OrigFolder: st.origFolder, OrigID: st.origID, OrigMark: st.mark,
		MaxFile: templates.HumanSize(int64(a.cfg.MaxAttachmentSize)),
		Drafts:  a.cfg.Drafts,

		Suggestions: a.suggestions(),
		Crypto:      a.composeCrypto(a.cryptoDefaults(d.From.Address)),
	}
	for _, att := range d.Attachments {
		typ := att.ContentType
		if typ == "" {
			typ = "application/octet-stream"
		}
		c.Attachments = append(c.Attachments, templates.ComposeAttachment{
			ID: filepath.Base(att.Path), Name: att.Name, Type: typ, Size: templates.HumanSize(att.Size),
		})
	}
	return c
}

// composeIdentities are the From choices: the enabled identities, named.
func composeIdentities(l identity.List) []templates.ComposeIdentity {
	var out []templates.ComposeIdentity
	for _, id := range l {
		if id.Disabled {
			continue
		}
		label := id.Address
		if id.Name != "" {
			label = id.Name + " <" + id.Address + ">"
		}
		out = append(out, templates.ComposeIdentity{Address: id.Address, Label: label})
	}
	return out
}

// ensureFolder creates folder (Sent, Drafts) when it does not exist.
func (a *app) ensureFolder(folder string) error {
	if a.store.Exists(folder) {
		return nil
	}
	if err := a.store.CreateFolder(folder); err != nil && !errors.Is(err, maildir.ErrExists) {
		return fmt.Errorf("creating folder %s: %w", folder, err)
	}
	return nil
}
