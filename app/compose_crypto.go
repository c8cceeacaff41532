package app

import (
	"bytes"
	"context"
	"errors"
	"net/mail"
	"net/url"
	"os"
	"postern/identity"
	"strings"
	"time"

	"postern/compose"
	"postern/gnupg"
	"postern/httpcgi"
	"postern/mailcrypto"
	"postern/message"
	"postern/seal"
	"postern/templates"
)

// cryptoChoice is what the compose form asks of signing and encryption.
type cryptoChoice struct {
	sign, encrypt bool
	method        seal.Method
}

// on reports whether the message is to be signed or encrypted.
func (c cryptoChoice) on() bool { return c.method != 0 && (c.sign || c.encrypt) }

// sealMethods are the methods the site enables (crypto = yes, and
// crypto_openpgp and crypto_smime), OpenPGP first.
func (a *app) sealMethods() []seal.Method {
	if !a.cfg.Crypto {
		return nil
	}
	var out []seal.Method
	if a.cfg.CryptoOpenPGP {
		out = append(out, seal.OpenPGP)
	}
	if a.cfg.CryptoSMIME {
		out = append(out, seal.SMIME)
	}
	return out
}

// allowedMethod is m when the site enables it, else the first enabled
// method (0 when none).
func (a *app) allowedMethod(m seal.Method) seal.Method {
	ms := a.sealMethods()
	for _, x := range ms {
		if x == m {
			return m
		}
	}
	if len(ms) == 0 {
		return 0
	}
	return ms[0]
}

// cryptoDefaults is the choice a new compose form starts with: for Sign
// and for Encrypt, the default of the identity from
// (identity.Identity's SignDefault and EncryptDefault), or the
// preferences' where the identity has none of its own (Inherit).
func (a *app) cryptoDefaults(from string) cryptoChoice {
	p := a.prefs()
	pm := identity.Crypto(p.CryptoMethod)
	sign, encrypt := identity.Off, identity.Off
	if p.SignDefault {
		sign = pm
	}
	if p.EncryptDefault {
		encrypt = pm
	}
	if id, ok := a.identityList().Find(from); ok {
		if s := id.SignDefault(); s != identity.Inherit {
			sign = s
		}
		if e := id.EncryptDefault(); e != identity.Inherit {
			encrypt = e
		}
	}
	c := identityCrypto(sign, encrypt)
	if c.method == 0 {
		c.method = seal.ParseMethod(p.CryptoMethod)
	}
	if c.method = a.allowedMethod(c.method); c.method == 0 {
		return cryptoChoice{}
	}
	return c
}

// identityCrypto is the form's choice from the methods Sign and Encrypt
// start with (Off for off). The form has one method for both: Encrypt's
// wins, and Sign stays on with it only when it signs with the same.
func identityCrypto(sign, encrypt identity.Crypto) cryptoChoice {
	on := func(c identity.Crypto) bool { return c == identity.OpenPGP || c == identity.SMIME }
	switch {
	case on(encrypt):
		return cryptoChoice{encrypt: true, sign: sign == encrypt, method: seal.ParseMethod(string(encrypt))}
	case on(sign):
		return cryptoChoice{sign: true, method: seal.ParseMethod(string(sign))}
	}
	return cryptoChoice{}
}

// cryptoFromForm reads the choice of a posted compose form; a form
// without the fieldset (crypto off when it was shown) chooses nothing.
func (a *app) cryptoFromForm(v url.Values) cryptoChoice {
	if v.Get("crypto_form") == "" {
		return cryptoChoice{}
	}
	m := a.allowedMethod(seal.ParseMethod(v.Get("crypto_method")))
	if m == 0 {
		return cryptoChoice{}
	}
	return cryptoChoice{sign: v.Get("sign") != "", encrypt: v.Get("encrypt") != "", method: m}
}

// composeCrypto is the fieldset of the compose form; nil when the site
// offers no method.
func (a *app) composeCrypto(c cryptoChoice) *templates.ComposeCrypto {
	ms := a.sealMethods()
	if len(ms) == 0 {
		return nil
	}
	cc := &templates.ComposeCrypto{Sign: c.sign, Encrypt: c.encrypt, Method: c.method.String()}
	if cc.Method == "" {
		cc.Method = ms[0].String()
	}
	for _, m := range ms {
		cc.Methods = append(cc.Methods, templates.Choice{Value: m.String(), Label: methodName(m)})
	}
	return cc
}

