package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"postern/internal/slapdtest"
)

// directoryPeople are the site directory's people: two readable by
// anyone, one only by the bound reader, one whose name has a star.
const directoryPeople = `dn: cn=Ann Example,` + slapdtest.People + `
objectClass: inetOrgPerson
cn: Ann Example
sn: Example
mail: ann@example.org
o: Example Widgets
telephoneNumber: +44 20 7946 0001

dn: cn=Anna Other,` + slapdtest.People + `
objectClass: inetOrgPerson
cn: Anna Other
sn: Other
mail: anna.other@example.org
o: Other Org
telephoneNumber: +1 555 0100

dn: cn=Star*Person,` + slapdtest.People + `
objectClass: inetOrgPerson
cn: Star*Person
sn: Person
mail: star@example.org

dn: cn=Annabel Staff,` + slapdtest.Staff + `
objectClass: inetOrgPerson
cn: Annabel Staff
sn: Staff
mail: annabel@example.org
`

// directoryConf is the base configuration with a directory at uri: the
// test CA and the bind password in files the user can read (the lookup
// runs as the user), the password's by the user's group only.
func directoryConf(t *testing.T, s *slapdtest.Server, uri, extra string) string {
	t.Helper()
	dir := filepath.Join(env.tmp, "directory")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	caFile, pwFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "bind.pw")
	if err := os.WriteFile(caFile, ca, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pwFile, []byte(slapdtest.ReaderPassword+"\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(pwFile, 0, env.a.gid); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(pwFile, 0o640); err != nil {
		t.Fatal(err)
	}
	// Completion's mark of a directory that did not answer (app's
	// lookUp) must not carry over from one test to the next.
	mark := filepath.Join(env.a.maildir, "postern", "directory.down")
	os.Remove(mark)
	t.Cleanup(func() { os.RemoveAll(dir); os.Remove(mark) })
	return env.baseConf + "directory_uri = " + uri + "\ndirectory_ca_file = " + caFile +
		"\ndirectory_base = " + slapdtest.Suffix + "\ndirectory_bind_dn = " + slapdtest.ReaderDN +
		"\ndirectory_bind_password_file = " + pwFile + "\n" + extra
}

// directoryRows are the people of table#directory: name -> addresses.
func directoryRows(r *response) map[string][]string {
	out := map[string][]string{}
	for _, tr := range findAll(r.doc, func(n *html.Node) bool { return isElem(n, "tr") && hasClass(n, "person") }) {
		name := text(byClass(tr, "name"))
		for _, m := range findAll(tr, func(n *html.Node) bool { return isElem(n, "div") && hasClass(n, "mail") }) {
			out[name] = append(out[name], attr(m, "data-address"))
		}
	}
	return out
}

// addForm is what a browser sends of the "Add to contacts" form of
// address on the directory page, or nil.
func addForm(r *response, address string) url.Values {
	for _, m := range findAll(r.doc, func(n *html.Node) bool { return isElem(n, "div") && attr(n, "data-address") == address }) {
		form := findFirst(m, func(n *html.Node) bool { return isElem(n, "form") })
		if form == nil {
			return nil
		}
		v := url.Values{}
		for _, in := range findAll(form, func(n *html.Node) bool { return isElem(n, "input") }) {
			v.Set(attr(in, "name"), attr(in, "value"))
		}
		return v
	}
	return nil
}

// completions asks /complete for q and returns the values and the
// directory header.
func completions(t *testing.T, c *client, q string) ([]string, string) {
	t.Helper()
	r := c.get("/complete?q=" + url.QueryEscape(q))
	wantStatus(t, r, http.StatusOK)
	var found []struct{ Value, Label string }
	if err := json.Unmarshal(r.body, &found); err != nil {
		t.Fatalf("%s: %v; body %.300s", r, err, r.body)
	}
	var out []string
	for _, f := range found {
		out = append(out, f.Value)
	}
	return out, r.header.Get("X-Postern-Directory")
}

