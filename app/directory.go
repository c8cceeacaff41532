package app

import (
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"postern/config"
	"postern/contacts"
	"postern/directory"
	"postern/gate"
	"postern/httpcgi"
	"postern/internal/privfile"
	"postern/templates"
)

// Directory is the site's directory as cfg sets it up, nil when
// directory_uri is empty.
func Directory(cfg *config.Config) *directory.Config {
	if cfg.DirectoryURI == "" {
		return nil
	}
	return &directory.Config{
		URI:              cfg.DirectoryURI,
		StartTLS:         cfg.DirectoryStartTLS,
		CAFile:           cfg.DirectoryCAFile,
		Base:             cfg.DirectoryBase,
		Filter:           cfg.DirectoryFilter,
		Attributes:       cfg.DirectoryAttributes,
		BindDN:           cfg.DirectoryBindDN,
		BindPasswordFile: cfg.DirectoryBindPasswordFile,
		SizeLimit:        cfg.DirectorySizeLimit,
		Timeout:          cfg.DirectoryTimeout,
		Helper:           config.DefaultHelper,
	}
}

// directoryDownFile, in the Maildir's postern/, marks when the directory
// last did not answer a lookup of this user's. For directoryBackoff
// after that, completion does not ask it again (every keystroke would
// wait directory_timeout for nothing) and answers as if it had not
// answered; the directory page always asks. A lookup that succeeds
// removes the mark.
const (
	directoryDownFile = "directory.down"
	directoryBackoff  = 30 * time.Second
)

// lookUp searches the site's directory for q. A directory that did not
// answer, or is set up wrongly, is logged and reported as not ok: the
// caller shows what it has without it. With backoff (completion), a
// directory that did not answer within directoryBackoff is not asked.
func (a *app) lookUp(q string, backoff bool) (*directory.Result, bool) {
	d := Directory(a.cfg)
	if d == nil {
		return &directory.Result{}, true
	}
	down := filepath.Join(a.store.Root, "postern", directoryDownFile)
	if backoff {
		if fi, err := os.Stat(down); err == nil {
			if age := time.Since(fi.ModTime()); age >= 0 && age < directoryBackoff {
				return &directory.Result{}, false
			}
		}
	}
	res, err := directory.Search(context.Background(), d, q)
	if err != nil {
		logf("directory lookup of %s: %v", a.acct.User, err)
		if errors.Is(err, directory.ErrUnavailable) {
			if err := privfile.WriteAtomicNoSync(down, nil); err != nil {
				logf("directory lookup of %s: %v", a.acct.User, err)
			}
		}
		return &directory.Result{}, false
	}
	if err := os.Remove(down); err != nil && !errors.Is(err, fs.ErrNotExist) {
		logf("directory lookup of %s: %v", a.acct.User, err)
	}
	return res, true
}

// directoryPage answers GET /directory?q=: the people the directory
// finds, each address with "Write to" and, when the book does not have
// it, "Add to contacts".
func (a *app) directoryPage(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if Directory(a.cfg) == nil {
		return errNotFound
	}
	q := r.URL.Query().Get("q")
	if len(q) > directory.MaxQuery {
		return badRequest("The search text is too long.", nil)
	}
	d := &templates.DirectoryData{Query: q}
	if q != "" {
		res, ok := a.lookUp(q, false)
		d.Searched, d.Unavailable, d.More, d.Skipped = true, !ok, res.Truncated, res.Skipped
		var addrs []string
		for _, e := range res.Entries {
			addrs = append(addrs, e.Mail...)
		}
		known, err := a.book().Known(addrs)
		if err != nil {
			// The results are still worth showing, without the marks.
			logf("directory page of %s: the address book: %v", a.acct.User, err)
		}
		back := link(r, gate.DirectoryPath, url.Values{"q": {q}})
		for _, e := range res.Entries {
			row := templates.DirectoryRow{Name: e.Name, Org: e.Organisation, Phone: e.Phone}
			for _, m := range e.Mail {
				row.Mails = append(row.Mails, templates.DirectoryMail{
					Address: m,
					WriteTo: link(r, "/compose", url.Values{"to": {contacts.FormatAddress(e.Name, m)}}),
					Known:   known[m],
				})
			}
			d.Rows = append(d.Rows, row)
		}
		d.Back = back
	}
	p := a.page(r, "Directory")
	p.Directory = d
	render(w, httpcgi.StatusOK, "directory", p)
	return nil
}
