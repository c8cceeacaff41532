package app

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strings"

	"postern/compose"
	"postern/gnupg"
	"postern/httpcgi"
	"postern/templates"
)

// The Keys page (GET /keys) and its forms, each a request that the root
// room lets run GnuPG (gate.Request.Runs) when crypto is on; package
// gnupg does the work. Every form answers with the Keys page itself,
// with what was done or why not.

// keysOn reports whether the Keys page exists on this site.
func (a *app) keysOn() bool {
	return a.cfg.Crypto && (a.cfg.CryptoOpenPGP || a.cfg.CryptoSMIME)
}

// keysGet lists the user's keys.
func (a *app) keysGet(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.keysOn() {
		return errNotFound
	}
	return a.keysPage(w, r, httpcgi.StatusOK, &templates.KeysData{})
}

// keysPage renders the Keys page with d, its lists filled from GnuPG.
func (a *app) keysPage(w httpcgi.ResponseWriter, r *httpcgi.Request, status int, d *templates.KeysData) error {
	d.OpenPGP, d.SMIME = a.cfg.CryptoOpenPGP, a.cfg.CryptoSMIME
	d.MaxImport = templates.HumanSize(gnupg.MaxImportBytes)
	d.Addresses, d.Expiries = a.identities(), gnupg.Expiries
	if d.Expire == "" {
		d.Expire = "2y"
	}
	if d.Address == "" {
		d.Address = d.Addresses[0]
	}
	keys, err := a.gnupgRunner().ListKeys(context.Background())
	if err != nil {
		logf("listing the keys of %s: %v", a.acct.User, err)
		if d.Problem == "" {
			d.Problem = keysProblem(err)
			status = keysStatus(err)
		}
	}
	for _, k := range keys {
		row := a.keyRow(r, k)
		if k.Secret {
			d.Own = append(d.Own, row)
		} else {
			d.Others = append(d.Others, row)
		}
	}
	p := a.page(r, "Keys")
	p.Keys = d
	render(w, status, "keys", p)
	return nil
}

// keyRow is a key as the page shows it.
func (a *app) keyRow(r *httpcgi.Request, k gnupg.Key) templates.KeyRow {
	row := templates.KeyRow{Protocol: "OpenPGP", SMIME: k.SMIME, Fingerprint: k.Fingerprint, Algorithm: k.Algorithm,
		Issuer: k.Issuer, Validity: gnupg.ValidityText(k.Validity), State: "ok", Secret: k.Secret, Expires: "never"}
	if k.SMIME {
		row.Protocol = "S/MIME"
	}
	for _, u := range k.UserIDs {
		if u.Validity != "r" {
			row.UserIDs = append(row.UserIDs, u.Text)
		}
	}
	if !k.Created.IsZero() {
		row.Created = k.Created.Format("2006-01-02")
	}
	if !k.Expires.IsZero() {
		row.Expires = k.Expires.Format("2006-01-02")
	}
	switch {
	case k.Revoked():
		row.State = "revoked"
	case k.Expired():
		row.State = "expired"
	case k.Invalid():
		row.State = "invalid"
	}
	q := url.Values{"fpr": {k.Fingerprint}}
	if k.SMIME {
		q.Set("smime", "1")
	}
	row.ExportURL = link(r, "/keys/export", q)
	return row
}

// keysProblem is the sentence of a failed key operation.
func keysProblem(err error) string {
	switch {
	case errors.Is(err, gnupg.ErrSecretKey):
		return "That holds a secret key. postern imports public keys and certificates only; import a secret key in the shell (gpg --import, gpgsm --import)."
	case errors.Is(err, gnupg.ErrNoKey):
		return "No public key or certificate was found in it."
	case errors.Is(err, gnupg.ErrTooLarge):
		return "That is larger than the import limit of " + templates.HumanSize(gnupg.MaxImportBytes) + "."
	case errors.Is(err, gnupg.ErrBadFingerprint):
		return "That is not the fingerprint of a key."
	case errors.Is(err, gnupg.ErrHasSecret):
		return "That key has its secret key in your key ring: postern does not delete it. Use the shell (gpg --delete-secret-and-public-keys)."
	case errors.Is(err, gnupg.ErrExists):
		return "You have a key with that name and address already."
	case errors.Is(err, gnupg.ErrUserID):
		return "The name may not hold < > ( ) \" or control characters, and the address must be one of yours."
	case errors.Is(err, gnupg.ErrMissing):
		return "GnuPG is not installed where the site's configuration says."
	case errors.Is(err, gnupg.ErrTimeout):
		return "GnuPG took too long and was stopped. Try again."
	}
	return "GnuPG could not do that. The administrator will find the reason in the web server's error log."
}

// keysStatus is the HTTP status of a failed key operation.
func keysStatus(err error) int {
	switch {
	case errors.Is(err, gnupg.ErrTooLarge):
		return httpcgi.StatusRequestEntityTooLarge
	case errors.Is(err, gnupg.ErrSecretKey), errors.Is(err, gnupg.ErrNoKey), errors.Is(err, gnupg.ErrBadFingerprint),
		errors.Is(err, gnupg.ErrUserID):
		return httpcgi.StatusBadRequest
	case errors.Is(err, gnupg.ErrHasSecret), errors.Is(err, gnupg.ErrExists):
		return httpcgi.StatusConflict
	case errors.Is(err, gnupg.ErrTimeout):
		return httpcgi.StatusServiceUnavailable
	}
	return httpcgi.StatusInternalServerError
}

