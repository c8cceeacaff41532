package app

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"postern/httpcgi"
	"postern/identity"
	"postern/templates"
)

// identityErr turns an error of package identity into its status and
// public text.
func identityErr(err error) error {
	var ie *identity.InvalidError
	var le *identity.LimitError
	var ce *identity.CorruptError
	switch {
	case errors.As(err, &ie):
		return badRequest(upperFirst(ie.Field)+": "+ie.Reason+".", err)
	case errors.Is(err, identity.ErrNotAllowed):
		return &httpError{status: httpcgi.StatusForbidden, public: "That address is not one the administrator allows you to send from.", err: err}
	case errors.Is(err, identity.ErrDuplicate):
		return &httpError{status: httpcgi.StatusConflict, public: "That address has an identity already; edit that one.", err: err}
	case errors.Is(err, identity.ErrStale):
		return &httpError{status: httpcgi.StatusConflict, public: "This identity was changed elsewhere (in another tab or window) since this page was shown; nothing was changed.", err: err}
	case errors.Is(err, identity.ErrNotFound):
		return &httpError{status: httpcgi.StatusNotFound, public: "There is no such identity (any more).", err: err}
	case errors.As(err, &le):
		return &httpError{status: httpcgi.StatusRequestEntityTooLarge, public: upperFirst(strings.TrimPrefix(le.Error(), "identity: ")) + ". Nothing was changed.", err: err}
	case errors.As(err, &ce):
		return &httpError{status: httpcgi.StatusConflict, public: "Your identities file cannot be read (" + ce.Reason + "); nothing was changed. Set it aside on the Identities page to start again.", err: err}
	}
	return err
}

// identitiesLoad reads the stored identities; a damaged file gives an
// empty set and the reason, for the page to say.
func (a *app) identitiesLoad() (*identity.Set, string, error) {
	set, err := a.idStore().Load()
	var ce *identity.CorruptError
	if errors.As(err, &ce) {
		return &identity.Set{}, ce.Reason, nil
	}
	return set, "", err
}

// identitiesList shows the identities: every allowed address, with what
// the user set up for it, and the disabled ones.
func (a *app) identitiesList(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	return a.identitiesPage(w, r, "")
}

func (a *app) identitiesPage(w httpcgi.ResponseWriter, r *httpcgi.Request, notice string) error {
	set, damaged, err := a.identitiesLoad()
	if err != nil {
		return err
	}
	d := &templates.IdentitiesData{Damaged: damaged}
	for _, id := range set.Resolve(a.identities()) {
		d.Rows = append(d.Rows, templates.IdentityRow{
			Address: id.Address, Name: id.Name, ReplyTo: id.ReplyTo, Signature: id.Signature,
			Placement: string(id.Place()), Sign: string(id.SignDefault()), Encrypt: string(id.EncryptDefault()),
			Default: id.Default, Stored: id.Stored, Disabled: id.Disabled,
			EditURL: link(r, "/identity", url.Values{"address": {id.Address}}),
		})
	}
	p := a.page(r, "Identities")
	p.Notice = notice
	p.Identities = d
	render(w, httpcgi.StatusOK, "identities", p)
	return nil
}

// identitiesOp handles the list's buttons: op=default (address) and
// op=setaside (the damaged file).
func (a *app) identitiesOp(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	v := r.PostForm
	switch v.Get("op") {
	case "default":
		addr := v.Get("address")
		if err := a.idStore().Update(func(s *identity.Set) error { return s.MakeDefault(addr, a.identities()) }); err != nil {
			return identityErr(err)
		}
	case "setaside":
		name, err := a.idStore().SetAside(time.Now())
		if err != nil {
			return badRequest("There is no damaged identities file to set aside.", err)
		}
		logf("identities of %s: damaged file set aside as %s", a.acct.User, name)
		return a.identitiesPage(w, r, "The damaged identities file was kept as postern/"+name[strings.LastIndexByte(name, '/')+1:]+" in your Maildir.")
	default:
		return badRequest("Make default or set aside?", nil)
	}
	httpcgi.Redirect(w, r, link(r, "/identities", nil), httpcgi.StatusSeeOther)
	return nil
}

