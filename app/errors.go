package app

import (
	"errors"
	"io/fs"

	"postern/httpcgi"
	"postern/maildir"
)

// httpError is an error with the HTTP status and the short public text
// the client sees; err is the detail, for the log only.
type httpError struct {
	status int
	public string
	err    error
}

func (e *httpError) Error() string {
	if e.err != nil {
		return e.public + ": " + e.err.Error()
	}
	return e.public
}

func (e *httpError) Unwrap() error { return e.err }

var errNotFound = &httpError{status: httpcgi.StatusNotFound, public: "There is no such page."}

func badRequest(public string, err error) error {
	return &httpError{status: httpcgi.StatusBadRequest, public: public, err: err}
}

// fail turns any error into an error page: the one place where errors
// become an HTTP status and a public text. Details go to the log.
func (a *app) fail(w httpcgi.ResponseWriter, r *httpcgi.Request, err error) {
	var he *httpError
	switch {
	case errors.As(err, &he):
	case errors.Is(err, maildir.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		he = &httpError{status: httpcgi.StatusNotFound, public: "That message or folder does not exist (any more). It may have been moved or deleted.", err: err}
	default:
		he = &httpError{status: httpcgi.StatusInternalServerError, public: "Something went wrong. The administrator will find the reason in the web server's error log.", err: err}
	}
	if he.status >= 500 || he.err != nil {
		logf("%s %s for %s: %v", r.Method, a.req.Path, a.acct.User, err)
	}
	p := a.page(r, "")
	renderError(w, p, he.status, he.public)
}
