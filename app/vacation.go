package app

import (
	"net/url"
	"strconv"
	"strings"

	"postern/filters"
	"postern/httpcgi"
	"postern/templates"
)

func (a *app) vacationGet(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.filtersOn() {
		return errFiltersOff
	}
	set, err := filters.Load(a.filtersDir())
	if err != nil {
		return err
	}
	p := a.page(r, "Vacation reply")
	if r.URL.Query().Get("saved") != "" {
		p.Notice = "Vacation reply saved."
	}
	return a.vacationPage(w, p, httpcgi.StatusOK, set.Vacation)
}

func (a *app) vacationPage(w httpcgi.ResponseWriter, p *templates.Page, status int, v filters.Vacation) error {
	d := &templates.VacationData{Enabled: v.Enabled, Subject: v.Subject, Text: v.Text, Start: v.Start, End: v.End,
		From: v.From, Addresses: strings.Join(v.Addresses, "\n"), Days: v.DaysOrDefault(), Inactive: a.inactiveNote()}
	if len(v.Addresses) == 0 && v.Subject == "" && v.Text == "" && a.acct.Address != "" {
		d.Addresses = a.acct.Address
	}
	p.Vacation = d
	render(w, status, "vacation", p)
	return nil
}

// vacationPost saves the vacation reply: written and compiled with the
// rules before filters.json changes; a refusal shows the form as sent.
func (a *app) vacationPost(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.filtersOn() {
		return errFiltersOff
	}
	f := r.PostForm
	v := filters.Vacation{
		Enabled: f.Get("on") != "",
		Subject: strings.TrimSpace(f.Get("subject")),
		Text:    strings.ReplaceAll(f.Get("text"), "\r\n", "\n"),
		Start:   strings.TrimSpace(f.Get("start")),
		End:     strings.TrimSpace(f.Get("end")),
		From:    strings.TrimSpace(f.Get("from")),
	}
	for _, l := range strings.FieldsFunc(f.Get("addresses"), func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ' ' }) {
		v.Addresses = append(v.Addresses, l)
	}
	p := a.page(r, "Vacation reply")
	if d := strings.TrimSpace(f.Get("days")); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			p.Error = "Not saved: the days between replies must be a number."
			return a.vacationPage(w, p, httpcgi.StatusBadRequest, v)
		}
		v.Days = n
	}
	set, unlock, err := a.lockFilters()
	if err != nil {
		return err
	}
	defer unlock()
	set.Vacation = v
	if status, msg := a.installFilters(set); msg != "" {
		p.Error = msg
		return a.vacationPage(w, p, status, v)
	}
	httpcgi.Redirect(w, r, link(r, "/vacation", url.Values{"saved": {"1"}}), httpcgi.StatusSeeOther)
	return nil
}
