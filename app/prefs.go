package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"postern/internal/privfile"
	"strconv"

	"postern/httpcgi"
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
	NoCollect     bool     `json:"no_collect,omitempty"`     // do not collect the addresses mail is sent to
	LoginAlert    bool     `json:"login_alert,omitempty"`    // a mail at a login from a new network or browser
	// The Sign and Encrypt defaults of the compose form, and the method
	// ("openpgp" or "smime"; the site's first when unset or disabled).
	SignDefault    bool   `json:"sign,omitempty"`
	EncryptDefault bool   `json:"encrypt,omitempty"`
	CryptoMethod   string `json:"crypto_method,omitempty"`
	// Autocrypt: put an Autocrypt header with the user's own OpenPGP
	// key on outgoing mail (autocryptField). Off by default.
	Autocrypt bool `json:"autocrypt,omitempty"`
}

// prefs reads the preferences; a missing or broken file gives defaults.
func (a *app) prefs() userPrefs { return readPrefs(a.cfg.PageSize) }

// readPrefs reads the preferences of the user whose Maildir the process
// is in, with pageSize as the default page size.
func readPrefs(pageSize int) userPrefs {
	p := userPrefs{PageSize: pageSize}
	data, err := privfile.Read(prefsFile, maxPrefsBytes)
	if err != nil {
		return p
	}
	var stored userPrefs
	if json.Unmarshal(data, &stored) != nil {
		return p
	}
	if validPageSize(stored.PageSize) {
		p.PageSize = stored.PageSize
	}
	p.PreferText = stored.PreferText
	p.NoCollect = stored.NoCollect
	p.LoginAlert = stored.LoginAlert
	p.SignDefault, p.EncryptDefault = stored.SignDefault, stored.EncryptDefault
	p.Autocrypt = stored.Autocrypt
	if stored.CryptoMethod == "openpgp" || stored.CryptoMethod == "smime" {
		p.CryptoMethod = stored.CryptoMethod
	}
	if len(stored.RemoteSenders) <= maxRemoteSenders {
		p.RemoteSenders = stored.RemoteSenders
	}
	return p
}

func validPageSize(n int) bool { return n >= 5 && n <= 500 }

func (a *app) prefsPage(w httpcgi.ResponseWriter, r *httpcgi.Request, notice string) error {
	p := a.page(r, "Preferences")
	p.Notice = notice
	up := a.prefs()
	p.Prefs = &templates.PrefsData{PageSize: up.PageSize, PageSizes: pageSizes, PreferText: up.PreferText, RemoteSenders: up.RemoteSenders, NoCollect: up.NoCollect, LoginAlert: up.LoginAlert}
	p.Prefs.Crypto = a.composeCrypto(a.cryptoDefaults(""))
	p.Prefs.AutocryptOffered = p.Prefs.Crypto != nil && a.cfg.CryptoOpenPGP
	p.Prefs.Autocrypt = up.Autocrypt
	render(w, httpcgi.StatusOK, "prefs", p)
	return nil
}

func (a *app) prefsGet(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	return a.prefsPage(w, r, "")
}

func (a *app) savePrefs(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	n, err := strconv.Atoi(r.PostForm.Get("pagesize"))
	if err != nil || !validPageSize(n) {
		return badRequest("The page size must be a number from 5 to 500.", err)
	}
	p := a.prefs()
	p.PageSize = n
	p.PreferText = r.PostForm.Get("prefertext") != ""
	p.NoCollect = r.PostForm.Get("collect") == ""
	p.LoginAlert = r.PostForm.Get("loginalert") != ""
	if c := a.cryptoFromForm(r.PostForm); r.PostForm.Get("crypto_form") != "" && c.method != 0 {
		p.SignDefault, p.EncryptDefault, p.CryptoMethod = c.sign, c.encrypt, c.method.String()
		if a.cfg.CryptoOpenPGP {
			p.Autocrypt = r.PostForm.Get("autocrypt") != ""
		}
	}
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

// writeFileAtomic replaces name with data (mode 600), creating its
// directory when missing.
func writeFileAtomic(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		return err
	}
	return privfile.WriteAtomic(name, data)
}
