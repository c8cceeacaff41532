// Package templates holds postern's HTML pages: html/template files embedded
// with go:embed, the stylesheet, and the data types the pages are rendered
// from.
//
// Every page is the layout (layout.html) around one content template
// (login.html, list.html, ...). An administrator may override any of the
// files, and style.css, by putting a file of the same name in the directory
// named by the template_dir configuration key; the rest stay embedded.
//
// The pages need no JavaScript and work in text browsers: forms, links and
// tables only. Two scripts add to a few pages: complete.js completes the
// addresses of the compose form as they are typed (the page works the
// same without it); passkey.js runs the WebAuthn ceremonies of the
// security page, the second step of a login and the login page, which
// need JavaScript (navigator.credentials) and say so in a noscript
// element. The stylesheet is inlined in every page and allowed by its
// hash in the Content-Security-Policy (see StyleHash), so a page is one
// request and no 'unsafe-inline' is needed.
package templates

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

//go:embed html/*.html html/style.css html/complete.js html/passkey.js
var embedded embed.FS

// Pages lists the content templates; each is rendered inside layout.html.
var Pages = []string{"login", "error", "folders", "list", "message", "prefs", "security", "totp", "compose", "search", "thread", "contacts", "contact", "import", "collected", "directory", "identities", "keys", "verifyframe", "filters", "vacation", "spam"}

// Set is the set of pages. Each page is parsed the first time it is
// rendered: a CGI process renders one page, and parsing all of them cost
// more than the rest of a request. Check parses them all, for
// -check-config and the tests. An override directory may also hold the
// site's logo, logo.png or logo.svg, shown in every page's header.
type Set struct {
	read   func(name string) ([]byte, error)
	layout string
	pages  map[string]*template.Template
	css    string
	hash   string
	logo   string // path of logo.png or logo.svg in the override directory
}

// Logo returns the path of the site's logo (logo.png or logo.svg in the
// override directory) and its media type, or "" when there is none.
func (s *Set) Logo() (path, mediaType string) {
	switch filepath.Ext(s.logo) {
	case ".png":
		return s.logo, "image/png"
	case ".svg":
		return s.logo, "image/svg+xml"
	}
	return "", ""
}

// Load reads the stylesheet and the layout, from overrideDir (may be
// empty) where it has the file, else embedded. Pages are read and parsed
// when first rendered, from the same places.
func Load(overrideDir string) (*Set, error) {
	read := func(name string) ([]byte, error) {
		if overrideDir != "" {
			b, err := os.ReadFile(filepath.Join(overrideDir, name))
			if err == nil {
				return b, nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("templates: %v", err)
			}
		}
		return embedded.ReadFile("html/" + name)
	}
	css, err := read("style.css")
	if err != nil {
		return nil, err
	}
	layout, err := read("layout.html")
	if err != nil {
		return nil, err
	}
	s := &Set{read: read, layout: string(layout), pages: map[string]*template.Template{}, css: string(css)}
	if overrideDir != "" {
		for _, name := range []string{"logo.png", "logo.svg"} {
			p := filepath.Join(overrideDir, name)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				s.logo = p
				break
			}
		}
	}
	sum := sha256.Sum256(css)
	s.hash = "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	return s, nil
}

// page returns the parsed template of a page: the layout and the page's
// own file.
func (s *Set) page(name string) (*template.Template, error) {
	if t, ok := s.pages[name]; ok {
		return t, nil
	}
	if !slices.Contains(Pages, name) {
		return nil, fmt.Errorf("templates: no page %q", name)
	}
	t, err := template.New("layout").Funcs(funcs).Parse(s.layout)
	if err != nil {
		return nil, fmt.Errorf("templates: layout.html: %v", err)
	}
	src, err := s.read(name + ".html")
	if err != nil {
		return nil, err
	}
	if t, err = t.Parse(string(src)); err != nil {
		return nil, fmt.Errorf("templates: %s.html: %v", name, err)
	}
	s.pages[name] = t
	return t, nil
}

// Check parses every page, and reports the first that does not parse.
func (s *Set) Check() error {
	for _, p := range Pages {
		if _, err := s.page(p); err != nil {
			return err
		}
	}
	return nil
}

// StyleHash is the CSP source expression ('sha256-...') of the inline
// stylesheet.
func (s *Set) StyleHash() string { return "'" + s.hash + "'" }

// CSS returns the stylesheet.
func (s *Set) CSS() string { return s.css }

// CompleteJS is the compose page's completion script (html/complete.js,
// never overridden: the CSP allows it as 'self').
func CompleteJS() []byte {
	b, _ := embedded.ReadFile("html/complete.js")
	return b
}

// PasskeyJS is the WebAuthn ceremonies' script (html/passkey.js, never
// overridden) of the security page, the second step of a login and the
// login page.
func PasskeyJS() []byte {
	b, _ := embedded.ReadFile("html/passkey.js")
	return b
}

// pageBytes is room for a page besides the stylesheet, allocated at
// once: a buffer grown by doubling from its first 64 bytes allocates and
// copies about twice a page's size (perf: 13 page faults of a warm list
// request, whose page is 16 KB, in bytes.Buffer.grow). Memory the page
// does not fill is never touched.
const pageBytes = 24 << 10

// Bytes renders page whole: a template error never leaves half a page,
// and the caller still chooses the status when it fails.
func (s *Set) Bytes(page string, p *Page) ([]byte, error) {
	t, err := s.page(page)
	if err != nil {
		return nil, err
	}
	p.Style = template.CSS(s.css)
	p.Logo = s.logo != ""
	var buf bytes.Buffer
	buf.Grow(len(s.css) + pageBytes)
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return nil, fmt.Errorf("templates: %s: %v", page, err)
	}
	return buf.Bytes(), nil
}

var funcs = template.FuncMap{
	"humansize": HumanSize,
	"indent": func(n int) string {
		return strings.Repeat("\u00a0\u00a0", n)
	},
	"add": func(a, b int) int { return a + b },
}

// HumanSize formats a byte count for people: 512 B, 1.2 KB, 3.4 MB.
func HumanSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d\u00a0B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f\u00a0KB", float64(n)/1024)
	case n < 1024*1024*1024:
		return fmt.Sprintf("%.1f\u00a0MB", float64(n)/(1024*1024))
	}
	return fmt.Sprintf("%.1f\u00a0GB", float64(n)/(1024*1024*1024))
}