// keysFailed renders the page with the problem of err.
func (a *app) keysFailed(w httpcgi.ResponseWriter, r *httpcgi.Request, d *templates.KeysData, err error) error {
	logf("keys of %s: %v", a.acct.User, err)
	d.Problem = keysProblem(err)
	return a.keysPage(w, r, keysStatus(err), d)
}

// keyRef reads fpr and smime of a form or query.
func (a *app) keyRef(v url.Values) (string, bool, error) {
	fpr, smime := strings.ToUpper(v.Get("fpr")), v.Get("smime") == "1"
	if !gnupg.ValidFingerprint(fpr) {
		return "", false, badRequest("That is not the fingerprint of a key.", nil)
	}
	if smime && !a.cfg.CryptoSMIME || !smime && !a.cfg.CryptoOpenPGP {
		return "", false, errNotFound
	}
	return fpr, smime, nil
}

// keyFile is the name and media type of an exported key.
func keyFile(fpr string, smime bool) (string, string) {
	if smime {
		return fpr + ".pem", "application/pem-certificate-chain"
	}
	return fpr + ".asc", "application/pgp-keys"
}

// keysExport downloads a public key or certificate (GET /keys/export,
// fpr, smime).
func (a *app) keysExport(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.keysOn() {
		return errNotFound
	}
	fpr, smime, err := a.keyRef(r.URL.Query())
	if err != nil {
		return err
	}
	b, err := a.gnupgRunner().Export(context.Background(), smime, fpr)
	if err != nil {
		return a.keysFailed(w, r, &templates.KeysData{}, err)
	}
	name, typ := keyFile(fpr, smime)
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(b)
	return err
}

// keysAttach starts a new message with the public key attached (POST
// /keys/attach, fpr, smime): the exported key goes into the session's
// upload directory, as an attachment of the compose form does, and the
// answer is the compose page.
func (a *app) keysAttach(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.keysOn() {
		return errNotFound
	}
	fpr, smime, err := a.keyRef(r.PostForm)
	if err != nil {
		return err
	}
	b, err := a.gnupgRunner().Export(context.Background(), smime, fpr)
	if err != nil {
		return a.keysFailed(w, r, &templates.KeysData{}, err)
	}
	if err := os.MkdirAll(a.uploadDir(), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(a.uploadDir(), "upload-*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	name, typ := keyFile(fpr, smime)
	att := compose.Attachment{Name: name, ContentType: typ, Size: int64(len(b)), Path: f.Name()}
	if err == nil {
		err = writeMeta(att)
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	list := a.identityList()
	return a.showCompose(w, r, &compose.Draft{Attachments: []compose.Attachment{att}}, formState{}, "New message", list, list.Default())
}

// keysDelete deletes a public key or certificate (POST /keys/delete,
// fpr, smime): without confirm=yes it asks first.
func (a *app) keysDelete(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.keysOn() {
		return errNotFound
	}
	fpr, smime, err := a.keyRef(r.PostForm)
	if err != nil {
		return err
	}
	run := a.gnupgRunner()
	d := &templates.KeysData{}
	k, err := run.Key(context.Background(), smime, fpr)
	if err == nil && k.Secret {
		err = gnupg.ErrHasSecret
	}
	if err != nil {
		return a.keysFailed(w, r, d, err)
	}
	if r.PostForm.Get("confirm") != "yes" {
		row := a.keyRow(r, k)
		d.Confirm = &row
		return a.keysPage(w, r, httpcgi.StatusOK, d)
	}
	if err := run.DeletePublic(context.Background(), smime, fpr); err != nil {
		return a.keysFailed(w, r, d, err)
	}
	d.Notice = "The " + map[bool]string{true: "certificate", false: "public key"}[smime] + " " + fpr + " was deleted."
	return a.keysPage(w, r, httpcgi.StatusOK, d)
}

// keysGenerate makes a new OpenPGP key pair (POST /keys/generate: name,
// address, expire, passphrase twice or nopass).
func (a *app) keysGenerate(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.keysOn() || !a.cfg.CryptoOpenPGP {
		return errNotFound
	}
	f := r.PostForm
	d := &templates.KeysData{Name: f.Get("name"), Address: f.Get("address"), Expire: f.Get("expire")}
	pass, again := f.Get("passphrase"), f.Get("passphrase2")
	nopass := f.Get("nopass") == "1"
	problem := ""
	switch {
	case len(pass) > maxPassphrase:
		problem = "That passphrase is too long."
	case nopass && pass != "":
		problem = "You ticked \"no passphrase\" and typed one: do one or the other."
	case !nopass && pass == "":
		problem = "Type a passphrase twice, or tick \"no passphrase\"."
	case pass != again:
		problem = "The two passphrases differ. Type the same one twice."
	case !containsFold(a.identities(), d.Address):
		problem = "The address must be one of yours."
	}
	if problem != "" {
		d.Problem = problem
		return a.keysPage(w, r, httpcgi.StatusBadRequest, d)
	}
	pp := []byte(pass)
	defer clear(pp)
	fpr, err := a.gnupgRunner().GenerateKey(context.Background(), gnupg.NewKey{Name: d.Name, Address: d.Address, Expire: d.Expire, Passphrase: pp})
	if err != nil {
		return a.keysFailed(w, r, d, err)
	}
	d.Notice = "Your new key " + fpr + " is made."
	if nopass {
		d.Notice += " It has no passphrase."
	}
	return a.keysPage(w, r, httpcgi.StatusOK, d)
}
