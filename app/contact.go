package app

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	"postern/contacts"
	"postern/httpcgi"
	"postern/templates"
)

// contactView shows one contact (?uid=).
func (a *app) contactView(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	b, err := a.book().Load()
	if err != nil {
		return contactsErr(err)
	}
	c := b.ByUID(r.URL.Query().Get("uid"))
	if c == nil {
		return contactsErr(contacts.ErrNotFound)
	}
	d := a.contactData(r, c, b)
	for i := range d.Emails {
		d.Emails[i].URL = link(r, "/compose", url.Values{"to": {contacts.FormatAddress(c.Name, d.Emails[i].Value)}})
	}
	p := a.page(r, c.Name)
	p.Contact = d
	render(w, httpcgi.StatusOK, "contact", p)
	return nil
}

// contactForm shows the form of a new contact (/contact/new) or of an
// existing one (/contact/edit?uid=).
func (a *app) contactForm(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	b, err := a.book().Load()
	if err != nil {
		return contactsErr(err)
	}
	c := &contacts.Contact{}
	title := "New contact"
	if a.req.Path == "/contact/edit" {
		if c = b.ByUID(r.URL.Query().Get("uid")); c == nil {
			return contactsErr(contacts.ErrNotFound)
		}
		title = "Edit " + c.Name
	}
	d := a.contactData(r, c, b)
	d.Edit = true
	d.Emails, d.Phones = padRows(d.Emails, 1), padRows(d.Phones, 1)
	p := a.page(r, title)
	p.Contact = d
	render(w, httpcgi.StatusOK, "contact", p)
	return nil
}

// contactData is the page data of c.
func (a *app) contactData(r *httpcgi.Request, c *contacts.Contact, b *contacts.Book) *templates.ContactData {
	d := &templates.ContactData{
		UID: c.UID, Name: c.Name, Nickname: c.Nickname, Org: c.Org, Note: c.Note,
		Groups: c.Groups, GroupsText: strings.Join(c.Groups, ", "),
		EmailTypes: contacts.EmailTypes, PhoneTypes: contacts.PhoneTypes,
		Back: link(r, "/contacts", nil),
	}
	if c.UID != "" {
		d.ETag = c.ETag()
		d.EditURL = link(r, "/contact/edit", url.Values{"uid": {c.UID}})
	}
	for _, e := range c.Emails {
		d.Emails = append(d.Emails, templates.TypedValue{Type: e.Type, Value: e.Address})
	}
	for _, p := range c.Phones {
		d.Phones = append(d.Phones, templates.TypedValue{Type: p.Type, Value: p.Number})
	}
	for _, g := range b.Groups() {
		d.AllGroups = append(d.AllGroups, g.Name)
	}
	return d
}

// padRows adds n empty rows to a form's list.
func padRows(v []templates.TypedValue, n int) []templates.TypedValue {
	for range n {
		v = append(v, templates.TypedValue{})
	}
	return v
}

// maxFormRows bounds the addresses and phones a contact form sends.
const maxFormRows = 50

