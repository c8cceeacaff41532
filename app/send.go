package app

import (
	"bytes"
	"errors"
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
	"postern/quota"
	"postern/templates"
)

// sentTokensDir holds the idempotency tokens of sent forms (compose.Tokens);
// a token's file holds the key of the Sent copy.
const sentTokensDir = "sent-tokens"

// tokenAge is how long a sent form's token is remembered.
const tokenAge = 30 * 24 * time.Hour

// maxSentKey bounds what is read from a token file.
const maxSentKey = 512

// send handles the compose form (parsed by route into a.upload): the
// action "send", "save" (a draft), "attach" (upload and show the form
// again), "switch" (show it again from the identity chosen in From,
// its signature in place of the old one) or a "remove" button naming an
// attachment. Whichever the action, a From other than the one the form
// was shown with (from_shown) swaps the signature (identity.Swap).
// Whatever fails, the form comes back with everything the user wrote and
// attached.
func (a *app) send(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	v := a.upload.Values
	d, st := a.draftFromForm(v)
	action := v.Get("action")
	if id := v.Get("remove"); id != "" {
		action = "remove"
		keep := d.Attachments[:0]
		for _, att := range d.Attachments {
			if filepath.Base(att.Path) == id {
				removeAttachment(a.uploadDir(), id)
				continue
			}
			keep = append(keep, att)
		}
		d.Attachments = keep
	}
	// The signing and encryption choice; the passphrase is taken out of
	// the form values, used by this request only and never shown again.
	cc := a.cryptoFromForm(v)
	cview := a.composeCrypto(cc)
	passphrase := []byte(v.Get("passphrase"))
	v.Del("passphrase")
	defer clear(passphrase)
	show := func(status int, problem, output, notice string) error {
		p := a.page(r, "New message")
		p.Notice = notice
		p.Compose = a.composeData(d, st)
		p.Compose.Crypto = cview
		p.Compose.Problem, p.Compose.Output = problem, output
		allowScript(w)
		render(w, status, "compose", p)
		return nil
	}
	if len(passphrase) > maxPassphrase {
		return show(httpcgi.StatusBadRequest, "That passphrase is too long.", "", "")
	}
	list := a.identityList()
	chosen, ok := list.Find(v.Get("from"))
	if !ok {
		def := list.Default()
		d.From = mail.Address{Name: def.Name, Address: def.Address}
		return show(httpcgi.StatusBadRequest, "That From address is not one you may use; choose one from the list.", "", "")
	}
	if shown := v.Get("from_shown"); shown != "" && !strings.EqualFold(shown, chosen.Address) {
		// Another identity was chosen (Switch, or straight Send):
		// its signature replaces the old one if that is unchanged.
		old, _ := list.Get(shown)
		d.Body = identity.Swap(d.Body, old.Signature, chosen.Signature, chosen.Place())
	}
	d.From = mail.Address{Name: chosen.Name, Address: chosen.Address}
	d.ReplyTo = chosen.ReplyTo
	if action == "switch" {
		// The new identity's signing and encryption defaults.
		if cview != nil {
			cview = a.composeCrypto(a.cryptoDefaults(chosen.Address))
		}
		return show(httpcgi.StatusOK, "", "", "")
	}
	if action == "send" {
		a.expandGroups(d)
	}
	if !compose.ValidToken(d.Token) {
		return badRequest("This form is not valid (its token is missing). Open the compose page again.", nil)
	}
	if err := d.Validate(a.limits()); err != nil {
		status, problem := formProblem(err)
		return show(status, problem, "", "")
	}
	refuse := func(p *sealProblem) error {
		if cview != nil {
			cview.WrongPassphrase = p.wrong
			if p.missing != nil {
				cview.Checked, cview.Missing, cview.Untrusted = true, p.missing, p.untrusted
			}
		}
		return show(p.status, p.text, "", "")
	}
	switch action {
	case "attach", "remove":
		return show(httpcgi.StatusOK, "", "", "")
	case "keys":
		return a.checkKeys(d, cc, cview, show)
	case "save":
		if status, problem := a.quotaProblem(d, "the draft was not saved"); problem != "" {
			return show(status, problem, "", "")
		}
		var sealed []byte
		if cc.on() && cc.encrypt {
			// A draft of an encrypted message is stored encrypted to
			// the user's own key.
			var p *sealProblem
			if sealed, _, p = a.sealDraft(d, cc, nil, true); p != nil {
				p.text = strings.Replace(p.text, "Nothing was lost.", "The draft was not saved; your text is still here.", 1)
				return refuse(p)
			}
		}
		key, err := a.saveDraft(d, st.draft, sealed)
		if errors.Is(err, quota.ErrOver) {
			return show(httpcgi.StatusInsufficientStorage, "Your mailbox is full, so the draft was not saved. Delete some mail and empty the Trash, then try again: your text is still here.", "", "")
		}
		if err != nil {
			logf("saving a draft for %s: %v", a.acct.User, err)
			return show(httpcgi.StatusInternalServerError, "The draft could not be saved.", "", "")
		}
		st.draft = key
		return show(httpcgi.StatusOK, "", "", "Draft saved in "+a.cfg.Drafts+".")
	case "send":
	default:
		return show(httpcgi.StatusBadRequest, "Send, save or attach?", "", "")
	}

	rcpts, err := d.Recipients()
	if err != nil {
		status, problem := formProblem(err)
		if strings.Contains(err.Error(), "no recipient") {
			problem = "Add at least one recipient (To, Cc or Bcc)."
		}
		return show(status, problem, "", "")
	}
	envFrom, err := d.EnvelopeFrom()
	if err != nil {
		status, problem := formProblem(err)
		return show(status, problem, "", "")
	}
	if status, problem := a.quotaProblem(d, "the message was not sent (its copy for "+a.cfg.Sent+" would not fit)"); problem != "" {
		return show(status, problem, "", "")
	}
	// Signed or encrypted before the token is taken: a refusal (a
	// recipient without a key, a wrong passphrase) leaves the form as it
	// was, to send again.
	var sealed, sentCopy []byte
	if cc.on() {
		var p *sealProblem
		if sealed, sentCopy, p = a.sealDraft(d, cc, passphrase, false); p != nil {
			return refuse(p)
		}
	}
	// The Autocrypt header, when the user wants it (it runs GnuPG only
	// then), goes on the message sent, not on the Sent copy.
	autocryptHeader := a.autocryptField(d.From.Address)
	tokens := compose.Tokens{Dir: filepath.Join(a.store.Root, "postern", sentTokensDir)}
	tokens.Prune(time.Now(), tokenAge)
	first, err := tokens.MarkSent(d.Token)
	if err != nil {
		return err
	}
	if !first {
		return a.alreadySent(w, r, tokens, d.Token)
	}
	if err := a.sendNow(d, sealed, autocryptHeader, envFrom, rcpts); err != nil {
		if rerr := tokens.Release(d.Token); rerr != nil {
			logf("releasing a form token of %s: %v", a.acct.User, rerr)
		}
		logf("send by %s failed: %v", a.acct.User, err)
		var se *compose.SendError
		output := ""
		if errors.As(err, &se) {
			output = se.Stderr
		}
		problem := "The message could not be sent; nothing was lost. The mail system said:"
		if errors.Is(err, compose.ErrNoWrapper) {
			problem = "The message could not be sent: the mail program (" + a.wrapper() + ") is missing. Nothing was lost; tell the administrator."
		} else if output == "" {
			output = err.Error()
		}
		return show(httpcgi.StatusBadGateway, problem, output, "")
	}
	a.afterSend(d, st, tokens, sentCopy)
	a.collect(d)
	p := a.page(r, "Message sent")
	p.Compose = &templates.ComposeData{Sent: true, SentURL: a.sentURL(r, tokens, d.Token)}
	render(w, httpcgi.StatusOK, "compose", p)
	return nil
}

