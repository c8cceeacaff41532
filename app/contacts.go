package app

import (
	"errors"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"postern/contacts"
	"postern/httpcgi"
	"postern/templates"
)

// contactsPageSize is the number of contacts on a page of the list.
const contactsPageSize = 50

// book is the user's address book, in the Maildir's postern/.
func (a *app) book() contacts.Store {
	return contacts.Store{Dir: filepath.Join(a.store.Root, "postern")}
}

// contactsErr turns an error of package contacts into its status and
// public text.
func contactsErr(err error) error {
	var de *contacts.DuplicateError
	var le *contacts.LimitError
	var ie *contacts.InvalidError
	switch {
	case errors.As(err, &ie):
		return badRequest(upperFirst(ie.Reason)+".", err)
	case errors.As(err, &de):
		return &httpError{status: 409, public: de.Address + " already belongs to " + de.Of + ".", err: err}
	case errors.Is(err, contacts.ErrStale):
		return &httpError{status: 409, public: "This contact was changed elsewhere (in another tab or window) since this page was shown; nothing was changed. Open it again.", err: err}
	case errors.Is(err, contacts.ErrNotFound):
		return &httpError{status: httpcgi.StatusNotFound, public: "There is no such contact (any more).", err: err}
	case errors.As(err, &le):
		return &httpError{status: httpcgi.StatusRequestEntityTooLarge, public: upperFirst(strings.TrimPrefix(le.Error(), "contacts: ")) + ". Nothing was changed.", err: err}
	}
	return err
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// contactsList shows a page of the address book: all contacts, those
// matching q, or the members of group.
func (a *app) contactsList(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	q := r.URL.Query()
	b, err := a.book().LoadIndex()
	if err != nil {
		return contactsErr(err)
	}
	query, group := strings.TrimSpace(q.Get("q")), q.Get("group")
	list := b.Search(query)
	if group != "" {
		kept := list[:0]
		for _, c := range list {
			if c.InGroup(group) {
				kept = append(kept, c)
			}
		}
		list = kept
	}
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pages := max(1, (len(list)+contactsPageSize-1)/contactsPageSize)
	pageNo = min(max(pageNo, 1), pages)
	d := &templates.ContactsData{Query: query, Group: group, Total: len(list), Book: b.Len(), Page: pageNo, Pages: pages, Max: contacts.MaxContacts}
	pageURL := func(n int) string {
		v := url.Values{}
		if query != "" {
			v.Set("q", query)
		}
		if group != "" {
			v.Set("group", group)
		}
		v.Set("page", strconv.Itoa(n))
		return link(r, "/contacts", v)
	}
	if pageNo > 1 {
		d.PrevURL = pageURL(pageNo - 1)
	}
	if pageNo < pages {
		d.NextURL = pageURL(pageNo + 1)
	}
	for _, c := range list[(pageNo-1)*contactsPageSize : min(len(list), pageNo*contactsPageSize)] {
		row := templates.ContactRow{UID: c.UID, Name: c.Name, Org: c.Org, Groups: c.Groups, URL: link(r, "/contact", url.Values{"uid": {c.UID}})}
		for _, e := range c.Emails {
			row.Emails = append(row.Emails, e.Address)
		}
		d.Rows = append(d.Rows, row)
	}
	exp := func(format, group string) string {
		v := url.Values{"format": {format}}
		if group != "" {
			v.Set("group", group)
		}
		return link(r, "/contacts/export", v)
	}
	d.VCardURL, d.CSVURL = exp("vcf", group), exp("csv", group)
	for _, g := range b.Groups() {
		d.Groups = append(d.Groups, templates.GroupLink{
			Name: g.Name, Members: g.Members, Active: strings.EqualFold(g.Name, group),
			URL:       link(r, "/contacts", url.Values{"group": {g.Name}}),
			VCardURL:  exp("vcf", g.Name),
			CSVURL:    exp("csv", g.Name),
			ComposeTo: link(r, "/compose", url.Values{"to": {g.Name}}),
		})
	}
	title := "Contacts"
	if group != "" {
		title = "Group " + group
	}
	p := a.page(r, title)
	p.Contacts = d
	render(w, httpcgi.StatusOK, "contacts", p)
	return nil
}

// dissolveGroup takes every contact out of a group.
func (a *app) dissolveGroup(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	group := r.PostForm.Get("group")
	if r.PostForm.Get("op") != "dissolve" || group == "" {
		return badRequest("Dissolve which group?", nil)
	}
	if err := a.book().Update(func(b *contacts.Book) error { b.RemoveGroup(group); return nil }); err != nil {
		return contactsErr(err)
	}
	httpcgi.Redirect(w, r, link(r, "/contacts", nil), httpcgi.StatusSeeOther)
	return nil
}
