package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"postern/templates"
)

// pageSizes are the page sizes offered in the preferences.
var pageSizes = []int{10, 20, 25, 50, 100, 200}

// prefsFile holds the user's preferences, in the Maildir (the process
// runs there), mode 600.
const prefsFile = "postern/prefs.json"

// maxPrefsBytes bounds what is read of the preferences file.
const maxPrefsBytes = 64 << 10

type userPrefs struct {
	PageSize      int      `json:"page_size"`
	PreferText    bool     `json:"prefer_text,omitempty"`    // show the text part of messages that have one
	RemoteSenders []string `json:"remote_senders,omitempty"` // always load remote content from these
}

// prefs reads the preferences; a missing or broken file gives defaults.
func (a *app) prefs() userPrefs {
	p := userPrefs{PageSize: a.cfg.PageSize}
	f, err := os.Open(prefsFile)
	if err != nil {
		return p
	}
	defer f.Close()
	var stored userPrefs
	if json.NewDecoder(io.LimitReader(f, maxPrefsBytes)).Decode(&stored) != nil {
		return p
	}
	if validPageSize(stored.PageSize) {
		p.PageSize = stored.PageSize
	}
	p.PreferText = stored.PreferText
	if len(stored.RemoteSenders) <= maxRemoteSenders {
		p.RemoteSenders = stored.RemoteSenders
	}
	return p
}

func validPageSize(n int) bool { return n >= 5 && n <= 500 }

func (a *app) prefsPage(w http.ResponseWriter, r *http.Request, notice string) error {
	p := a.page(r, "Preferences")
	p.Notice = notice
	up := a.prefs()
	p.Prefs = &templates.PrefsData{PageSize: up.PageSize, PageSizes: pageSizes, PreferText: up.PreferText, RemoteSenders: up.RemoteSenders}
	render(w, http.StatusOK, "prefs", p)
	return nil
}

func (a *app) prefsGet(w http.ResponseWriter, r *http.Request) error { return a.prefsPage(w, r, "") }

func (a *app) savePrefs(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PostForm.Get("pagesize"))
	if err != nil || !validPageSize(n) {
		return badRequest("The page size must be a number from 5 to 500.", err)
	}
	p := a.prefs()
	p.PageSize = n
	p.PreferText = r.PostForm.Get("prefertext") != ""
	drop := map[string]bool{}
	for _, s := range r.PostForm["forget"] {
		drop[s] = true
	}
	kept := p.RemoteSenders[:0]
	for _, s := range p.RemoteSenders {
		if !drop[s] {
			kept = append(kept, s)
		}
	}
	p.RemoteSenders = kept
	if err := a.savePrefsFile(p); err != nil {
		return err
	}
	return a.prefsPage(w, r, "Preferences saved.")
}

// savePrefsFile writes the preferences.
func (a *app) savePrefsFile(p userPrefs) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return writeFileAtomic(prefsFile, b)
}

// writeFileAtomic replaces name with data: a temporary file in the same
// directory, fsync, rename.
func writeFileAtomic(name string, data []byte) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}
