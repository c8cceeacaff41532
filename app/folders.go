package app

import (
	"fmt"
	"net/url"
	"strings"

	"postern/httpcgi"
	"postern/maildir"
	"postern/templates"
)

// folderItems lists the folders with their counts: from the index when it
// was brought in step with the files by this request, else from the files.
func (a *app) folderItems() ([]templates.FolderItem, error) {
	var known maildir.Counter
	if x, _, ok := a.index(); ok && a.idxInStep {
		if counts, err := x.FolderCounts(); err == nil {
			known = func(name string) (int, int, bool) {
				c, ok := counts[name]
				return c.Total, c.Unread, ok
			}
		} else {
			logf("index of %s: %v", a.acct.User, err)
		}
	}
	fs, err := a.store.FoldersCounted(known)
	if err != nil {
		return nil, err
	}
	out := make([]templates.FolderItem, 0, len(fs))
	for _, f := range fs {
		out = append(out, templates.FolderItem{
			Name: f.Name, Leaf: f.Leaf, Depth: f.Depth, Total: f.Total, Unread: f.Unread,
			NoSelect:  f.NoSelect,
			Protected: f.Name == "INBOX" || f.Name == a.cfg.Trash,
		})
	}
	return out, nil
}

func (a *app) folders(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	items, err := a.folderItems()
	if err != nil {
		return err
	}
	p := a.page(r, "Folders")
	p.Notice = folderNotice(r.URL.Query(), a.cfg.Trash)
	p.Folders = &templates.FoldersData{Folders: items, Trash: a.cfg.Trash}
	render(w, httpcgi.StatusOK, "folders", p)
	return nil
}

// folderOp creates, renames or deletes a folder.
func (a *app) folderOp(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	f := r.PostForm
	notice := url.Values{}
	switch f.Get("op") {
	case "create":
		name := strings.TrimSpace(f.Get("name"))
		if parent := f.Get("parent"); parent != "" {
			if !a.store.Exists(parent) {
				return badRequest("The parent folder does not exist.", nil)
			}
			name = parent + "." + name
		}
		if err := maildir.ValidFolderName(name); err != nil {
			return badRequest(folderNameHelp, err)
		}
		if err := a.store.CreateFolder(name); err != nil {
			return badRequest("The folder could not be created: it may exist already.", err)
		}
		notice = url.Values{"done": {"created"}, "n": {name}}
	case "rename":
		from, to := f.Get("f"), strings.TrimSpace(f.Get("name"))
		if err := a.checkFolder(from); err != nil {
			return err
		}
		if a.protected(from) {
			return badRequest("The inbox and the trash cannot be renamed.", nil)
		}
		if err := maildir.ValidFolderName(to); err != nil {
			return badRequest(folderNameHelp, err)
		}
		if err := a.store.RenameFolder(from, to); err != nil {
			return badRequest("The folder could not be renamed: the new name may be taken.", err)
		}
		notice = url.Values{"done": {"renamed"}, "n": {from}, "to": {to}}
	case "delete":
		name := f.Get("f")
		if err := a.checkFolder(name); err != nil {
			return err
		}
		if a.protected(name) {
			return badRequest("The inbox and the trash cannot be deleted.", nil)
		}
		if err := a.store.DeleteFolder(name); err != nil {
			return badRequest("The folder could not be deleted. A folder with subfolders cannot be deleted.", err)
		}
		notice = url.Values{"done": {"deleted"}, "n": {name}}
	default:
		return badRequest("Unknown folder operation.", nil)
	}
	httpcgi.Redirect(w, r, link(r, "/folders", notice), httpcgi.StatusSeeOther)
	return nil
}

const folderNameHelp = "That folder name is not allowed: use letters, digits and spaces; a dot separates subfolders; no slash, no empty parts and no control characters."

func (a *app) protected(name string) bool {
	return name == "INBOX" || name == a.cfg.Trash
}

// checkFolder validates a folder name from a request and that it exists.
func (a *app) checkFolder(name string) error {
	if name != "INBOX" {
		if err := maildir.ValidFolderName(name); err != nil {
			return badRequest(folderNameHelp, err)
		}
	}
	if !a.store.Exists(name) {
		return &httpError{status: httpcgi.StatusNotFound, public: "There is no folder of that name."}
	}
	return nil
}

// folderNotice says what the last folder operation did. Only the folder
// names come from the URL; the sentences are ours, so a crafted link
// cannot make the page say anything else.
func folderNotice(q url.Values, trash string) string {
	n := q.Get("n")
	if len(n) > 300 {
		return ""
	}
	switch q.Get("done") {
	case "created":
		return fmt.Sprintf("Folder %s created.", n)
	case "renamed":
		return fmt.Sprintf("Folder %s renamed to %s.", n, q.Get("to"))
	case "deleted":
		return fmt.Sprintf("Folder %s deleted; its messages are in %s.", n, trash)
	}
	return ""
}
