package app

import (
	"net/url"

	"postern/httpcgi"
)

// maxPassphrase bounds the passphrase field.
const maxPassphrase = 4096

// formPassphrase is the passphrase field of f as bytes for GnuPG's
// passphrase pipe (the caller clears them), nil when empty; a 400 when
// longer than maxPassphrase.
func formPassphrase(f url.Values) ([]byte, error) {
	pass := f.Get("passphrase")
	if len(pass) > maxPassphrase {
		return nil, badRequest("That passphrase is too long.", nil)
	}
	if pass == "" {
		return nil, nil
	}
	return []byte(pass), nil
}

// decrypt is the message page with one encrypted item decrypted by the
// user's GnuPG for this response only (POST /decrypt: f, id, item, the
// passphrase; CSRF checked by route). The passphrase is handed to GnuPG
// on a pipe and dropped; the plaintext lives in memory until the page is
// written. Signatures are checked too: the request may run GnuPG. With
// remember=1 the user's agent keeps the passphrase for the session
// (remember.go).
func (a *app) decrypt(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.cfg.Crypto {
		return errNotFound
	}
	f := r.PostForm
	pp, err := formPassphrase(f)
	if err != nil {
		return err
	}
	defer clear(pp)
	q := url.Values{"f": {f.Get("f")}, "id": {f.Get("id")}}
	return a.showMessage(w, r, q, &cryptoMode{verify: true, item: f.Get("item"), passphrase: pp, remember: f.Get("remember") == "1"})
}
