package app

import (
	"encoding/json"
	"strings"

	"postern/contacts"
	"postern/httpcgi"
	"postern/templates"
)

// The compose page is the only one with a script: complete.js, served by
// postern itself, asks /complete as the user types. Its CSP adds
// script-src 'self' (that file) and connect-src 'self' (that request)
// to what every page has; no inline script, no eval.
const scriptCSP = "; script-src 'self'; connect-src 'self'"

// allowScript extends the response's CSP for the compose page.
func allowScript(w httpcgi.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", h.Get("Content-Security-Policy")+scriptCSP)
}

// Completion answers at most maxCompletions candidates for a prefix of
// at most maxPrefix bytes.
const (
	maxCompletions = 20
	maxPrefix      = 256
)

// completion is one candidate as complete.js reads it.
type completion struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// complete answers GET /complete?q=prefix with the ranked candidates as
// JSON (contacts.Complete: collected, contacts, groups).
func (a *app) complete(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > maxPrefix {
		return badRequest("The text to complete is too long.", nil)
	}
	out := []completion{}
	if q != "" {
		found, err := a.book().Complete(q, maxCompletions)
		if err != nil {
			return contactsErr(err)
		}
		for _, c := range found {
			label := c.Value
			if c.Kind == contacts.KindGroup {
				label = "group of " + plural(c.Members, "contact")
			}
			out = append(out, completion{Value: c.Value, Label: label})
		}
		out = a.completeDirectory(w, q, out)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	return json.NewEncoder(w).Encode(out)
}

// completeJS serves the completion script.
func (a *app) completeJS(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	_, err := w.Write(templates.CompleteJS())
	return err
}

// minDirectoryPrefix: the directory is asked from the second character
// typed on, not for every first letter.
const minDirectoryPrefix = 2

// DirectoryHeader tells complete.js that the site's directory did not
// answer, so that it can say why its people are missing.
const DirectoryHeader = "X-Postern-Directory"

// completeDirectory adds the site directory's people to out, after the
// book's and the collected ones, up to maxCompletions, leaving out the
// addresses out already has. A directory that does not answer, or did
// not a moment ago (lookUp's backoff), adds nothing and sets
// DirectoryHeader to "unavailable".
func (a *app) completeDirectory(w httpcgi.ResponseWriter, q string, out []completion) []completion {
	if Directory(a.cfg) == nil || len(q) < minDirectoryPrefix || len(out) >= maxCompletions {
		return out
	}
	res, ok := a.lookUp(q, true)
	if !ok {
		w.Header().Set(DirectoryHeader, "unavailable")
		return out
	}
	seen := map[string]bool{}
	for _, c := range out {
		seen[strings.ToLower(completionAddress(c.Value))] = true
	}
	for _, e := range res.Entries {
		for _, m := range e.Mail {
			if len(out) >= maxCompletions {
				return out
			}
			if seen[strings.ToLower(m)] {
				continue
			}
			seen[strings.ToLower(m)] = true
			label := "directory"
			if e.Organisation != "" {
				label = e.Organisation + " (directory)"
			}
			out = append(out, completion{Value: contacts.FormatAddress(e.Name, m), Label: label})
		}
	}
	return out
}

// completionAddress is the address of a candidate's value ("Name
// <addr>" or addr); a group's name is returned whole.
func completionAddress(v string) string {
	if i := strings.LastIndexByte(v, '<'); i >= 0 && strings.HasSuffix(v, ">") {
		return v[i+1 : len(v)-1]
	}
	return v
}
