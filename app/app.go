package app

import (
	"net/url"
	"os"
	"postern/gate"
	"strings"

	"postern/auth"
	"postern/compose"
	"postern/config"
	"postern/guard"
	"postern/httpcgi"
	"postern/index"
	"postern/maildir"
	"postern/session"
	"postern/templates"
)

// maxFormBytes bounds the body of the logged-in forms (no uploads yet).
const maxFormBytes = 1 << 20

// app is one logged-in request, after the privilege drop.
type app struct {
	cfg      *config.Config
	acct     *auth.Account
	sess     *session.Session
	sessions *session.Store
	store    *maildir.Store
	req      *gate.Request
	upload   *compose.Form // the compose form of POST /send, parsed by route
	codes    *guard.Ticket // the guard's counters of a second-factor code, held by the root room

	// idx is the search index, opened by the first handler that needs it
	// (search.go); idxProgress is how far its last update came.
	idx         *index.Index
	idxProgress index.Progress
	idxInStep   bool         // its last update scanned every folder without an error
	idxOpen     *index.Index // the index opened (openIndex), updated or not
	idxFailed   bool         // opening it failed (logged once)
}

type handler func(a *app, w httpcgi.ResponseWriter, r *httpcgi.Request) error

// routeEntry is a path's handlers: GET (also for HEAD) and POST, nil
// when the path does not take that method.
type routeEntry struct {
	path      string
	get, post handler
}

// routes lists PATH_INFO's handlers. A slice of static values, not a map:
// the linker lays it out, so a request pays nothing at start for it (a
// map of maps was built at every start).
var routes = []routeEntry{
	{"/", (*app).home, nil},
	{"/login", (*app).home, nil},
	{gate.LogoutPath, nil, (*app).logout},
	{gate.ComposePath, (*app).compose, (*app).composeUnlock},
	{"/compose/quote", nil, (*app).composeQuote},
	{gate.SendPath, nil, (*app).send},
	{gate.FiltersPath, (*app).filtersGet, (*app).filtersPost},
	{gate.VacationPath, (*app).vacationGet, (*app).vacationPost},
	{gate.SpamPath, nil, (*app).spamOp},
	{"/folders", (*app).folders, (*app).folderOp},
	{"/list", (*app).list, nil},
	{"/search", (*app).search, nil},
	{"/thread", (*app).thread, nil},
	{"/msg", (*app).message, nil},
	{"/verify", (*app).verify, nil},
	{"/decrypt", nil, (*app).decrypt},
	{gate.KeysPath, (*app).keysGet, nil},
	{gate.KeysImportPath, nil, (*app).keysImport},
	{gate.KeysImportPart, nil, (*app).keysImportPart},
	{gate.KeysExportPath, (*app).keysExport, nil},
	{gate.KeysAttachPath, nil, (*app).keysAttach},
	{gate.KeysDeletePath, nil, (*app).keysDelete},
	{gate.KeysGeneratePath, nil, (*app).keysGenerate},
	{gate.KeysAutocrypt, nil, (*app).keysAutocrypt},
	{"/part", (*app).part, nil},
	{"/raw", (*app).raw, nil},
	{"/html", (*app).html, nil},
	{"/remote-senders", nil, (*app).allowSender},
	{"/action", nil, (*app).action},
	{"/empty-trash", nil, (*app).emptyTrash},
	{"/prefs", (*app).prefsGet, (*app).savePrefs},
	{"/style.css", (*app).style, nil},
	{"/logo", (*app).logo, nil},
	{"/security", (*app).security, nil},
	{"/sessions", nil, (*app).endSessions},
	{"/password", nil, (*app).changePassword},
	{gate.SessionCheckPath, nil, (*app).sessionCheck},
	{"/totp", nil, (*app).totpOp},
	{"/totp/qr", (*app).totpQR, nil},
	{"/totp-login", (*app).totpLoginForm, (*app).totpLogin},
	{gate.PasskeyPath, nil, (*app).passkeyOp},
	{gate.PasskeyStepPath, nil, (*app).passkeyLogin},
	{"/passkey.js", (*app).passkeyJS, nil},

	{"/contacts", (*app).contactsList, nil},
	{"/contacts/groups", nil, (*app).dissolveGroup},
	{"/contact", (*app).contactView, (*app).contactSave},
	{"/contact/new", (*app).contactForm, nil},
	{"/contact/edit", (*app).contactForm, nil},
	{"/contacts/add", nil, (*app).contactQuickAdd},
	{"/contacts/import", (*app).importForm, (*app).importUpload},
	{"/contacts/import/confirm", nil, (*app).importConfirm},
	{"/contacts/export", (*app).contactsExport, nil},
	{"/contacts/collected", (*app).collectedPage, (*app).collectedOp},
	{gate.CompletePath, (*app).complete, nil},
	{"/identities", (*app).identitiesList, (*app).identitiesOp},
	{"/identity", (*app).identityForm, (*app).identitySave},
	{"/complete.js", (*app).completeJS, nil},
	{gate.DirectoryPath, (*app).directoryPage, nil},
}

