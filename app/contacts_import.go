package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"postern/compose"
	"postern/contacts"
	"postern/httpcgi"
	"postern/templates"
)

// An import is previewed, then confirmed: the contacts read from the
// uploaded file wait between the two in the session's upload directory
// as "import-<digits>.vcf" (vCard 4.0, mode 600), named in the confirm
// form by that id. pruneUploads removes those of ended sessions.

// importLimits bound the upload of a file to import.
func importLimits(*app) compose.Limits {
	return compose.Limits{MaxFileBytes: contacts.MaxImportBytes, MaxTotalBytes: contacts.MaxImportBytes + 64<<10}
}

// importTooLarge is the 413 of an import over its limit.
func importTooLarge(err error) error {
	return &httpError{status: httpcgi.StatusRequestEntityTooLarge, public: "The file is larger than the import limit of " + templates.HumanSize(contacts.MaxImportBytes) + ". Nothing was imported.", err: err}
}

func (a *app) importPage(w httpcgi.ResponseWriter, r *httpcgi.Request, status int, d *templates.ImportData) {
	d.MaxSize = templates.HumanSize(contacts.MaxImportBytes)
	p := a.page(r, "Import contacts")
	p.Import = d
	render(w, status, "import", p)
}

// importForm shows the upload form.
func (a *app) importForm(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	a.importPage(w, r, httpcgi.StatusOK, &templates.ImportData{})
	return nil
}

// importUpload reads the uploaded file (parsed by route into a.upload)
// and shows the preview. The uploaded file itself is removed.
func (a *app) importUpload(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	defer a.dropUpload()
	var file *compose.File
	for i := range a.upload.Files {
		if a.upload.Files[i].Field == "file" {
			file = &a.upload.Files[i]
		}
	}
	if file == nil {
		a.importPage(w, r, httpcgi.StatusBadRequest, &templates.ImportData{Problem: "Choose a file to import."})
		return nil
	}
	f, err := os.Open(file.Path)
	if err != nil {
		return err
	}
	res, err := contacts.Read(f, a.upload.Values.Get("format"))
	f.Close()
	if err != nil {
		var le *contacts.LimitError
		status := httpcgi.StatusBadRequest
		if errors.As(err, &le) {
			status = httpcgi.StatusRequestEntityTooLarge
		}
		logf("import by %s refused: %v", a.acct.User, err)
		a.importPage(w, r, status, &templates.ImportData{Problem: "The file cannot be imported: " + strings.TrimPrefix(err.Error(), "contacts: ") + ". Nothing was added."})
		return nil
	}
	b, err := a.book().LoadIndex()
	if err != nil {
		return contactsErr(err)
	}
	pv := b.Preview(res)
	if b.Len()+len(pv.Add) > contacts.MaxContacts {
		a.importPage(w, r, httpcgi.StatusRequestEntityTooLarge, &templates.ImportData{Problem: fmt.Sprintf(
			"The address book holds %d contacts and this file would add %d: more than the limit of %d. Nothing was added.", b.Len(), len(pv.Add), contacts.MaxContacts)})
		return nil
	}
	pending, err := a.savePending(pv.Add)
	if err != nil {
		return err
	}
	d := previewData(pv)
	d.Format, d.Pending, d.Preview = res.Format, pending, true
	a.importPage(w, r, httpcgi.StatusOK, d)
	return nil
}

// maxPending is the number of previewed imports a session keeps waiting
// for their confirm; the oldest goes first.
const maxPending = 3