// methodName names a method for people.
func methodName(m seal.Method) string {
	if m == seal.SMIME {
		return "S/MIME"
	}
	return "OpenPGP"
}

// sealProblem is why a message could not be signed or encrypted: a
// status and a sentence for the form, and the recipients without a key.
type sealProblem struct {
	status    int
	text      string
	missing   []string
	untrusted []string // those of missing whose certificate is not trusted
	wrong     bool     // the passphrase was wrong or missing
}

// splitBcc returns the addresses of d's To and Cc, and those of its Bcc
// that are not among them.
func splitBcc(d *compose.Draft) (visible, bcc []string) {
	seen := map[string]bool{}
	for i, f := range []string{d.To, d.Cc, d.Bcc} {
		list, _ := compose.ParseAddressList(f) // checked by Validate
		for _, ad := range list {
			k := strings.ToLower(ad.Address)
			if seen[k] {
				continue
			}
			seen[k] = true
			if i < 2 {
				visible = append(visible, ad.Address)
			} else {
				bcc = append(bcc, ad.Address)
			}
		}
	}
	return visible, bcc
}

// recipientKeys looks up the keys of the recipients of d (the Bcc ones
// as hidden recipients) and the user's own (for the Sent copy): the
// fingerprints to encrypt to, or the problem.
func (a *app) recipientKeys(ctx context.Context, g *gnupg.Runner, m seal.Method, d *compose.Draft) (shown, hidden []string, p *sealProblem) {
	from := d.From.Address
	visible, bcc := splitBcc(d)
	if len(bcc) > 0 && m == seal.SMIME {
		return nil, nil, &sealProblem{status: httpcgi.StatusConflict,
			text: "Not sent: an S/MIME encrypted message names the certificate of every recipient, so the others would see who got it in Bcc. Send it to the Bcc recipients separately, use OpenPGP, or take encryption off. Nothing was lost."}
	}
	rs, err := seal.FindRecipients(ctx, g, m, append(visible, bcc...))
	if err != nil {
		logf("looking up keys for %s: %v", a.acct.User, err)
		return nil, nil, &sealProblem{status: httpcgi.StatusBadGateway, text: "Your keys could not be listed (GnuPG failed), so the message was not sent. Nothing was lost."}
	}
	if len(rs.Missing) > 0 {
		what := "key"
		if m == seal.SMIME {
			what = "certificate"
		}
		return nil, nil, &sealProblem{status: httpcgi.StatusConflict, missing: rs.Missing, untrusted: rs.Untrusted,
			text: "Not sent: there is no usable " + methodName(m) + " " + what + " in your keyring for " + strings.Join(rs.Missing, ", ") +
				"." + untrustedText(rs.Untrusted) + " Import their " + what + "s, remove them, or take encryption off to send it unencrypted. Nothing was lost."}
	}
	own, err := seal.OwnKey(ctx, g, m, from, false)
	if err != nil {
		return nil, nil, ownKeyProblem(m, from, "encrypt (your own key keeps the copy in your folders readable)", err)
	}
	// The keys of the visible recipients, then those of the Bcc ones
	// that are not also a visible recipient's.
	vis, err := seal.FindRecipients(ctx, g, m, visible)
	if err != nil {
		return nil, nil, &sealProblem{status: httpcgi.StatusBadGateway, text: "Your keys could not be listed (GnuPG failed), so the message was not sent. Nothing was lost."}
	}
	taken := map[string]bool{own: true}
	shown = []string{own}
	for _, f := range vis.Fingerprints {
		if !taken[f] {
			taken[f] = true
			shown = append(shown, f)
		}
	}
	for _, f := range rs.Fingerprints {
		if !taken[f] {
			taken[f] = true
			hidden = append(hidden, f)
		}
	}
	return shown, hidden, nil
}

// untrustedText names the recipients whose S/MIME certificate is in the
// keyring but not valid (seal.Recipients.Untrusted), or is "".
func untrustedText(addrs []string) string {
	if len(addrs) == 0 {
		return ""
	}
	return " The certificate of " + strings.Join(addrs, ", ") + " is there but not trusted: its chain does not end at a root certificate you trust (or it is otherwise invalid), so GnuPG would not encrypt to it. Trust the issuer's root in your gpgsm trustlist.txt from the shell if it is right."
}

