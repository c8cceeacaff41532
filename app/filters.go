package app

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"postern/config"
	"postern/filters"
	"postern/httpcgi"
	"postern/maildir"
	"postern/templates"
)

// blankRows is how many empty condition and action rows the rule form
// adds to a rule's own: room to grow without JavaScript.
const blankRows = 2

// filtersOn reports whether the site writes rules (filter_language).
func (a *app) filtersOn() bool {
	return a.cfg.FilterLanguage == filters.Sieve || a.cfg.FilterLanguage == filters.MaildropLang
}

var errFiltersOff = &httpError{status: httpcgi.StatusNotFound, public: "Filters are not offered on this site."}

// filtersDir is <Maildir>/postern, where filters.json is.
func (a *app) filtersDir() string { return filepath.Join(a.acct.Maildir, "postern") }

func (a *app) filtersGet(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.filtersOn() {
		return errFiltersOff
	}
	set, err := filters.Load(a.filtersDir())
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var form *templates.RuleForm
	switch e := q.Get("edit"); e {
	case "":
	case "new":
		form = ruleForm(-1, prefill(q))
	default:
		i, err := strconv.Atoi(e)
		if err != nil || i < 0 || i >= len(set.Rules) {
			return errNotFound
		}
		form = ruleForm(i, set.Rules[i])
	}
	return a.filtersPage(w, r, httpcgi.StatusOK, set, form, "", q.Get("saved") != "")
}

// prefill is the new rule of "Make a rule from this message": one
// condition from the query (field, header, value) and a move.
func prefill(q url.Values) filters.Rule {
	var r filters.Rule
	c := filters.Condition{Field: q.Get("field"), Header: q.Get("header"), Op: filters.OpContains, Value: q.Get("value")}
	switch c.Field {
	case filters.FieldFrom, filters.FieldTo, filters.FieldCc, filters.FieldSubject, filters.FieldHeader:
		r.Conditions = []filters.Condition{c}
	}
	r.Actions = []filters.Action{{Kind: filters.ActMove}}
	return r
}

func (a *app) filtersPage(w httpcgi.ResponseWriter, r *httpcgi.Request, status int, set *filters.Set, form *templates.RuleForm, errText string, saved bool) error {
	p := a.page(r, "Filters")
	p.Error = errText
	if saved {
		p.Notice = "Filters saved."
	}
	d := &templates.FiltersData{Language: a.cfg.FilterLanguage, Form: form, Inactive: a.inactiveNote()}
	for i, rule := range set.Rules {
		d.Rules = append(d.Rules, templates.RuleRow{Index: i, Name: rule.Name, Summary: rule.Summary(), Disabled: rule.Disabled,
			First: i == 0, Last: i == len(set.Rules)-1, EditURL: link(r, "/filters", url.Values{"edit": {strconv.Itoa(i)}})})
	}
	if form != nil {
		names, err := a.store.FolderNames()
		if err != nil {
			return err
		}
		sortFolderNames(names)
		d.Folders = names
	}
	p.Filters = d
	render(w, status, "filters", p)
	return nil
}

// ruleForm is the form of rule r at index i (-1: new), with blank rows.
func ruleForm(i int, r filters.Rule) *templates.RuleForm {
	f := &templates.RuleForm{Index: i, Name: r.Name, Any: r.Any, Disabled: r.Disabled}
	for n, c := range r.Conditions {
		row := templates.ConditionRow{N: n, Field: c.Field, Header: c.Header, Op: c.Op, Value: c.Value}
		if c.Not {
			row.Op = "not" + c.Op
		}
		if c.Field == filters.FieldSize {
			row.Value = strconv.FormatInt((c.Size+1023)/1024, 10)
		}
		f.Conditions = append(f.Conditions, row)
	}
	for n := len(f.Conditions); n < min(len(r.Conditions)+blankRows, filters.MaxConditions); n++ {
		f.Conditions = append(f.Conditions, templates.ConditionRow{N: n, Op: filters.OpContains})
	}
	for n, ac := range r.Actions {
		row := templates.ActionRow{N: n, Kind: ac.Kind, Folder: ac.Folder, Address: ac.Address}
		if ac.Kind == filters.ActForward && ac.Keep {
			row.Kind = "forwardcopy"
		}
		f.Actions = append(f.Actions, row)
	}
	for n := len(f.Actions); n < min(len(r.Actions)+blankRows, filters.MaxActions); n++ {
		f.Actions = append(f.Actions, templates.ActionRow{N: n})
	}
	return f
}

