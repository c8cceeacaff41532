package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/mail"
	"os"

	"postern/compose"
	"postern/httpcgi"
	"postern/mailcrypto"
	"postern/maildir"
	"postern/message"
	"postern/seal"
	"postern/templates"
)

// lockedDraft is the error of resumeDraft for a draft stored encrypted:
// GET /compose, which runs nothing, shows the form that opens it (POST
// /compose, which may run GnuPG).
type lockedDraft struct{ method seal.Method }

func (e *lockedDraft) Error() string { return "app: the draft is encrypted" }

// encryptedItem is the encryption of raw's own entity (a draft sealed by
// saveDraft: PGP/MIME or S/MIME enveloped), if it is one.
func encryptedItem(raw []byte) (mailcrypto.Item, bool) {
	for _, it := range mailcrypto.RecogniseBytes(raw, mailcrypto.Limits{}) {
		if it.Whole && (it.Kind == mailcrypto.PGPEncrypted || it.Kind == mailcrypto.SMIMEEnveloped) {
			return it, true
		}
	}
	return mailcrypto.Item{}, false
}

// methodOf is the seal method of an item.
func methodOf(k mailcrypto.Kind) seal.Method {
	if k.OpenPGP() {
		return seal.OpenPGP
	}
	return seal.SMIME
}

// readDraft reads the draft key of the Drafts folder, within the limit of
// what mailcrypto reads.
func (a *app) readDraft(key string) ([]byte, string, error) {
	if err := maildir.ValidKey(key); err != nil {
		return nil, "", badRequest("That is not a valid draft.", err)
	}
	path, err := a.store.MessagePath(a.cfg.Drafts, key)
	if err != nil {
		return nil, "", err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, mailcrypto.DefaultLimits.MaxMessageBytes))
	return raw, path, err
}

// showUnlock renders the form that opens an encrypted draft.
func (a *app) showUnlock(w httpcgi.ResponseWriter, r *httpcgi.Request, status int, key string, m seal.Method, problem string) error {
	p := a.page(r, "Encrypted draft")
	p.Compose = &templates.ComposeData{Unlock: &templates.DraftUnlock{Draft: key, Method: methodName(m), Wrong: status == httpcgi.StatusForbidden}, Problem: problem}
	render(w, status, "compose", p)
	return nil
}

// composeUnlock opens an encrypted draft with the passphrase of the
// user's key (POST /compose: draft, passphrase; CSRF checked by route)
// and shows the compose form with Encrypt on. The decrypted draft is
// parsed in memory; its attachments are copied into the upload directory,
// as the attachments of any draft being edited are.
func (a *app) composeUnlock(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.cfg.Crypto {
		return errNotFound
	}
	key := r.PostForm.Get("draft")
	raw, path, err := a.readDraft(key)
	if err != nil {
		return err
	}
	it, ok := encryptedItem(raw)
	if !ok {
		return badRequest("That draft is not encrypted: open it from the Drafts folder.", nil)
	}
	m := methodOf(it.Kind)
	if !a.cryptoEnabled(it.Kind) {
		return badRequest("That draft is encrypted with "+methodName(m)+", which this site does not offer.", nil)
	}
	pp, err := formPassphrase(r.PostForm)
	if err != nil {
		return err
	}
	defer clear(pp)
	ctx := context.Background()
	g := a.gnupgRunner()
	res := mailcrypto.Decrypt(ctx, g, it, pp, mailcrypto.Limits{})
	if pp != nil {
		if err := g.Forget(ctx); err != nil {
			logf("%v", err)
		}
	}
	defer clear(res.Plaintext)
	switch res.State {
	case mailcrypto.Decrypted:
	case mailcrypto.WrongPassphrase, mailcrypto.NeedPassphrase:
		return a.showUnlock(w, r, httpcgi.StatusForbidden, key, m, "That passphrase did not open your key. Type it again.")
	case mailcrypto.NoSecretKey:
		return a.showUnlock(w, r, httpcgi.StatusConflict, key, m, "This draft is encrypted to a key you no longer have; it cannot be opened.")
	default:
		if res.Err != nil {
			logf("opening draft %s of %s: %v", path, a.acct.User, res.Err)
		}
		return a.showUnlock(w, r, httpcgi.StatusBadGateway, key, m, "The draft could not be decrypted (GnuPG failed).")
	}
	if err := os.MkdirAll(a.uploadDir(), 0o700); err != nil {
		return err
	}
	v := message.Parse(bytes.NewReader(res.Plaintext), message.DefaultLimits)
	d := compose.ResumeDraft(v)
	for _, part := range v.Attachments {
		att, err := compose.SavePart(bytes.NewReader(res.Plaintext), part, a.uploadDir(), a.limits())
		if err != nil {
			return tooLargeOr(err)
		}
		if att.Name == "attachment" || att.Name == "" {
			att.Name = displayName(part)
		}
		if err := writeMeta(att); err != nil {
			return err
		}
		d.Attachments = append(d.Attachments, att)
	}
	if d.Token, err = compose.NewToken(); err != nil {
		return err
	}
	// A saved draft keeps its identity, if still allowed, and its text
	// as it is, as compose does for a draft in clear.
	list := a.identityList()
	chosen, ok := list.Find(d.From.Address)
	if !ok {
		chosen = list.Default()
	}
	d.From = mail.Address{Name: chosen.Name, Address: chosen.Address}
	p := a.page(r, "Draft")
	p.Compose = a.composeData(d, formState{draft: key})
	p.Compose.Crypto = a.composeCrypto(cryptoChoice{encrypt: true, method: m})
	allowScript(w)
	render(w, httpcgi.StatusOK, "compose", p)
	return nil
}

// isLocked reports whether err is resumeDraft's for an encrypted draft.
func isLocked(err error) (*lockedDraft, bool) {
	var l *lockedDraft
	return l, errors.As(err, &l)
}

// encryptedOriginal reports whether the message a form answers is
// encrypted as a whole, and with which method.
func (a *app) encryptedOriginal(st formState) (seal.Method, bool) {
	if len(a.sealMethods()) == 0 || st.origID == "" || a.checkFolder(st.origFolder) != nil {
		return 0, false
	}
	path, err := a.store.MessagePath(st.origFolder, st.origID)
	if err != nil {
		return 0, false
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, mailcrypto.DefaultLimits.MaxMessageBytes))
	if err != nil {
		return 0, false
	}
	it, ok := encryptedItem(raw)
	if !ok {
		return 0, false
	}
	return methodOf(it.Kind), true
}