// ownKeyProblem is the problem of a missing own key.
func ownKeyProblem(m seal.Method, from, what string, err error) *sealProblem {
	switch {
	case errors.Is(err, seal.ErrOwnKeyUntrusted):
		return &sealProblem{status: httpcgi.StatusConflict,
			text: "Your S/MIME certificate for " + from + " is there but not trusted: its chain does not end at a root certificate you trust (or it is otherwise invalid), so GnuPG would not use it to " + what + ". Trust the issuer's root in your gpgsm trustlist.txt from the shell if it is right. Nothing was lost."}
	case errors.Is(err, seal.ErrNoOwnKey):
		return &sealProblem{status: httpcgi.StatusConflict,
			text: "You have no usable " + methodName(m) + " secret key for " + from + " to " + what + ". Nothing was lost."}
	}
	logf("looking up the own key: %v", err)
	return &sealProblem{status: httpcgi.StatusBadGateway, text: "Your keys could not be listed (GnuPG failed). Nothing was lost."}
}

// sealDraft builds d (with Bcc when draft, for the Drafts folder) and
// seals it as c says. For a message to send it returns the message and
// the copy for Sent (the message with its Bcc field added).
func (a *app) sealDraft(d *compose.Draft, c cryptoChoice, passphrase []byte, draft bool) (msg, sentCopy []byte, p *sealProblem) {
	ctx := context.Background()
	g := a.gnupgRunner()
	from := d.From.Address
	req := seal.Request{Method: c.method, Sign: c.sign && !draft, Encrypt: c.encrypt, Draft: draft}
	if draft {
		own, err := seal.OwnKey(ctx, g, c.method, from, false)
		if err != nil {
			return nil, nil, ownKeyProblem(c.method, from, "encrypt the draft to", err)
		}
		req.Recipients = []string{own}
	} else if c.encrypt {
		if req.Recipients, req.Hidden, p = a.recipientKeys(ctx, g, c.method, d); p != nil {
			return nil, nil, p
		}
	}
	if req.Sign {
		signer, err := seal.OwnKey(ctx, g, c.method, from, true)
		if err != nil {
			return nil, nil, ownKeyProblem(c.method, from, "sign with", err)
		}
		req.Signer = signer
		if len(passphrase) > 0 {
			req.Passphrase = passphrase
			defer func() {
				// The agent caches what it unlocked; the passphrase typed
				// in the form is for this request only.
				if err := g.Forget(ctx); err != nil {
					logf("%v", err)
				}
			}()
		}
	}
	d.SevenBit = true
	var built bytes.Buffer
	now := time.Now()
	build := d.Build
	if draft {
		build = d.BuildDraft
	}
	id, err := build(&built, now, "")
	if err != nil {
		status, text := formProblem(err)
		return nil, nil, &sealProblem{status: status, text: text}
	}
	d.MessageID = id
	out, err := seal.Seal(ctx, g, built.Bytes(), req)
	clear(built.Bytes())
	switch {
	case err == nil:
	case errors.Is(err, seal.ErrBadPassphrase):
		return nil, nil, &sealProblem{status: httpcgi.StatusForbidden, wrong: true, text: "The passphrase of your key is wrong, so the message was not signed or sent. Type it again. Nothing was lost."}
	case errors.Is(err, seal.ErrNeedPassphrase):
		return nil, nil, &sealProblem{status: httpcgi.StatusForbidden, wrong: true, text: "Your key needs its passphrase to sign: type it in the passphrase field. Nothing was lost."}
	default:
		logf("sealing a message of %s: %v", a.acct.User, err)
		return nil, nil, &sealProblem{status: httpcgi.StatusBadGateway, text: "GnuPG could not sign or encrypt the message, so it was not sent. Nothing was lost."}
	}
	if draft {
		return out, nil, nil
	}
	var withBcc bytes.Buffer
	if _, err := d.BuildDraft(&withBcc, now, ""); err == nil {
		sentCopy = seal.WithFields(out, withBcc.Bytes(), "Bcc")
	} else {
		sentCopy = out
	}
	clear(withBcc.Bytes())
	return out, sentCopy, nil
}