// ruleFromForm reads the rule form; rows without a field or action are
// skipped. What the values mean is checked by filters.Set.Validate.
func ruleFromForm(f url.Values) (filters.Rule, error) {
	r := filters.Rule{Name: strings.TrimSpace(f.Get("name")), Any: f.Get("any") != "", Disabled: f.Get("off") != ""}
	for n := 0; n < filters.MaxConditions; n++ {
		field := f.Get(fmt.Sprintf("cf%d", n))
		if field == "" {
			continue
		}
		c := filters.Condition{Field: field, Header: strings.TrimSpace(f.Get(fmt.Sprintf("ch%d", n))), Value: f.Get(fmt.Sprintf("cv%d", n))}
		op := f.Get(fmt.Sprintf("co%d", n))
		c.Op, c.Not = strings.TrimPrefix(op, "not"), strings.HasPrefix(op, "not")
		if field == filters.FieldSize {
			kb, err := strconv.ParseInt(strings.TrimSpace(c.Value), 10, 64)
			if err != nil || kb < 0 || kb > filters.MaxSize>>10 {
				return r, fmt.Errorf("a size is a number of KB, not %q", c.Value)
			}
			c.Size, c.Value, c.Not = kb*1024, "", false
		}
		if field != filters.FieldHeader {
			c.Header = ""
		}
		r.Conditions = append(r.Conditions, c)
	}
	for n := 0; n < filters.MaxActions; n++ {
		kind := f.Get(fmt.Sprintf("ak%d", n))
		if kind == "" {
			continue
		}
		ac := filters.Action{Kind: kind}
		switch kind {
		case filters.ActMove, filters.ActCopy:
			ac.Folder = f.Get(fmt.Sprintf("af%d", n))
		case filters.ActForward, "forwardcopy":
			ac.Kind, ac.Keep = filters.ActForward, kind == "forwardcopy"
			ac.Address = strings.TrimSpace(f.Get(fmt.Sprintf("aa%d", n)))
		}
		r.Actions = append(r.Actions, ac)
	}
	return r, nil
}

// lockFilters takes the user's filters lock and loads the rules under it,
// for a change that is saved before unlock is called.
func (a *app) lockFilters() (*filters.Set, func(), error) {
	unlock, err := filters.Lock(a.filtersDir())
	if err != nil {
		return nil, nil, err
	}
	set, err := filters.Load(a.filtersDir())
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return set, unlock, nil
}

// filtersPost changes the rules: op = save (i: the index, -1 new), up,
// down, toggle, delete. The new rules are written and compiled before
// filters.json changes; a refusal shows the form again as it was sent.
func (a *app) filtersPost(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if !a.filtersOn() {
		return errFiltersOff
	}
	set, unlock, err := a.lockFilters()
	if err != nil {
		return err
	}
	defer unlock()
	f := r.PostForm
	i, err := strconv.Atoi(f.Get("i"))
	op := f.Get("op")
	if err != nil || i < -1 || i >= len(set.Rules) || (i == -1 && op != "save") {
		return badRequest("That rule does not exist (any more). Reload the Filters page.", err)
	}
	var form *templates.RuleForm // shown again if the change is refused
	switch op {
	case "save":
		rule, err := ruleFromForm(f)
		form = ruleForm(i, rule)
		if err != nil {
			return a.filtersPage(w, r, httpcgi.StatusBadRequest, set, form, "The rule was not saved: "+err.Error()+".", false)
		}
		if i == -1 {
			set.Rules = append(set.Rules, rule)
		} else {
			set.Rules[i] = rule
		}
	case "up", "down":
		j := i - 1
		if op == "down" {
			j = i + 1
		}
		if j < 0 || j >= len(set.Rules) {
			return badRequest("That rule cannot move further.", nil)
		}
		set.Rules[i], set.Rules[j] = set.Rules[j], set.Rules[i]
	case "toggle":
		set.Rules[i].Disabled = !set.Rules[i].Disabled
	case "delete":
		set.Rules = append(set.Rules[:i], set.Rules[i+1:]...)
	default:
		return badRequest("Unknown change.", nil)
	}
	if status, msg := a.installFilters(set); msg != "" {
		old, _ := filters.Load(a.filtersDir())
		if old == nil {
			old = &filters.Set{}
		}
		return a.filtersPage(w, r, status, old, form, msg, false)
	}
	httpcgi.Redirect(w, r, link(r, "/filters", url.Values{"saved": {"1"}}), httpcgi.StatusSeeOther)
	return nil
}

