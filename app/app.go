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

// routes maps PATH_INFO to its handlers by method.
var routes = map[string]map[string]handler{
	"/":                   {"GET": (*app).home},
	"/login":              {"GET": (*app).home},
	gate.LogoutPath:       {"POST": (*app).logout},
	gate.ComposePath:      {"GET": (*app).compose, "POST": (*app).composeUnlock},
	"/compose/quote":      {"POST": (*app).composeQuote},
	gate.SendPath:         {"POST": (*app).send},
	gate.FiltersPath:      {"GET": (*app).filtersGet, "POST": (*app).filtersPost},
	gate.VacationPath:     {"GET": (*app).vacationGet, "POST": (*app).vacationPost},
	gate.SpamPath:         {"POST": (*app).spamOp},
	"/folders":            {"GET": (*app).folders, "POST": (*app).folderOp},
	"/list":               {"GET": (*app).list},
	"/search":             {"GET": (*app).search},
	"/thread":             {"GET": (*app).thread},
	"/msg":                {"GET": (*app).message},
	"/verify":             {"GET": (*app).verify},
	"/decrypt":            {"POST": (*app).decrypt},
	gate.KeysPath:         {"GET": (*app).keysGet},
	gate.KeysImportPath:   {"POST": (*app).keysImport},
	gate.KeysImportPart:   {"POST": (*app).keysImportPart},
	gate.KeysExportPath:   {"GET": (*app).keysExport},
	gate.KeysAttachPath:   {"POST": (*app).keysAttach},
	gate.KeysDeletePath:   {"POST": (*app).keysDelete},
	gate.KeysGeneratePath: {"POST": (*app).keysGenerate},
	gate.KeysAutocrypt:    {"POST": (*app).keysAutocrypt},
	"/part":               {"GET": (*app).part},
	"/raw":                {"GET": (*app).raw},
	"/html":               {"GET": (*app).html},
	"/remote-senders":     {"POST": (*app).allowSender},
	"/action":             {"POST": (*app).action},
	"/empty-trash":        {"POST": (*app).emptyTrash},
	"/prefs":              {"GET": (*app).prefsGet, "POST": (*app).savePrefs},
	"/style.css":          {"GET": (*app).style},
	"/logo":               {"GET": (*app).logo},
	"/security":           {"GET": (*app).security},
	"/sessions":           {"POST": (*app).endSessions},
	"/password":           {"POST": (*app).changePassword},
	gate.SessionCheckPath: {"POST": (*app).sessionCheck},
	"/totp":               {"POST": (*app).totpOp},
	"/totp/qr":            {"GET": (*app).totpQR},
	"/totp-login":         {"GET": (*app).totpLoginForm, "POST": (*app).totpLogin},
	gate.PasskeyPath:      {"POST": (*app).passkeyOp},
	gate.PasskeyStepPath:  {"POST": (*app).passkeyLogin},
	"/passkey.js":         {"GET": (*app).passkeyJS},

	"/contacts":                {"GET": (*app).contactsList},
	"/contacts/groups":         {"POST": (*app).dissolveGroup},
	"/contact":                 {"GET": (*app).contactView, "POST": (*app).contactSave},
	"/contact/new":             {"GET": (*app).contactForm},
	"/contact/edit":            {"GET": (*app).contactForm},
	"/contacts/add":            {"POST": (*app).contactQuickAdd},
	"/contacts/import":         {"GET": (*app).importForm, "POST": (*app).importUpload},
	"/contacts/import/confirm": {"POST": (*app).importConfirm},
	"/contacts/export":         {"GET": (*app).contactsExport},
	"/contacts/collected":      {"GET": (*app).collectedPage, "POST": (*app).collectedOp},
	gate.CompletePath:          {"GET": (*app).complete},
	"/identities":              {"GET": (*app).identitiesList, "POST": (*app).identitiesOp},
	"/identity":                {"GET": (*app).identityForm, "POST": (*app).identitySave},
	"/complete.js":             {"GET": (*app).completeJS},
	gate.DirectoryPath:         {"GET": (*app).directoryPage},
}

func (a *app) route(w httpcgi.ResponseWriter, r *httpcgi.Request) {
	path := a.req.Path
	methods, ok := routes[path]
	if !ok {
		a.fail(w, r, errNotFound)
		return
	}
	method := r.Method
	if method == httpcgi.MethodHead {
		method = httpcgi.MethodGet
	}
	h, ok := methods[method]
	if !ok {
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

func allowed(m map[string]handler) []string {
	var out []string
	for k := range m {
		out = append(out, k)
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