// wrapper is the configured sendmail wrapper.
func (a *app) wrapper() string { return a.cfg.Wrapper() }

// sendNow builds the message into a temporary file, or takes the sealed
// one (signed or encrypted, in memory), and gives it to the wrapper with
// the header field extra (a whole folded field, or "") before its own.
func (a *app) sendNow(d *compose.Draft, sealed []byte, extra, envFrom string, rcpts []string) error {
	s := &compose.Sender{Wrapper: a.wrapper()}
	if sealed != nil {
		return s.Send(io.MultiReader(strings.NewReader(extra), bytes.NewReader(sealed)), envFrom, rcpts)
	}
	tmp, err := os.CreateTemp(a.uploadDir(), "out-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	id, err := d.Build(tmp, time.Now(), "")
	if err != nil {
		return err
	}
	d.MessageID = id // the Sent copy keeps the id that was sent
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return s.Send(io.MultiReader(strings.NewReader(extra), tmp), envFrom, rcpts)
}

// afterSend files the Sent copy (sentCopy, the sealed message with its
// Bcc, or when nil the draft built anew), removes the draft and the
// uploaded files and marks the original answered or forwarded. The
// message is sent: failures here are logged, not shown.
func (a *app) afterSend(d *compose.Draft, st formState, tokens compose.Tokens, sentCopy []byte) {
	key, err := a.deliverCopy(a.cfg.Sent, d, "S", sentCopy)
	if err != nil {
		logf("Sent copy for %s: %v", a.acct.User, err)
	} else if err := os.WriteFile(filepath.Join(tokens.Dir, d.Token), []byte(key), 0o600); err != nil {
		logf("recording the Sent copy of %s: %v", a.acct.User, err)
	}
	if st.draft != "" {
		a.removeDraft(st.draft)
	}
	for _, att := range d.Attachments {
		removeAttachment(a.uploadDir(), filepath.Base(att.Path))
	}
	if st.origID != "" && (st.mark == "R" || st.mark == "P") && a.checkFolder(st.origFolder) == nil {
		if err := a.setFlags(st.origFolder, []string{st.origID}, st.mark, ""); err != nil {
			logf("marking %s: %v", st.origID, err)
		}
	}
}

// alreadySent answers a form whose token was sent before (a reload, a
// double click): nothing is sent again.
func (a *app) alreadySent(w httpcgi.ResponseWriter, r *httpcgi.Request, tokens compose.Tokens, token string) error {
	p := a.page(r, "Already sent")
	p.Notice = "This message was already sent; it was not sent again."
	p.Compose = &templates.ComposeData{Sent: true, SentURL: a.sentURL(r, tokens, token)}
	render(w, httpcgi.StatusOK, "compose", p)
	return nil
}

// sentURL links the Sent copy recorded for token, or "".
func (a *app) sentURL(r *httpcgi.Request, tokens compose.Tokens, token string) string {
	f, err := os.Open(filepath.Join(tokens.Dir, token))
	if err != nil {
		return ""
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, maxSentKey))
	key := string(b)
	if maildir.ValidKey(key) != nil {
		return ""
	}
	return link(r, "/msg", url.Values{"f": {a.cfg.Sent}, "id": {key}})
}