// filterTarget is where the site's delivery agent finds the rules.
func (a *app) filterTarget() filters.Target {
	home := a.acct.Home
	t := filters.Target{Language: a.cfg.FilterLanguage, Home: home, StateDir: a.filtersDir()}
	path := func(p string) string { return config.ForAccount(p, a.acct.User, home) }
	switch t.Language {
	case filters.Sieve:
		t.Script, t.Compiler = path(a.cfg.SieveScript), a.cfg.Sievec
		if a.cfg.SieveActive != "" {
			t.Active = path(a.cfg.SieveActive)
		}
	case filters.MaildropLang:
		t.Script, t.Compiler = path(a.cfg.MaildropFilter), a.cfg.Maildrop
		t.Maildrop = filters.Maildrop{Maildir: a.acct.Maildir, Mailbot: a.cfg.Mailbot, Sendmail: a.cfg.VacationSendmail}
	}
	return t
}

// installFilters writes set as the delivery agent's script, then, if
// that worked, as filters.json. It returns the status and the user's
// message of a refusal, or "" when all is saved.
func (a *app) installFilters(set *filters.Set) (int, string) {
	t := a.filterTarget()
	if set.Validate() == nil {
		// maildrop cannot deliver to a missing folder.
		for _, name := range set.Folders() {
			if err := a.ensureFolder(name); err != nil {
				logf("filters of %s: folder %q: %v", a.acct.User, name, err)
				return httpcgi.StatusInternalServerError, "Not saved: the folder " + name + " could not be created."
			}
		}
	}
	res, err := filters.Install(t, set)
	var ve *filters.ValueError
	var ce *filters.CompileError
	switch {
	case err == nil:
	case errors.As(err, &ve):
		return httpcgi.StatusBadRequest, "Not saved: " + strings.TrimPrefix(ve.Error(), "filters: ") + "."
	case errors.As(err, &ce):
		logf("filters of %s: %v", a.acct.User, err)
		return httpcgi.StatusUnprocessableEntity, "Not saved: the mail server's " + filepath.Base(ce.Compiler) + " refused the rules, so the old ones stay: " + strings.TrimSpace(ce.Output)
	case errors.Is(err, filters.ErrNotOurs):
		logf("filters of %s: %v", a.acct.User, err)
		return httpcgi.StatusConflict, "Not saved: " + t.Script + " was not written by postern, and postern does not overwrite it. Rename it (postern then writes its own), or ask your administrator."
	default:
		logf("filters of %s: %v", a.acct.User, err)
		return httpcgi.StatusInternalServerError, "Not saved: the rules could not be written. The administrator will find the reason in the web server's error log."
	}
	if err := filters.Save(a.filtersDir(), set); err != nil {
		logf("filters of %s: %v", a.acct.User, err)
		return httpcgi.StatusInternalServerError, "The rules are active, but postern could not keep a copy of them. The administrator will find the reason in the web server's error log."
	}
	writeInactive(a.filtersDir(), res.Inactive)
	return 0, ""
}

// inactiveNote is what the user must do when the active Sieve script is
// their own (the last install said so), or "".
func (a *app) inactiveNote() string {
	if a.cfg.FilterLanguage != filters.Sieve || !readInactive(a.filtersDir()) {
		return ""
	}
	return "Your mail server runs a Sieve script of your own (" + config.ForAccount(a.cfg.SieveActive, a.acct.User, a.acct.Home) +
		"), which postern leaves as it is. To run these rules too, add to it: require \"include\"; include :personal \"postern\";"
}

// inactiveFile marks that postern's Sieve script is not the active one.
const inactiveFile = "filters.inactive"

func writeInactive(dir string, on bool) {
	p := filepath.Join(dir, inactiveFile)
	if on {
		_ = writeFileAtomic(p, []byte("1\n"))
	} else {
		_ = os.Remove(p)
	}
}

func readInactive(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, inactiveFile))
	return err == nil
}

// sortFolderNames puts INBOX first, the rest in order.
func sortFolderNames(names []string) {
	slices.SortFunc(names, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == maildir.Inbox:
			return -1
		case b == maildir.Inbox:
			return 1
		}
		return strings.Compare(a, b)
	})
}
