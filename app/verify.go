package app

import (
	"strings"

	"postern/httpcgi"
)

// verify is the message page with its signatures checked by the user's
// GnuPG (GET /verify: f, id, part as /msg). The root room lets this
// request run GnuPG when crypto is on (gate.Request.Runs). With frame=1
// and item (a signed piece's part path, "top" for the message's own) it
// is only the status of that piece's signatures, for the frame that the
// message page (GET /msg, which runs nothing) embeds: see verifyFrame.
func (a *app) verify(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.cfg.Crypto {
		return errNotFound
	}
	q := r.URL.Query()
	if q.Get("frame") == "1" {
		return a.verifyFrame(w, r)
	}
	return a.showMessage(w, r, q, &cryptoMode{verify: true})
}

// frameAncestors replaces the page's frame-ancestors 'none': the frame
// of the signature status may be shown by postern's own pages only, and
// is itself sandboxed (no script, an opaque origin, no form, no popup,
// no navigation of the page around it), as its <iframe sandbox=""> is;
// its form-action is 'none'.
const frameAncestors = "frame-ancestors 'self'; sandbox"

// verifyFrame renders the status of one signed piece's signatures
// alone (no header, no navigation), to be framed by postern itself:
// Content-Security-Policy frame-ancestors 'self' and X-Frame-Options
// SAMEORIGIN instead of every other page's 'none' and DENY. It neither
// marks the message read nor shows its text.
func (a *app) verifyFrame(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	q := r.URL.Query()
	item := q.Get("item")
	if item == "" {
		return badRequest("Which part's signature?", nil)
	}
	m, err := a.parseRef(q)
	if err != nil {
		return err
	}
	cp := a.cryptoFor(r, m, &cryptoMode{verify: true, only: item})
	h := w.Header()
	csp := strings.Replace(h.Get("Content-Security-Policy"), "frame-ancestors 'none'", frameAncestors, 1)
	h.Set("Content-Security-Policy", strings.Replace(csp, "form-action 'self'", "form-action 'none'", 1))
	h.Set("X-Frame-Options", "SAMEORIGIN")
	p := a.page(r, "Signature")
	p.Bare = true
	p.VerifyFrame = cp.notes
	render(w, httpcgi.StatusOK, "verifyframe", p)
	return nil
}

// allowSelfFrames adds frame-src 'self' to the page's
// Content-Security-Policy (once): the page frames postern's own URLs
// (the HTML of a message, the status of a signature).
func allowSelfFrames(h httpcgi.Header) {
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-src") {
		h.Set("Content-Security-Policy", strings.Replace(csp, "default-src 'none'", "default-src 'none'; frame-src 'self'", 1))
	}
}
