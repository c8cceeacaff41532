package app

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"os"
	"strings"

	"postern/gnupg"
	"postern/httpcgi"
	"postern/mailcrypto"
	"postern/message"
	"postern/sanitize"
	"postern/templates"
)

// maxChecks bounds the GnuPG calls of one page (each has its own time
// limit): the pieces beyond are named but not checked.
const maxChecks = 8

// cryptoMode is what a GnuPG request (gate.GnuPG) asks of the message
// page: check the signatures (GET /verify), decrypt one item (POST
// /decrypt). nil for GET /msg, which runs nothing.
type cryptoMode struct {
	verify     bool
	only       string // the one item to check (the frame of GET /verify?frame=1), "" for all
	item       string // the Part of the item to decrypt ("top" for "")
	passphrase []byte
	// remember: the user asked to keep the passphrase in the agent for
	// the session (remember.go).
	remember bool
}

// cryptoPage is the signed and encrypted pieces of one message page.
type cryptoPage struct {
	notes   []templates.CryptoNote // parallel to items
	covers  []string               // the part each note goes next to
	claimed map[string]bool        // parts that are no attachments of their own
	framed  bool                   // a note has a FrameURL: the page frames /verify
}

// itemKey names an item in a form ("" is the top multipart).
func itemKey(part string) string {
	if part == "" {
		return "top"
	}
	return part
}

// gnupgRunner is the user's GnuPG, as postern.conf says.
func (a *app) gnupgRunner() *gnupg.Runner {
	r := &gnupg.Runner{Home: a.cfg.GnuPGHomeFor(a.acct.User, a.acct.Home),
		Timeout: a.cfg.GnuPGTimeout, MaxOutput: int64(a.cfg.GnuPGMaxOutput)}
	if a.cfg.CryptoOpenPGP {
		r.GPG = a.cfg.GPGPath
	}
	if a.cfg.CryptoSMIME {
		r.GPGSM = a.cfg.GPGSMPath
	}
	return r
}

// enabled reports whether crypto may act on an item of kind k.
func (a *app) cryptoEnabled(k mailcrypto.Kind) bool {
	return a.cfg.Crypto && (k.OpenPGP() && a.cfg.CryptoOpenPGP || !k.OpenPGP() && a.cfg.CryptoSMIME)
}

// cryptoFor recognises the signed and encrypted pieces of the message of
// m and, in a GnuPG request, verifies or decrypts them.
func (a *app) cryptoFor(r *httpcgi.Request, m *msgRef, cm *cryptoMode) *cryptoPage {
	cp := &cryptoPage{claimed: map[string]bool{}}
	f, err := os.Open(m.path)
	if err != nil {
		return cp
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, mailcrypto.DefaultLimits.MaxMessageBytes))
	if err != nil {
		return cp
	}
	ctx := context.Background()
	checks, frames := 0, 0
	for _, it := range mailcrypto.RecogniseBytes(raw, mailcrypto.Limits{}) {
		if cm != nil && cm.only != "" && itemKey(it.Part) != cm.only {
			continue
		}
		if m.part != "" && it.Embedded != m.part && !strings.HasPrefix(it.Embedded, m.part+".") {
			continue
		}
		if it.Kind == mailcrypto.PGPKeys {
			continue // a key file is a real attachment, named as such
		}
		for _, p := range it.Parts {
			cp.claimed[p] = true
		}
		n := a.noteOf(r, m, it)
		if cm == nil && n.VerifyURL != "" && frames < maxChecks {
			// GET /msg runs nothing: a frame asks GET /verify.
			frames++
			q := url.Values{"f": {m.folder}, "id": {m.id}, "frame": {"1"}, "item": {itemKey(it.Part)}}
			if m.part != "" {
				q.Set("part", m.part)
			}
			n.FrameURL = link(r, "/verify", q)
			cp.framed = true
		}
		if cm != nil && a.cryptoEnabled(it.Kind) && checks < maxChecks {
			switch {
			case it.Kind.Signed() && cm.verify:
				checks++
				n = verifiedNote(n, mailcrypto.Verify(ctx, a.gnupgRunner(), it))
			case it.Kind.Encrypted() && cm.item == itemKey(it.Part):
				checks++
				n = a.decryptedNote(ctx, r, m, n, it, cm)
			}
		}
		cp.notes = append(cp.notes, n)
		cp.covers = append(cp.covers, it.Covers)
	}
	return cp
}

// protocol names an item's standard for a reader.
func protocol(k mailcrypto.Kind) string {
	if k.OpenPGP() {
		return "OpenPGP"
	}
	return "S/MIME"
}