// findRoute returns the handlers of path.
func findRoute(path string) (routeEntry, bool) {
	for _, e := range routes {
		if e.path == path {
			return e, true
		}
	}
	return routeEntry{}, false
}

func (a *app) route(w httpcgi.ResponseWriter, r *httpcgi.Request) {
	path := a.req.Path
	methods, ok := findRoute(path)
	if !ok {
		a.fail(w, r, errNotFound)
		return
	}
	method := r.Method
	if method == httpcgi.MethodHead {
		method = httpcgi.MethodGet
	}
	var h handler
	switch method {
	case httpcgi.MethodGet:
		h = methods.get
	case httpcgi.MethodPost:
		h = methods.post
	}
	if h == nil {
		w.Header().Set("Allow", strings.Join(allowed(methods), ", "))
		a.fail(w, r, &httpError{status: httpcgi.StatusMethodNotAllowed, public: "This page does not take that kind of request."})
		return
	}
	if limits := uploadRoutes[path]; method == httpcgi.MethodPost && limits != nil {
		// The compose form, with its files: bounded by compose.ParseForm.
		if err := a.parseUpload(r, limits(a)); err != nil {
			a.fail(w, r, err)
			return
		}
	} else if method == httpcgi.MethodPost {
		r.Body = httpcgi.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			a.fail(w, r, &httpError{status: httpcgi.StatusBadRequest, public: "The form could not be read.", err: err})
			return
		}
	}
	if method == httpcgi.MethodPost {
		if !gate.SameOrigin(os.Getenv) || !session.ValidCSRF(a.sess, r.PostForm.Get("csrf")) {
			a.dropUpload()
			a.fail(w, r, &httpError{status: httpcgi.StatusForbidden, public: "This form has expired or did not come from this site. Go back, reload the page and try again."})
			return
		}
	}
	if err := h(a, w, r); err != nil {
		a.fail(w, r, err)
	}
}

func allowed(e routeEntry) []string {
	var out []string
	if e.get != nil {
		out = append(out, httpcgi.MethodGet)
	}
	if e.post != nil {
		out = append(out, httpcgi.MethodPost)
	}
	return out
}

// page starts a page of the logged-in user.
func (a *app) page(r *httpcgi.Request, title string) *templates.Page {
	return &templates.Page{
		Site:  a.cfg.SiteName,
		Title: title,
		Base:  scriptName(r),
		CSRF:  a.sess.CSRF,
		User:  a.acct.User,

		FiltersOn:   a.filtersOn(),
		DirectoryOn: a.cfg.DirectoryURI != "",
		KeysOn:      a.keysOn(),
		Quota:       a.quotaBar(),
		LoginNotice: a.loginNotice(),
	}
}

func (a *app) home(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	httpcgi.Redirect(w, r, scriptName(r)+"/list?f=INBOX", httpcgi.StatusSeeOther)
	return nil
}

func (a *app) style(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	_, err := w.Write([]byte(pages.CSS()))
	return err
}

func (a *app) logo(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	serveLogo(w, r)
	return nil
}

// link builds Base + path + "?" + query.
func link(r *httpcgi.Request, path string, q url.Values) string {
	s := scriptName(r) + path
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}

// backTo returns the local URL in the form's "back" field, or def. Only
// paths of this program are accepted, never another site.
func backTo(r *httpcgi.Request, def string) string {
	b := r.PostForm.Get("back")
	base := scriptName(r) + "/"
	if b == "" || !strings.HasPrefix(b, base) || strings.HasPrefix(b, "//") || strings.ContainsAny(b, "\\\r\n") {
		return def
	}
	return b
}
