package app

import (
	"context"
	"io"
	"net/url"
	"os"
	"path"
	"strings"

	"postern/compose"
	"postern/gnupg"
	"postern/httpcgi"
	"postern/message"
	"postern/templates"
)

// Imports of the Keys page: a pasted block or an uploaded file (POST
// /keys/import) and an attachment of a message (POST
// /keys/import-part); package gnupg refuses secret keys.

// keysLimits bound the upload of a key to import.
func keysLimits(*app) compose.Limits {
	return compose.Limits{MaxFiles: 1, MaxFileBytes: gnupg.MaxImportBytes, MaxFieldBytes: gnupg.MaxImportBytes,
		MaxFormBytes: gnupg.MaxImportBytes + 64<<10, MaxTotalBytes: 2*gnupg.MaxImportBytes + 64<<10}
}

// keysTooLarge is the 413 of an import over its limit.
func keysTooLarge(err error) error {
	return &httpError{status: httpcgi.StatusRequestEntityTooLarge, public: "That is larger than the import limit of " + templates.HumanSize(gnupg.MaxImportBytes) + ". Nothing was imported.", err: err}
}

// keysImport imports a pasted block or an uploaded file (parsed by
// route into a.upload; the file is removed afterwards).
func (a *app) keysImport(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	defer a.dropUpload()
	if !a.keysOn() {
		return errNotFound
	}
	d := &templates.KeysData{}
	data := []byte(a.upload.Values.Get("armor"))
	for _, f := range a.upload.Files {
		if f.Field != "file" || f.Size == 0 {
			continue
		}
		b, err := readBounded(f.Path, gnupg.MaxImportBytes)
		if err != nil {
			return a.keysFailed(w, r, d, err)
		}
		data = b
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		d.Problem = "Paste a key or choose a file to import."
		return a.keysPage(w, r, httpcgi.StatusBadRequest, d)
	}
	if err := a.importKeys(w, r, d, data); err != nil {
		if utf := strings.ToValidUTF8(string(data), ""); utf == string(data) {
			d.Armor = utf // the pasted text again, to correct
		}
		return err
	}
	return nil
}

// importKeys imports data with gpg or gpgsm and renders the result.
func (a *app) importKeys(w httpcgi.ResponseWriter, r *httpcgi.Request, d *templates.KeysData, data []byte) error {
	smime := gnupg.IsSMIMEData(data)
	if smime && !a.cfg.CryptoSMIME || !smime && !a.cfg.CryptoOpenPGP {
		d.Problem = "This site does not handle " + map[bool]string{true: "S/MIME certificates", false: "OpenPGP keys"}[smime] + "."
		return a.keysPage(w, r, httpcgi.StatusBadRequest, d)
	}
	im, err := a.gnupgRunner().Import(context.Background(), smime, data)
	if err != nil {
		return a.keysFailed(w, r, d, err)
	}
	for _, k := range im.Keys {
		d.Imported = append(d.Imported, templates.ImportedKey{Fingerprint: k.Fingerprint, What: k.What(), UserIDs: k.UserIDs})
	}
	d.Notice = plural(len(im.Keys), "key") + " read"
	if im.New > 0 {
		d.Notice += ", " + plural(im.New, "new one") + " imported"
	}
	d.Notice += "."
	if len(im.Problems) > 0 {
		d.Problem = "GnuPG did not import everything: " + strings.Join(im.Problems, "; ") + "."
	}
	return a.keysPage(w, r, httpcgi.StatusOK, d)
}

// readBounded reads the file at p, at most max bytes (gnupg.ErrTooLarge
// beyond).
func readBounded(p string, max int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(b)) > max {
		return nil, gnupg.ErrTooLarge
	}
	return b, err
}

// keyAttachment reports whether an attachment looks like a public key or
// certificate the page may offer to import.
func keyAttachment(att message.Attachment) bool {
	switch strings.ToLower(att.ContentType) {
	case "application/pgp-keys", "application/pkix-cert", "application/x-x509-ca-cert", "application/x-x509-user-cert",
		"application/pkcs7-mime; smime-type=certs-only", "application/x-pkcs7-certificates", "application/pem-certificate-chain":
		return true
	}
	switch strings.ToLower(path.Ext(att.Filename)) {
	case ".asc", ".crt", ".pem", ".p7c", ".cer", ".pub", ".gpg", ".pgp":
		return att.Size <= gnupg.MaxImportBytes
	}
	return false
}

// keysImportPart imports an attachment of a message (f, id, part).
func (a *app) keysImportPart(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.keysOn() {
		return errNotFound
	}
	q := r.PostForm
	part := q.Get("part")
	if part == "" || !message.ValidPartPath(part) {
		return badRequest("That is not a valid part of a message.", nil)
	}
	m, err := a.parseRef(url.Values{"f": {q.Get("f")}, "id": {q.Get("id")}})
	if err != nil {
		return err
	}
	f, err := os.Open(m.path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, body, err := message.OpenPart(f, part, message.DefaultLimits)
	if err != nil {
		return &httpError{status: httpcgi.StatusNotFound, public: "That message has no such part.", err: err}
	}
	data, err := io.ReadAll(io.LimitReader(body, gnupg.MaxImportBytes+1))
	if err != nil {
		return err
	}
	d := &templates.KeysData{}
	if len(data) > gnupg.MaxImportBytes {
		return a.keysFailed(w, r, d, gnupg.ErrTooLarge)
	}
	return a.importKeys(w, r, d, data)
}