// noteOf is what the page says of an item before anything is checked.
func (a *app) noteOf(r *httpcgi.Request, m *msgRef, it mailcrypto.Item) templates.CryptoNote {
	n := templates.CryptoNote{Part: it.Covers, Whole: it.Whole}
	where := "This message is"
	if !it.Whole {
		where = "Part " + it.Covers + " of this message is"
		if it.Embedded != "" && it.Embedded != m.part {
			where = "Part " + it.Covers + " of the attached message " + it.Embedded + " is"
		}
	}
	rest := ""
	if !it.Whole {
		rest = "; the rest of the message is not"
	}
	inline := it.Kind == mailcrypto.PGPInlineSigned || it.Kind == mailcrypto.PGPInlineEncrypted
	if inline && !it.Whole {
		where = "A block of text in part " + it.Covers + " is"
		rest = "; the text around it is not"
	}
	switch {
	case it.Kind.Signed():
		n.Kind, n.State = "signed", "unchecked"
		n.Text = where + " signed (" + protocol(it.Kind) + ")" + rest + "."
		if it.Truncated {
			n.State, n.Text = "unverifiable", n.Text+" It is too large to check."
		} else if a.cryptoEnabled(it.Kind) {
			q := url.Values{"f": {m.folder}, "id": {m.id}}
			if m.part != "" {
				q.Set("part", m.part)
			}
			n.VerifyURL = link(r, "/verify", q)
		}
	case it.Kind.Encrypted():
		n.Kind, n.State = "encrypted", "encrypted"
		n.Text = where + " encrypted (" + protocol(it.Kind) + ")" + rest + "."
		if a.cryptoEnabled(it.Kind) && !it.Truncated {
			n.Decrypt = &templates.DecryptForm{Action: scriptName(r) + "/decrypt", CSRF: a.sess.CSRF,
				Folder: m.folder, ID: m.id, Item: itemKey(it.Part), Remember: minutes(a.sessionIdle())}
		}
	case it.Kind == mailcrypto.OrphanSignature:
		n.Kind, n.State = "signed", "unverifiable"
		n.Text = "A signature (part " + it.Part + ") that nothing ties to a part: it is not checked and proves nothing."
	default: // UnknownSigned
		n.Kind, n.State = "signed", "unverifiable"
		n.Text = where + " signed in a way postern does not know; the signature is not checked."
	}
	return n
}

// stateTexts are the sentences of a checked signature.
var stateTexts = map[mailcrypto.State]string{
	mailcrypto.Good:         "Good signature",
	mailcrypto.Untrusted:    "Valid signature, but the key is not known to be the signer's (not certified, or the certificate chain does not end at a root you trust)",
	mailcrypto.Bad:          "BAD signature: the signed part or its signature was changed",
	mailcrypto.UnknownKey:   "Signed with a key you do not have",
	mailcrypto.Expired:      "Signature by an expired key (or an expired signature)",
	mailcrypto.Revoked:      "Signature by a REVOKED key",
	mailcrypto.Failed:       "The signature could not be checked",
	mailcrypto.Missing:      "The signature is missing",
	mailcrypto.Unverifiable: "The signature cannot be checked",
}

// verifiedNote is n with the result of a check.
func verifiedNote(n templates.CryptoNote, v mailcrypto.Verification) templates.CryptoNote {
	n.State = v.State.String()
	n.VerifyURL, n.FrameURL = "", ""
	if v.State == mailcrypto.Missing || v.State == mailcrypto.Failed && len(v.Signers) == 0 {
		n.Text += " " + stateTexts[v.State] + "."
		if v.Err != nil {
			logf("checking a signature: %v", v.Err)
		}
		return n
	}
	for _, s := range v.Signers {
		sn := templates.SignerNote{Text: stateTexts[s.State], Fingerprint: s.Fingerprint, FromMatches: s.FromMatches}
		if s.UserID != "" {
			sn.Text += " by " + s.UserID
		}
		if s.State == mailcrypto.UnknownKey {
			sn.Text += " (key id " + s.KeyID + ")"
		}
		if !s.FromMatches && s.State != mailcrypto.Bad && s.State != mailcrypto.UnknownKey && s.State != mailcrypto.Failed {
			sn.FromWarning = "The signer's addresses (" + strings.Join(s.Addresses, ", ") + ") are not the sender's address."
			if len(s.Addresses) == 0 {
				sn.FromWarning = "The key names no address to compare with the sender's."
			}
		}
		n.Signers = append(n.Signers, sn)
	}
	switch {
	case v.Content == nil:
	case v.Item.Kind == mailcrypto.SMIMEOpaqueSigned:
		n.Content = contentText(v.Content)
	case v.Item.Kind == mailcrypto.PGPInlineSigned && !v.Item.Whole:
		// Exactly what the signature covers, apart from the text around it.
		n.Content = []templates.TextPart{plainText(v.Content)}
	}
	return n
}

// contentText parses decrypted or verified MIME content, in memory, as
// text (HTML shown as text: decrypted HTML is never framed with the rest).
func contentText(b []byte) []templates.TextPart {
	v := message.Parse(bytes.NewReader(b), message.DefaultLimits)
	var out []templates.TextPart
	for _, t := range v.Text {
		out = append(out, textPart(t))
	}
	return out
}