// TestDirectory: the site's directory (a real slapd, over ldaps with a
// bind) on the directory page and in completion, through Apache and the
// setuid program, under the sandbox: people found with their details,
// the bound reader's too; an injection finds nobody; "Add to contacts"
// and "Write to"; completion ranks the book first and lists an address
// once. Then a directory that does not answer, and one that is not
// there: a note, the book still completes, compose still renders.
func TestDirectory(t *testing.T) {
	freshBook(t, env.a)
	s := slapdtest.Start(t, directoryPeople)
	c := loggedIn(t, env.a)

	// Without directory_uri there is no page and no link.
	wantStatus(t, c.get("/directory?q=ann"), http.StatusNotFound)
	if byID(c.get("/contacts").doc, "nav-directory") != nil {
		t.Error("a Directory link without a directory")
	}

	withConfig(t, directoryConf(t, s, s.LDAPS, ""))
	wantStatus(t, c.post("/contacts/add", url.Values{"csrf": {c.csrf()}, "name": {"Ann From Book"}, "address": {"ann@example.org"}}), http.StatusSeeOther)

	r := c.get("/directory")
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "nav-directory") == nil || byID(r.doc, "directory-search") == nil {
		t.Fatalf("%s: no Directory link or search form; body %.600s", r, r.body)
	}
	r = c.get("/directory?q=ann")
	wantStatus(t, r, http.StatusOK)
	got := directoryRows(r)
	want := map[string][]string{
		"Ann Example Example Widgets": {"ann@example.org"},
		"Anna Other Other Org":        {"anna.other@example.org"},
		"Annabel Staff":               {"annabel@example.org"}, // seen through the bind
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s: people %v, want %v; body %.1500s", r, got, want, r.body)
	}
	if !strings.Contains(text(r.doc), "+44 20 7946 0001") {
		t.Errorf("%s: no phone number", r)
	}
	// Ann is in the book already: no second add.
	if addForm(r, "ann@example.org") != nil {
		t.Errorf("%s: offers to add ann@example.org, which the book has", r)
	}
	write := findFirst(r.doc, func(n *html.Node) bool {
		return isElem(n, "a") && hasClass(n, "write-to") && strings.Contains(attr(n, "href"), "anna.other")
	})
	if write == nil {
		t.Fatalf("%s: no Write to link for Anna", r)
	}
	compose := c.get(relPath(t, attr(write, "href")))
	wantStatus(t, compose, http.StatusOK)
	if to := attr(byID(compose.doc, "to"), "value"); to != "Anna Other <anna.other@example.org>" {
		t.Errorf("Write to Anna: To = %q", to)
	}

	// LDAP injection: the characters are searched for as themselves.
	for q, want := range map[string]string{"*": "", "*)(mail=*": "", "Star*": "Star*Person", `\2a`: ""} {
		r := c.get("/directory?q=" + url.QueryEscape(q))
		wantStatus(t, r, http.StatusOK)
		var names []string
		for n := range directoryRows(r) {
			names = append(names, n)
		}
		if strings.Join(names, ",") != want {
			t.Errorf("directory search %q = %q, want %q", q, names, want)
		}
		if want == "" && byID(r.doc, "no-directory") == nil {
			t.Errorf("directory search %q: no #no-directory", q)
		}
	}

	// Add to contacts, back to the same search, now known.
	r = c.get("/directory?q=anna")
	v := addForm(r, "anna.other@example.org")
	if v == nil {
		t.Fatalf("%s: no Add to contacts for Anna", r)
	}
	added := c.post("/contacts/add", v)
	wantStatus(t, added, http.StatusSeeOther)
	if loc := added.header.Get("Location"); !strings.HasSuffix(loc, "/directory?q=anna") {
		t.Errorf("%s: Location %q, want back to the search", added, loc)
	}
	// With the directory's organisation and phone.
	if book := contactRows(c.get("/contacts?q=anna")); book["Anna Other Other Org"] != "anna.other@example.org" {
		t.Errorf("after Add to contacts, the book has %v", book)
	}
	if vcf := c.get("/contacts/export?format=vcf"); !strings.Contains(string(vcf.body), "+1 555 0100") {
		t.Errorf("after Add to contacts, the export lacks the phone:\n%s", vcf.body)
	}
	if addForm(c.get("/directory?q=anna"), "anna.other@example.org") != nil {
		t.Error("Anna still offered for adding after the add")
	}

	// Completion: the book first, then the directory, an address once.
	vals, hdr := completions(t, c, "ann")
	if len(vals) < 3 || !strings.Contains(vals[0], "ann@example.org") || hdr != "" {
		t.Fatalf("complete(ann) = %q, header %q; want the book's first", vals, hdr)
	}
	if !slices.Contains(vals, "Annabel Staff <annabel@example.org>") {
		t.Errorf("complete(ann) = %q, lacks the directory's Annabel", vals)
	}
	count := map[string]int{}
	for _, v := range vals {
		for _, a := range []string{"ann@example.org", "anna.other@example.org"} {
			if strings.Contains(v, "<"+a+">") || v == a {
				count[a]++
			}
		}
	}
	if count["ann@example.org"] != 1 || count["anna.other@example.org"] != 1 {
		t.Errorf("complete(ann) = %q: each address once, got %v", vals, count)
	}

	// w3m reads the page: the person, the links, the button.
	out := c.w3m(t, "/directory?q=annabel")
	for _, want := range []string{"Annabel Staff", "annabel@example.org", "Write to", "Add to contacts", "Search"} {
		if !strings.Contains(out, want) {
			t.Errorf("w3m /directory lacks %q:\n%s", want, out)
		}
	}

	// A directory that accepts connections and never answers, and one
	// whose port is closed: a note, nothing lost, compose unaffected.
	silent := silentListener(t)
	for name, uri := range map[string]string{
		"silent": "ldaps://" + silent,
		"closed": fmt.Sprintf("ldaps://127.0.0.1:%d", slapdtest.FreePort(t)),
	} {
		withConfig(t, directoryConf(t, s, uri, "directory_timeout = 1s\n"))
		start := time.Now()
		r := c.get("/directory?q=ann")
		took := time.Since(start)
		t.Logf("%s directory: GET /directory answered in %v (directory_timeout = 1s)", name, took)
		wantStatus(t, r, http.StatusOK)
		if byID(r.doc, "directory-unavailable") == nil {
			t.Errorf("%s directory: %s has no #directory-unavailable; body %.600s", name, r, r.body)
		}
		if took > 15*time.Second {
			t.Errorf("%s directory: the page took %v with directory_timeout = 1s", name, took)
		}
		vals, hdr := completions(t, c, "ann")
		if hdr != "unavailable" || len(vals) == 0 || !strings.Contains(vals[0], "ann@example.org") {
			t.Errorf("%s directory: complete(ann) = %q, header %q; want the book's, unavailable", name, vals, hdr)
		}
		wantStatus(t, c.get("/compose"), http.StatusOK)
	}
}