// identityForm shows the form of the identity of ?address=: its stored
// one, or a new one for an allowed address.
func (a *app) identityForm(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	set, damaged, err := a.identitiesLoad()
	if err != nil {
		return err
	}
	addr := r.URL.Query().Get("address")
	list := set.Resolve(a.identities())
	id, ok := list.Get(addr)
	if !ok {
		return identityErr(identity.ErrNotFound)
	}
	f := a.identityFormData(set, id)
	if id.Stored {
		f.Key, f.ETag = id.Address, id.ETag()
	}
	return a.identityPage(w, r, httpcgi.StatusOK, f, "", false, damaged)
}

// identityFormData fills the form from id; the addresses it may take are
// its own and the allowed ones without an identity.
func (a *app) identityFormData(set *identity.Set, id identity.Identity) templates.IdentityForm {
	f := templates.IdentityForm{
		Address: id.Address, Name: id.Name, ReplyTo: id.ReplyTo, Signature: id.Signature,
		Placement: string(id.Place()), Sign: string(id.SignDefault()), Encrypt: string(id.EncryptDefault()),
		Default: id.Default, Disabled: id.Disabled,
		Crypto: []templates.Choice{
			{Value: string(identity.Inherit), Label: "as in the preferences"},
			{Value: string(identity.Off), Label: "off"},
			{Value: string(identity.OpenPGP), Label: "OpenPGP"},
			{Value: string(identity.SMIME), Label: "S/MIME"},
		},
		MaxSignatureLines: identity.MaxSignatureLines, MaxSigSize: identity.MaxSignatureBytes,
	}
	f.Addresses = []string{id.Address}
	for _, other := range a.identities() {
		if _, stored := set.Get(other); !stored && !strings.EqualFold(other, id.Address) {
			f.Addresses = append(f.Addresses, other)
		}
	}
	return f
}

func (a *app) identityPage(w httpcgi.ResponseWriter, r *httpcgi.Request, status int, f templates.IdentityForm, problem string, stale bool, damaged string) error {
	title := "New identity"
	if f.Key != "" {
		title = "Edit " + f.Key
	}
	p := a.page(r, title)
	p.Identities = &templates.IdentitiesData{Edit: true, Form: f, Problem: problem, Stale: stale, Damaged: damaged}
	if stale {
		p.Identities.Reload = link(r, "/identity", url.Values{"address": {f.Key}})
	}
	render(w, status, "identities", p)
	return nil
}

// identitySave handles the form: op=save (a new identity when the form
// has no key) or op=delete. A refused save shows the form again with
// everything typed.
func (a *app) identitySave(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	v := r.PostForm
	key, etag := v.Get("key"), v.Get("etag")
	allowed := a.identities()
	switch v.Get("op") {
	case "delete":
		if err := a.idStore().Update(func(s *identity.Set) error { return s.Delete(key, etag) }); err != nil {
			return identityErr(err)
		}
		httpcgi.Redirect(w, r, link(r, "/identities", nil), httpcgi.StatusSeeOther)
		return nil
	case "save":
	default:
		return badRequest("Save or delete?", nil)
	}
	id := identity.Identity{
		Address: v.Get("address"), Name: v.Get("name"), ReplyTo: v.Get("reply_to"),
		Signature: v.Get("signature"), Placement: identity.Placement(v.Get("placement")),
		Sign: identity.Crypto(v.Get("sign")), Encrypt: identity.Crypto(v.Get("encrypt")),
		Default: v.Get("default") != "",
	}
	err := a.idStore().Update(func(s *identity.Set) error {
		if key == "" {
			return s.Add(id, allowed)
		}
		return s.Replace(key, etag, id, allowed)
	})
	if err != nil {
		var he *httpError
		if !errors.As(identityErr(err), &he) || he.status == httpcgi.StatusNotFound || he.status >= 500 {
			return identityErr(err)
		}
		logf("identity of %s not saved: %v", a.acct.User, err)
		set, damaged, lerr := a.identitiesLoad()
		if lerr != nil {
			return lerr
		}
		f := a.identityFormData(set, id)
		f.Key, f.ETag = key, etag
		if key != "" && !strings.EqualFold(key, id.Address) {
			f.Addresses = append(f.Addresses, key)
		}
		f.Address, f.Placement, f.Sign, f.Encrypt = id.Address, string(id.Placement), string(id.Sign), string(id.Encrypt)
		return a.identityPage(w, r, he.status, f, he.public, errors.Is(err, identity.ErrStale), damaged)
	}
	httpcgi.Redirect(w, r, link(r, "/identities", nil), httpcgi.StatusSeeOther)
	return nil
}