// draftFromForm reads the fields of the compose form. Attachments are
// the ids in "att" that still exist plus the files of this request.
func (a *app) draftFromForm(v url.Values) (*compose.Draft, formState) {
	d := &compose.Draft{
		From:      mail.Address{Address: v.Get("from")},
		To:        v.Get("to"),
		Cc:        v.Get("cc"),
		Bcc:       v.Get("bcc"),
		Subject:   v.Get("subject"),
		Body:      strings.ReplaceAll(v.Get("body"), "\r\n", "\n"),
		InReplyTo: v.Get("in_reply_to"),
		Token:     v.Get("token"),
	}
	d.References = strings.Fields(v.Get("references"))
	st := formState{draft: v.Get("draft"), origFolder: v.Get("orig_f"), origID: v.Get("orig_id"), mark: v.Get("orig_mark")}
	if maildir.ValidKey(st.draft) != nil {
		st.draft = ""
	}
	if maildir.ValidKey(st.origID) != nil {
		st.origID = ""
	}
	seen := map[string]bool{}
	for _, id := range v["att"] {
		if seen[id] {
			continue
		}
		seen[id] = true
		att, err := readAttachment(a.uploadDir(), id)
		if err != nil {
			logf("attachment %q of %s: %v", id, a.acct.User, err)
			continue
		}
		d.Attachments = append(d.Attachments, att)
	}
	for _, f := range a.upload.Files {
		d.Attachments = append(d.Attachments, f.Attachment)
	}
	return d, st
}

// formProblem turns a validation error into a status and a text for the
// form.
func formProblem(err error) (int, string) {
	var he *compose.HeaderError
	var ae *compose.AddressError
	switch {
	case errors.As(err, &he):
		return httpcgi.StatusBadRequest, "The " + he.Field + " field contains a line break or a control character, which a header may not hold. Remove it and try again."
	case errors.Is(err, compose.ErrTooLarge):
		var tl *compose.TooLargeError
		errors.As(err, &tl)
		return httpcgi.StatusRequestEntityTooLarge, strings.TrimSuffix(tooLarge(tl).(*httpError).public, " Go back to the form and try a smaller file.")
	case errors.As(err, &ae):
		return httpcgi.StatusBadRequest, "The address \"" + ae.Addr + "\" is not valid: " + ae.Reason + "."
	}
	return httpcgi.StatusBadRequest, "The message cannot be sent as it is: " + strings.TrimPrefix(err.Error(), "compose: ")
}