// savePending writes the contacts to add, for the confirm.
func (a *app) savePending(list []contacts.Contact) (string, error) {
	if err := os.MkdirAll(a.uploadDir(), 0o700); err != nil {
		return "", err
	}
	if old, _ := filepath.Glob(filepath.Join(a.uploadDir(), "import-*.vcf")); len(old) >= maxPending {
		slices.SortFunc(old, func(x, y string) int { return modTime(x).Compare(modTime(y)) })
		for _, f := range old[:len(old)-maxPending+1] {
			os.Remove(f)
		}
	}
	f, err := os.CreateTemp(a.uploadDir(), "import-*.vcf")
	if err != nil {
		return "", err
	}
	err = contacts.WriteVCard(f, list)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return strings.TrimSuffix(filepath.Base(f.Name()), ".vcf"), nil
}

func modTime(path string) time.Time {
	if fi, err := os.Stat(path); err == nil {
		return fi.ModTime()
	}
	return time.Time{}
}

// validPendingID accepts "import-" and 1 to 20 digits.
func validPendingID(id string) bool {
	digits, ok := strings.CutPrefix(id, "import-")
	return ok && validUploadID("upload-"+digits)
}

func previewData(pv *contacts.Preview) *templates.ImportData {
	d := &templates.ImportData{}
	row := func(c contacts.Contact) templates.ImportRow {
		r := templates.ImportRow{Name: c.Name, Groups: c.Groups}
		for _, e := range c.Emails {
			r.Emails = append(r.Emails, e.Address)
		}
		return r
	}
	for _, c := range pv.Add {
		d.Add = append(d.Add, row(c))
	}
	for _, dup := range pv.Duplicates {
		r := row(dup.Contact)
		r.Of, r.Dup = dup.Of, dup.Address
		d.Duplicates = append(d.Duplicates, r)
	}
	for _, s := range pv.Skipped {
		d.Skipped = append(d.Skipped, templates.ImportSkip{Where: s.Where, Why: s.Why})
	}
	return d
}

// importConfirm adds the previewed contacts, in one write or not at all.
func (a *app) importConfirm(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	id := r.PostForm.Get("pending")
	if !validPendingID(id) {
		return badRequest("This import is not valid. Upload the file again.", nil)
	}
	path := filepath.Join(a.uploadDir(), id+".vcf")
	f, err := os.Open(path)
	if err != nil {
		return &httpError{status: httpcgi.StatusNotFound, public: "This import was already done or has expired. Upload the file again.", err: err}
	}
	res, err := contacts.ReadVCard(f)
	f.Close()
	if err != nil {
		return err
	}
	applied, err := a.book().Import(res)
	if err != nil {
		var le *contacts.LimitError
		if errors.As(err, &le) {
			a.importPage(w, r, httpcgi.StatusRequestEntityTooLarge, &templates.ImportData{Problem: "The address book would hold more than " + fmt.Sprint(contacts.MaxContacts) + " contacts. Nothing was added."})
			return nil
		}
		return contactsErr(err)
	}
	os.Remove(path)
	d := previewData(applied)
	d.Done, d.Added = true, len(applied.Add)
	a.importPage(w, r, httpcgi.StatusOK, d)
	return nil
}

// contactsExport downloads the book, or a group (?group=), as vCard 4.0
// (?format=vcf) or CSV (?format=csv).
func (a *app) contactsExport(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	q := r.URL.Query()
	b, err := a.book().Load()
	if err != nil {
		return contactsErr(err)
	}
	list, name := b.Search(""), "contacts"
	if g := q.Get("group"); g != "" {
		list, name = b.Members(g), "contacts-"+safeFileName(g)
	}
	var write func() error
	switch q.Get("format") {
	case "vcf":
		w.Header().Set("Content-Type", "text/vcard; charset=utf-8")
		name += ".vcf"
		write = func() error { return contacts.WriteVCard(w, list) }
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		name += ".csv"
		write = func() error { return contacts.WriteCSV(w, list) }
	default:
		return badRequest("Export as vcf or csv?", nil)
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	return write()
}

// safeFileName keeps the letters, digits, "-" and "_" of s (ASCII).
func safeFileName(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_':
			b.WriteRune(c)
		case c == ' ':
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "group"
	}
	return b.String()
}
