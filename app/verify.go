package app

import (
	"postern/httpcgi"
)

// verify is the message page with its signatures checked by the user's
// GnuPG (GET /verify: f, id, part as /msg). The root room lets this
// request run GnuPG when crypto is on (gate.Request.Runs).
func (a *app) verify(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.cfg.Crypto {
		return errNotFound
	}
	return a.showMessage(w, r, r.URL.Query(), &cryptoMode{verify: true})
}