// contactFromForm reads the contact form.
func contactFromForm(v url.Values) (contacts.Contact, error) {
	c := contacts.Contact{
		Name: v.Get("name"), Nickname: v.Get("nickname"), Org: v.Get("org"), Note: v.Get("note"),
	}
	emails, etypes := v["email"], v["email_type"]
	phones, ptypes := v["phone"], v["phone_type"]
	if len(emails) > maxFormRows || len(phones) > maxFormRows {
		return c, badRequest("Too many fields in the form.", nil)
	}
	for i, e := range emails {
		c.Emails = append(c.Emails, contacts.Email{Type: at(etypes, i), Address: e})
	}
	for i, p := range phones {
		c.Phones = append(c.Phones, contacts.Phone{Type: at(ptypes, i), Number: p})
	}
	for _, g := range strings.Split(v.Get("groups"), ",") {
		c.Groups = append(c.Groups, strings.TrimSpace(g))
	}
	return c, nil
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

// contactSave handles the contact form: op=save (a new contact when the
// form has no uid), op=more (the form again with more empty rows),
// op=delete. A save refused (invalid, duplicate address, changed in
// another tab) shows the form again with everything typed.
func (a *app) contactSave(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	v := r.PostForm
	uid, etag := v.Get("uid"), v.Get("etag")
	if v.Get("op") == "delete" {
		if err := a.book().Update(func(b *contacts.Book) error { return b.Delete(uid, etag) }); err != nil {
			return contactsErr(err)
		}
		httpcgi.Redirect(w, r, link(r, "/contacts", nil), httpcgi.StatusSeeOther)
		return nil
	}
	c, err := contactFromForm(v)
	if err != nil {
		return err
	}
	again := func(status int, problem string, stale bool) error {
		b, err := a.book().LoadIndex()
		if err != nil {
			return contactsErr(err)
		}
		c.UID = uid
		d := a.contactData(r, &c, b)
		d.Edit, d.ETag, d.Problem, d.Stale = true, etag, problem, stale
		d.Emails, d.Phones = slices.DeleteFunc(d.Emails, emptyRow), slices.DeleteFunc(d.Phones, emptyRow)
		n := 1
		if v.Get("op") == "more" {
			n = 2
		}
		d.Emails, d.Phones = padRows(d.Emails, n), padRows(d.Phones, n)
		p := a.page(r, "Contact")
		p.Contact = d
		render(w, status, "contact", p)
		return nil
	}
	switch v.Get("op") {
	case "more":
		return again(httpcgi.StatusOK, "", false)
	case "save":
	default:
		return badRequest("Save or delete?", nil)
	}
	var saved contacts.Contact
	err = a.book().Update(func(b *contacts.Book) error {
		var err error
		if uid == "" {
			saved, err = b.Add(c)
		} else {
			saved, err = b.Replace(uid, etag, c)
		}
		return err
	})
	if err != nil {
		var he *httpError
		if !errors.As(contactsErr(err), &he) || he.status == httpcgi.StatusRequestEntityTooLarge || he.status == httpcgi.StatusNotFound {
			return contactsErr(err)
		}
		logf("contact of %s not saved: %v", a.acct.User, err)
		return again(he.status, he.public, errors.Is(err, contacts.ErrStale))
	}
	httpcgi.Redirect(w, r, link(r, "/contact", url.Values{"uid": {saved.UID}}), httpcgi.StatusSeeOther)
	return nil
}

func emptyRow(t templates.TypedValue) bool { return strings.TrimSpace(t.Value) == "" }

// contactQuickAdd adds an address to the book in one click (from a
// message, the collected list or the directory, which also sends the
// organisation and phone) and goes back.
func (a *app) contactQuickAdd(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	v := r.PostForm
	addr := strings.TrimSpace(v.Get("address"))
	if err := contacts.CheckAddress(addr); err != nil {
		return badRequest("That is not an e-mail address that can be added.", err)
	}
	c := contacts.Contact{Name: v.Get("name"), Emails: []contacts.Email{{Type: contacts.TypeOther, Address: addr}},
		Org: v.Get("org")} // the directory page sends its organisation and phone
	if phone := strings.TrimSpace(v.Get("phone")); phone != "" {
		c.Phones = []contacts.Phone{{Type: contacts.TypeWork, Number: phone}}
	}
	var saved contacts.Contact
	err := a.book().Update(func(b *contacts.Book) error {
		if b.ByAddress(addr) != nil {
			return nil // already there: nothing to do
		}
		var err error
		saved, err = b.Add(c)
		return err
	})
	if err != nil {
		return contactsErr(err)
	}
	back := backTo(r, "")
	if back == "" {
		back = link(r, "/contact", url.Values{"uid": {saved.UID}})
	}
	httpcgi.Redirect(w, r, back, httpcgi.StatusSeeOther)
	return nil
}
