package app

import (
	"context"
	"errors"
	"mime"
	"net/url"
	"os"
	"strings"

	"postern/autocrypt"
	"postern/httpcgi"
	"postern/message"
	"postern/seal"
	"postern/templates"
)

// autocryptOf finds the valid Autocrypt header of a message (package
// autocrypt) for the message page's offer to import the sender's key.
// It runs nothing: the key is read by GnuPG only when the user clicks
// (POST /keys/autocrypt). Bounces (multipart/report) carry the header
// of someone else's mail and are skipped, as Autocrypt Level 1 says.
func autocryptOf(v *message.View) (autocrypt.Header, bool) {
	if len(v.From) != 1 {
		return autocrypt.Header{}, false
	}
	var values []string
	for _, h := range v.Headers {
		switch {
		case strings.EqualFold(h.Name, "Content-Type"):
			if mt, _, _ := mime.ParseMediaType(h.Value); mt == "multipart/report" {
				return autocrypt.Header{}, false
			}
		case strings.EqualFold(h.Name, "Autocrypt"):
			values = append(values, h.Value)
		}
	}
	if len(values) == 0 {
		return autocrypt.Header{}, false
	}
	h, err := autocrypt.Parse(values, v.From[0].Addr)
	return h, err == nil
}

// autocryptOffer is the message page's offer, when there is a key.
func (a *app) autocryptOffer(m *msgRef, v *message.View) *templates.AutocryptOffer {
	if !a.keysOn() || !a.cfg.CryptoOpenPGP || m.part != "" {
		return nil
	}
	h, ok := autocryptOf(v)
	if !ok {
		return nil
	}
	return &templates.AutocryptOffer{Addr: h.Addr, Mutual: h.PreferMutual}
}

// keysAutocrypt imports the key of the Autocrypt header of a message
// (POST /keys/autocrypt: f, id) and shows the Keys page.
func (a *app) keysAutocrypt(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.keysOn() || !a.cfg.CryptoOpenPGP {
		return errNotFound
	}
	m, err := a.parseRef(url.Values{"f": {r.PostForm.Get("f")}, "id": {r.PostForm.Get("id")}})
	if err != nil {
		return err
	}
	f, err := os.Open(m.path)
	if err != nil {
		return err
	}
	v := message.Parse(f, message.DefaultLimits)
	f.Close()
	h, ok := autocryptOf(v)
	if !ok {
		return badRequest("That message carries no valid Autocrypt header.", nil)
	}
	return a.importKeys(w, r, &templates.KeysData{}, h.KeyData)
}

// autocryptField is the Autocrypt header field for a message sent from
// the address from (package autocrypt's Field: the user's own OpenPGP
// key, exported minimal), or "" when the user's preference "autocrypt"
// is off (the default; then nothing runs), the site offers no OpenPGP,
// or the user has no usable own key for from: a secret key that can be
// encrypted to, as seal.OwnKey finds it. POST /send may run GnuPG when
// crypto is on (gate.Request.Runs). A failure is logged and the message
// goes without the header.
func (a *app) autocryptField(from string) string {
	if !a.cfg.Crypto || !a.cfg.CryptoOpenPGP || !a.prefs().Autocrypt {
		return ""
	}
	ctx := context.Background()
	g := a.gnupgRunner()
	fpr, err := seal.OwnKey(ctx, g, seal.OpenPGP, from, false)
	if err != nil {
		if !errors.Is(err, seal.ErrNoOwnKey) {
			logf("autocrypt: %v", err)
		}
		return ""
	}
	key, err := g.ExportMinimal(ctx, fpr)
	if err != nil {
		logf("autocrypt: exporting %s: %v", fpr, err)
		return ""
	}
	f, err := autocrypt.Field(from, key, false)
	if err != nil {
		logf("%v", err)
		return ""
	}
	return f
}
