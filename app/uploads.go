package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"postern/compose"
	"postern/gate"
	"postern/httpcgi"
	"postern/templates"
)

// uploadRoutes are the POST routes whose body is a form with files (the
// compose form, a file to import), with the limits of each: route parses
// them with compose.ParseForm (bounded, files streamed into the
// session's upload directory) instead of r.ParseForm, then checks the
// CSRF token from the parsed values.
var uploadRoutes = map[string]func(*app) compose.Limits{
	"/send":             (*app).limits,
	"/contacts/import":  importLimits,
	gate.KeysImportPath: keysLimits,
}

// Uploaded files live in <Maildir>/postern/uploads/<session id>/ (mode
// 700) as "upload-<digits>" (mode 600, made by compose.ParseForm or
// SavePart), each with "upload-<digits>.meta", a small JSON file with the
// name and media type. The form names them by that base name, their id,
// never by path.
const (
	uploadsDir   = "uploads"
	metaSuffix   = ".meta"
	maxMetaBytes = 4096
)

// uploadMeta is the content of a .meta file.
type uploadMeta struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// limits are the compose limits of the configuration.
func (a *app) limits() compose.Limits {
	return compose.Limits{
		MaxFileBytes:  int64(a.cfg.MaxAttachmentSize),
		MaxTotalBytes: int64(a.cfg.MaxMessageSize),
	}
}

// uploadDir is this session's upload directory.
func (a *app) uploadDir() string {
	return filepath.Join(a.store.Root, "postern", uploadsDir, a.sess.ID)
}

// parseUpload reads the compose form of r into a.upload and r.PostForm.
// A body over the limits is refused with 413 before or while reading;
// nothing already in the upload directory is touched.
func (a *app) parseUpload(r *httpcgi.Request, lim compose.Limits) error {
	tooLarge := tooLarge
	switch a.req.Path {
	case "/contacts/import":
		tooLarge = importTooLarge
	case gate.KeysImportPath:
		tooLarge = keysTooLarge
	}
	if r.ContentLength > lim.MaxTotalBytes {
		return tooLarge(&compose.TooLargeError{Limit: "total", Max: lim.MaxTotalBytes})
	}
	dir := a.uploadDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := compose.ParseForm(r.Body, r.Header.Get("Content-Type"), dir, lim)
	if errors.Is(err, compose.ErrTooLarge) {
		return tooLarge(err)
	}
	if err != nil {
		return badRequest("The form could not be read.", err)
	}
	for _, file := range f.Files {
		if err := writeMeta(file.Attachment); err != nil {
			f.Remove()
			return err
		}
	}
	a.upload = f
	r.PostForm, r.Form = f.Values, f.Values
	return nil
}

// dropUpload removes the files of a form that is refused.
func (a *app) dropUpload() {
	if a.upload == nil {
		return
	}
	for _, file := range a.upload.Files {
		removeAttachment(filepath.Dir(file.Path), filepath.Base(file.Path))
	}
	a.upload = nil
}

// tooLarge is the 413 of an exceeded limit, with a text that says which.
func tooLarge(err error) error {
	var tl *compose.TooLargeError
	public := "The form is too large."
	if errors.As(err, &tl) {
		switch tl.Limit {
		case "file":
			public = fmt.Sprintf("A file is larger than the limit of %s per attachment.", templates.HumanSize(tl.Max))
		case "total":
			public = fmt.Sprintf("The message is larger than the limit of %s (text and attachments together).", templates.HumanSize(tl.Max))
		case "files", "parts":
			public = fmt.Sprintf("Too many attachments (at most %d).", tl.Max)
		default:
			public = "The text of the form is too large."
		}
	}
	public += " Nothing was sent; the files attached before are kept. Go back to the form and try a smaller file."
	return &httpError{status: httpcgi.StatusRequestEntityTooLarge, public: public, err: err}
}

// validUploadID accepts "upload-" and 1 to 20 digits, the names
// os.CreateTemp gives for the pattern "upload-*".
func validUploadID(id string) bool {
	digits, ok := strings.CutPrefix(id, "upload-")
	if !ok || len(digits) == 0 || len(digits) > 20 {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// writeMeta records the name and type of an attachment file.
func writeMeta(att compose.Attachment) error {
	b, err := json.Marshal(uploadMeta{Name: att.Name, Type: att.ContentType})
	if err != nil {
		return err
	}
	return os.WriteFile(att.Path+metaSuffix, b, 0o600)
}

// readAttachment returns the attachment id of the upload directory dir.
func readAttachment(dir, id string) (compose.Attachment, error) {
	if !validUploadID(id) {
		return compose.Attachment{}, fmt.Errorf("bad attachment id %q", id)
	}
	path := filepath.Join(dir, id)
	fi, err := os.Lstat(path)
	if err != nil {
		return compose.Attachment{}, err
	}
	if !fi.Mode().IsRegular() {
		return compose.Attachment{}, fmt.Errorf("attachment %s is not a file", id)
	}
	mf, err := os.Open(path + metaSuffix)
	if err != nil {
		return compose.Attachment{}, err
	}
	defer mf.Close()
	var m uploadMeta
	if err := json.NewDecoder(io.LimitReader(mf, maxMetaBytes)).Decode(&m); err != nil {
		return compose.Attachment{}, fmt.Errorf("attachment %s: %v", id, err)
	}
	return compose.Attachment{Name: m.Name, ContentType: m.Type, Size: fi.Size(), Path: path}, nil
}

// removeAttachment removes an attachment file and its record.
func removeAttachment(dir, id string) {
	if !validUploadID(id) {
		return
	}
	os.Remove(filepath.Join(dir, id))
	os.Remove(filepath.Join(dir, id+metaSuffix))
}

// pruneUploads removes the upload directories of other sessions not
// changed for longer than age (ended sessions leave theirs behind).
func pruneUploads(root, keep string, now time.Time, age time.Duration) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.Name() == keep || !e.IsDir() {
			continue
		}
		if fi, err := e.Info(); err == nil && now.Sub(fi.ModTime()) > age {
			if err := os.RemoveAll(filepath.Join(root, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				logf("pruning uploads: %v", err)
			}
		}
	}
}