// TestDirectoryBrowser runs browser/directory.mjs in Chromium with
// JavaScript off and on, against the directory and then against one
// that does not answer.
func TestDirectoryBrowser(t *testing.T) {
	dir := filepath.Join(env.root, "e2e", "browser")
	needBrowser(t, dir)
	s := slapdtest.Start(t, directoryPeople)
	silent := silentListener(t)
	for _, mode := range []string{"up", "down"} {
		for _, js := range []string{"off", "on"} {
			t.Run(mode+"/js="+js, func(t *testing.T) {
				freshBook(t, env.a)
				uri, extra := s.LDAPS, ""
				if mode == "down" {
					uri, extra = "ldaps://"+silent, "directory_timeout = 1s\n"
					c := loggedIn(t, env.a)
					wantStatus(t, c.post("/contacts/add", url.Values{"csrf": {c.csrf()}, "name": {"Ann From Book"}, "address": {"ann@example.org"}}), http.StatusSeeOther)
				}
				withConfig(t, directoryConf(t, s, uri, extra))
				cmd := exec.Command("node", "--test", "--test-reporter=spec", "directory.mjs")
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "BASE_URL="+env.base, "USER_A="+env.a.name, "PASS_A="+env.a.pass,
					"JS="+js, "MODE="+mode, "CHROMIUM="+chromiumBin)
				out, err := runTimeout(cmd, 3*time.Minute)
				t.Logf("directory.mjs (%s, js=%s):\n%s", mode, js, out)
				if err != nil {
					t.Fatalf("directory.mjs (%s, js=%s): %v", mode, js, err)
				}
			})
		}
	}
}

// silentListener accepts TCP connections on 127.0.0.1 and never answers,
// until the test ends; it returns its address.
func silentListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	return l.Addr().String()
}
