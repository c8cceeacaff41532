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
	PageSize int `json:"page_size"`
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
	if json.NewDecoder(io.LimitReader(f, maxPrefsBytes)).Decode(&stored) == nil && validPageSize(stored.PageSize) {
		p.PageSize = stored.PageSize
	}
	return p
}

func validPageSize(n int) bool { return n >= 5 && n <= 500 }

func (a *app) prefsPage(w http.ResponseWriter, r *http.Request, notice string) error {
	p := a.page(r, "Preferences")
	p.Notice = notice
	p.Prefs = &templates.PrefsData{PageSize: a.prefs().PageSize, PageSizes: pageSizes}
	render(w, http.StatusOK, "prefs", p)
	return nil
}

func (a *app) prefsGet(w http.ResponseWriter, r *http.Request) error { return a.prefsPage(w, r, "") }

func (a *app) savePrefs(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PostForm.Get("pagesize"))
	if err != nil || !validPageSize(n) {
		return badRequest("The page size must be a number from 5 to 500.", err)
	}
	b, _ := json.Marshal(userPrefs{PageSize: n})
	if err := writeFileAtomic(prefsFile, b); err != nil {
		return err
	}
	return a.prefsPage(w, r, "Preferences saved.")
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