// checkKeys answers the form's "Check recipients' keys": which
// recipients have a usable key or certificate for the chosen method.
func (a *app) checkKeys(d *compose.Draft, c cryptoChoice, cview *templates.ComposeCrypto, show func(status int, problem, output, notice string) error) error {
	if cview == nil || c.method == 0 {
		return show(httpcgi.StatusBadRequest, "Signing and encryption are not available on this site.", "", "")
	}
	rcpts, err := d.Recipients()
	if err != nil {
		status, problem := formProblem(err)
		if strings.Contains(err.Error(), "no recipient") {
			problem = "Add at least one recipient (To, Cc or Bcc), then check their keys."
		}
		return show(status, problem, "", "")
	}
	rs, err := seal.FindRecipients(context.Background(), a.gnupgRunner(), c.method, rcpts)
	if err != nil {
		logf("looking up keys for %s: %v", a.acct.User, err)
		return show(httpcgi.StatusBadGateway, "Your keys could not be listed (GnuPG failed).", "", "")
	}
	cview.Checked, cview.Missing, cview.Untrusted = true, rs.Missing, rs.Untrusted
	missing := map[string]bool{}
	for _, m := range rs.Missing {
		missing[m] = true
	}
	for _, r := range rcpts {
		if !missing[r] {
			cview.Found = append(cview.Found, r)
		}
	}
	return show(httpcgi.StatusOK, "", "", "")
}

// maxQuote bounds the decrypted text a quoting reply carries (the form's
// body is bounded by maxFormBytes anyway).
const maxQuote = 256 << 10

// quoteForm is the "reply quoting the decrypted text" form of a decrypted
// item of the message m; nil when the site offers no method for it.
func (a *app) quoteForm(r *httpcgi.Request, m *msgRef, it mailcrypto.Item, plaintext []byte) *templates.QuoteForm {
	method := methodOf(it.Kind)
	if a.allowedMethod(method) != method {
		return nil
	}
	q := &templates.QuoteForm{Action: scriptName(r) + "/compose/quote", CSRF: a.sess.CSRF, Folder: m.folder, ID: m.id, Method: method.String()}
	if it.Kind == mailcrypto.PGPInlineEncrypted || it.Kind == mailcrypto.PGPEncryptedFile {
		q.Text = strings.ToValidUTF8(string(plaintext), "\uFFFD")
	} else {
		v := message.Parse(bytes.NewReader(plaintext), message.DefaultLimits)
		q.Text, q.Subject = v.BodyText(), v.Subject
	}
	if len(q.Text) > maxQuote {
		q.Text = strings.ToValidUTF8(q.Text[:maxQuote], "")
	}
	return q
}

// composeQuote starts a reply to the message f/id that quotes the
// decrypted text the form carries, with Encrypt on (POST /compose/quote:
// f, id, reply=1|all, method, subject, quote; CSRF checked by route). It
// runs nothing: the text comes from the decrypted page.
func (a *app) composeQuote(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	f := r.PostForm
	m, err := a.parseRef(url.Values{"f": {f.Get("f")}, "id": {f.Get("id")}})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(a.uploadDir(), 0o700); err != nil {
		return err
	}
	file, err := os.Open(m.path)
	if err != nil {
		return err
	}
	v := message.Parse(file, message.DefaultLimits)
	file.Close()
	text := f.Get("quote")
	if len(text) > maxQuote {
		text = strings.ToValidUTF8(text[:maxQuote], "")
	}
	if s := f.Get("subject"); s != "" && strings.TrimSpace(v.Subject) == "..." {
		v.Subject = s // the protected Subject, not the placeholder
	}
	d := compose.ReplyQuoting(v, a.identities(), f.Get("reply") == "all", text)
	if d.Token, err = compose.NewToken(); err != nil {
		return err
	}
	// The identity the message was sent to, with its signature, as for
	// any reply.
	chosen := a.identityList().ForReply(identity.Recipients(v))
	d.Body = identity.Insert(d.Body, chosen.Signature, chosen.Place())
	d.From = mail.Address{Name: chosen.Name, Address: chosen.Address}
	c := a.cryptoDefaults(d.From.Address)
	c.encrypt = true
	if mm := a.allowedMethod(seal.ParseMethod(f.Get("method"))); mm != 0 {
		c.method = mm
	}
	p := a.page(r, "Reply")
	p.Compose = a.composeData(d, formState{origFolder: m.folder, origID: m.id, mark: "R"})
	p.Compose.Crypto = a.composeCrypto(c)
	allowScript(w)
	render(w, httpcgi.StatusOK, "compose", p)
	return nil
}
