package app

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"postern/httpcgi"
	"postern/maildir"
	"postern/templates"
)

// maxSelected bounds how many messages one action may name.
const maxSelected = 5000

// selection reads the folder and the message ids a list form names, and
// checks them: a folder of the user's, 1 to maxSelected valid keys.
func (a *app) selection(f url.Values) (folder string, ids []string, err error) {
	folder = f.Get("f")
	if err := a.checkFolder(folder); err != nil {
		return "", nil, err
	}
	ids = f["id"]
	if len(ids) == 0 {
		return "", nil, badRequest("Select at least one message first.", nil)
	}
	if len(ids) > maxSelected {
		return "", nil, badRequest(fmt.Sprintf("At most %d messages can be changed at once.", maxSelected), nil)
	}
	for _, id := range ids {
		if err := maildir.ValidKey(id); err != nil {
			return "", nil, badRequest("That is not a valid message id.", err)
		}
	}
	return folder, ids, nil
}

// action applies one operation to the selected messages of a folder.
func (a *app) action(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	f := r.PostForm
	folder, ids, err := a.selection(f)
	if err != nil {
		return err
	}
	if learn := f.Get("learn"); learn == "spam" || learn == "ham" {
		// The list's Spam button in a browser without formaction: ask
		// again, from a form that goes to /spam (the one request that
		// may run the learn command).
		p := a.page(r, "Spam")
		p.Spam = &templates.SpamData{Folder: folder, Back: backTo(r, link(r, "/list", url.Values{"f": {folder}})), Learn: learn, Junk: a.cfg.Junk, IDs: ids}
		render(w, httpcgi.StatusOK, "spam", p)
		return nil
	}
	op := f.Get("op")
	dest := f.Get("dest")
	switch op {
	case "read":
		err = a.setFlags(folder, ids, "S", "")
	case "unread":
		err = a.setFlags(folder, ids, "", "S")
	case "flag":
		err = a.setFlags(folder, ids, "F", "")
	case "unflag":
		err = a.setFlags(folder, ids, "", "F")
	case "move", "copy":
		if err := a.checkFolder(dest); err != nil {
			return err
		}
		if dest == folder && op == "move" {
			return badRequest("The messages are in that folder already.", nil)
		}
		if op == "move" {
			err = a.move(folder, ids, dest)
		} else {
			b, n := a.sizeOf(folder, ids)
			if err = a.store.Copy(folder, ids, dest); err == nil {
				a.quotaChange(b, n)
			}
		}
	case "delete":
		if folder == a.cfg.Trash {
			b, n := a.sizeOf(folder, ids)
			if err = a.remove(folder, ids); err == nil {
				a.quotaChange(-b, -n)
			}
			break
		}
		if !a.store.Exists(a.cfg.Trash) {
			if err := a.store.CreateFolder(a.cfg.Trash); err != nil {
				return err
			}
		}
		dest = a.cfg.Trash
		err = a.move(folder, ids, dest)
	default:
		return badRequest("Unknown action.", nil)
	}
	if err != nil {
		return err
	}
	back := backTo(r, link(r, "/list", url.Values{"f": {folder}}))
	httpcgi.Redirect(w, r, withNotice(back, op, len(ids), dest), httpcgi.StatusSeeOther)
	return nil
}

// emptyTrash deletes every message in Trash for good.
func (a *app) emptyTrash(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	if a.store.Exists(a.cfg.Trash) {
		b, n := a.sizeOf(a.cfg.Trash, nil)
		if err := a.store.Empty(a.cfg.Trash); err != nil {
			return err
		}
		a.quotaChange(-b, -n)
	}
	back := backTo(r, link(r, "/list", url.Values{"f": {a.cfg.Trash}}))
	httpcgi.Redirect(w, r, withNotice(back, "empty", 0, ""), httpcgi.StatusSeeOther)
	return nil
}

// withNotice adds what was done to a local URL, for actionNotice.
func withNotice(u, op string, n int, dest string) string {
	v := url.Values{"done": {op}, "n": {strconv.Itoa(n)}}
	if dest != "" {
		v.Set("to", dest)
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + v.Encode()
}

// actionNotice is the sentence for the last action. Only a count and a
// folder name come from the URL.
func actionNotice(q url.Values) string {
	n, err := strconv.Atoi(q.Get("n"))
	if err != nil || n < 0 {
		return ""
	}
	what := fmt.Sprintf("%d messages", n)
	if n == 1 {
		what = "1 message"
	}
	to := q.Get("to")
	if len(to) > 300 {
		return ""
	}
	switch q.Get("done") {
	case "read":
		return what + " marked read."
	case "unread":
		return what + " marked unread."
	case "flag":
		return what + " flagged."
	case "unflag":
		return what + " unflagged."
	case "move":
		return what + " moved to " + to + "."
	case "copy":
		return what + " copied to " + to + "."
	case "delete":
		if to != "" {
			return what + " moved to " + to + "."
		}
		return what + " deleted for good."
	case "empty":
		return "Trash emptied."
	case "spam", "ham":
		s := what + " moved to " + to + " and reported as spam."
		if q.Get("done") == "ham" {
			s = what + " moved to " + to + " and reported as not spam."
		}
		if lf, err := strconv.Atoi(q.Get("lf")); err == nil && lf > 0 && lf <= n {
			s += fmt.Sprintf(" The spam filter could not learn from %d of them.", lf)
		}
		return s
	}
	return ""
}
