package app

import (
	"net/mail"
	"strings"
	"time"

	"postern/compose"
	"postern/contacts"
	"postern/httpcgi"
	"postern/message"
	"postern/templates"
)

// collectedPage lists the collected addresses.
func (a *app) collectedPage(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	s := a.book()
	col := s.LoadCollected()
	b, err := s.LoadIndex()
	if err != nil {
		return contactsErr(err)
	}
	d := &templates.CollectedData{Collecting: !a.prefs().NoCollect, Max: contacts.MaxCollected}
	for _, e := range col.Entries {
		d.Rows = append(d.Rows, templates.CollectedRow{
			Name: e.Name, Address: e.Address, Count: e.Count,
			Last: e.Last.Local().Format("2 Jan 2006"), Known: b.ByAddress(e.Address) != nil,
		})
	}
	p := a.page(r, "Collected addresses")
	p.Collected = d
	render(w, httpcgi.StatusOK, "collected", p)
	return nil
}

// collectedOp forgets one collected address (op=forget, address) or all
// of them (op=clear).
func (a *app) collectedOp(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	var err error
	switch r.PostForm.Get("op") {
	case "forget":
		err = a.book().Forget(r.PostForm.Get("address"))
	case "clear":
		err = a.book().ClearCollected()
	default:
		return badRequest("Forget one address or all?", nil)
	}
	if err != nil {
		return err
	}
	httpcgi.Redirect(w, r, link(r, "/contacts/collected", nil), httpcgi.StatusSeeOther)
	return nil
}

// collect remembers the recipients of a sent message, unless the user
// turned collecting off. The message is sent: failures are logged.
func (a *app) collect(d *compose.Draft) {
	if a.prefs().NoCollect {
		return
	}
	var all []*mail.Address
	for _, field := range []string{d.To, d.Cc, d.Bcc} {
		list, err := compose.ParseAddressList(field)
		if err != nil {
			continue
		}
		all = append(all, list...)
	}
	if err := a.book().Collect(all, time.Now()); err != nil {
		logf("collecting the addresses of %s: %v", a.acct.User, err)
	}
}

// maxSuggestions bounds compose's datalist: it is in every compose page.
const maxSuggestions = 200

// suggestions are the datalist of To, Cc and Bcc: the collected
// addresses, then contacts, then groups, as contacts.Complete ranks
// them for an empty prefix.
func (a *app) suggestions() []templates.Suggestion {
	found, err := a.book().Complete("", maxSuggestions)
	if err != nil {
		logf("address book of %s: %v", a.acct.User, err)
		return nil
	}
	var out []templates.Suggestion
	for _, c := range found {
		label := c.Value
		if c.Kind == contacts.KindGroup {
			label = "group of " + plural(c.Members, "contact")
		}
		out = append(out, templates.Suggestion{Value: c.Value, Label: label})
	}
	return out
}

// expandGroups replaces the group names of To, Cc and Bcc by their
// members' addresses, for sending; it returns the groups expanded.
func (a *app) expandGroups(d *compose.Draft) []string {
	b, err := a.book().LoadIndex()
	if err != nil {
		logf("address book of %s: %v", a.acct.User, err)
		return nil
	}
	var all []string
	for _, f := range []*string{&d.To, &d.Cc, &d.Bcc} {
		var g []string
		*f, g = contacts.ExpandGroups(*f, b)
		all = append(all, g...)
	}
	return all
}

// maxPeople bounds the addresses of a message offered to the book.
const maxPeople = 20

// people are the addresses of a message (From, Reply-To, To, Cc), each
// once, with whether the book has them.
func (a *app) people(v *message.View) []templates.Person {
	var out []templates.Person
	var addrs []string
	seen := map[string]bool{}
	for _, list := range [][]message.Address{v.From, v.ReplyTo, v.To, v.Cc} {
		for _, ad := range list {
			k := strings.ToLower(ad.Addr)
			if seen[k] || contacts.CheckAddress(ad.Addr) != nil || len(out) >= maxPeople {
				continue
			}
			seen[k] = true
			out = append(out, templates.Person{Name: ad.Name, Address: ad.Addr})
			addrs = append(addrs, ad.Addr)
		}
	}
	known, err := a.book().Known(addrs)
	if err != nil {
		logf("address book of %s: %v", a.acct.User, err)
	}
	for i := range out {
		out[i].Known = known[out[i].Address]
	}
	return out
}