// decryptedNote is n after a decryption attempt.
func (a *app) decryptedNote(ctx context.Context, r *httpcgi.Request, m *msgRef, n templates.CryptoNote, it mailcrypto.Item, cm *cryptoMode) templates.CryptoNote {
	d := mailcrypto.Decrypt(ctx, a.gnupgRunner(), it, cm.passphrase, mailcrypto.Limits{})
	if cm.passphrase != nil {
		// The agent caches what it unlocked; the passphrase typed in
		// the form is for this request only, unless the user asked to
		// keep it for the session and the agent's cache time allows.
		n.Text += a.keepOrForget(ctx, cm.remember && d.State == mailcrypto.Decrypted)
	}
	n.State = d.State.String()
	switch d.State {
	case mailcrypto.Decrypted:
		n.Decrypt = nil
		n.Text += " Decrypted for this page only: it is not saved, cached or indexed."
		if it.Kind == mailcrypto.PGPInlineEncrypted || it.Kind == mailcrypto.PGPEncryptedFile {
			n.Content = []templates.TextPart{plainText(d.Plaintext)}
		} else {
			n.Content = contentText(d.Plaintext)
			n.Frames = decryptedHTML(d.Plaintext)
			if ph, ok := mailcrypto.ProtectedHeaders(d.Plaintext); ok {
				n.ProtectedSubject = ph.Subject
			}
		}
		n.Quote = a.quoteForm(r, m, it, d.Plaintext)
		for _, s := range d.Signers {
			n.Signers = append(n.Signers, templates.SignerNote{Text: stateTexts[s.State] + " by " + s.UserID + " (inside the encryption)", Fingerprint: s.Fingerprint})
		}
		for _, in := range d.Inner {
			if !in.Kind.Signed() {
				continue
			}
			inner := templates.CryptoNote{Kind: "signed", Part: in.Covers, Whole: in.Whole}
			inner.Text = "The decrypted content is signed (" + protocol(in.Kind) + ")."
			if !in.Whole {
				inner.Text = "Part " + in.Covers + " of the decrypted content is signed; the rest is not."
			}
			n.Inner = append(n.Inner, verifiedNote(inner, mailcrypto.Verify(ctx, a.gnupgRunner(), in)))
		}
		clear(d.Plaintext)
	case mailcrypto.NoIntegrity:
		n.Decrypt = nil
		n.Text += " It is refused: it has no integrity protection (no MDC), so it may have been changed to leak its own text when shown (the EFAIL attacks). Ask the sender to use a current OpenPGP program."
	case mailcrypto.WrongPassphrase:
		if n.Decrypt != nil {
			n.Decrypt.Wrong = true
		}
	case mailcrypto.NeedPassphrase:
		n.Text += " Your key needs its passphrase."
	case mailcrypto.NoSecretKey:
		n.Decrypt = nil
		n.Text += " It is encrypted to keys you do not have (" + strings.Join(d.KeyIDs, ", ") + ")."
	default:
		n.Text += " It could not be decrypted."
		if d.Err != nil {
			logf("decrypting: %v", d.Err)
		}
	}
	return n
}

// plainText is inline text as one text part.
func plainText(b []byte) templates.TextPart {
	var tp templates.TextPart
	for _, l := range strings.Split(strings.ToValidUTF8(string(b), "\uFFFD"), "\n") {
		tp.Lines = append(tp.Lines, templates.Line{Spans: []templates.Span{{Text: strings.TrimRight(l, "\r")}}})
	}
	return tp
}

// annotate puts each note next to the first shown text part it covers,
// or above the body when it covers none, and shows the Subject protected
// inside the decrypted content of the whole message in place of the
// outer one.
func (cp *cryptoPage) annotate(d *templates.MessageData) {
	for _, n := range cp.notes {
		if n.Whole && n.ProtectedSubject != "" && n.ProtectedSubject != d.Subject {
			d.OuterSubject, d.Subject = d.Subject, n.ProtectedSubject
			break
		}
	}
	for i := range cp.notes {
		placed := false
		cov := cp.covers[i]
		for j := range d.Text {
			p := d.Text[j].Part
			if d.Text[j].Crypto == nil && cov != "" && (p == cov || strings.HasPrefix(p, cov+".")) {
				d.Text[j].Crypto = &cp.notes[i]
				placed = true
				break
			}
		}
		if !placed {
			d.Crypto = append(d.Crypto, cp.notes[i])
		}
	}
}

// decryptedHTML sanitizes the HTML parts of decrypted MIME content, with
// remote content blocked whatever the user's choice for the sender (a
// decrypted page must not call out: EFAIL) and no cid: images.
func decryptedHTML(b []byte) []string {
	v := message.Parse(bytes.NewReader(b), message.DefaultLimits)
	var out []string
	for _, t := range v.Body {
		if !t.FromHTML {
			continue
		}
		src, _, err := message.ReadHTML(bytes.NewReader(b), t.Part, message.DefaultLimits)
		if err != nil {
			continue
		}
		res := sanitize.String(src, sanitize.Options{AllowRemote: false})
		out = append(out, string(res.HTML))
	}
	return out
}
