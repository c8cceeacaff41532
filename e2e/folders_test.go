package e2e

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func folderItems(doc *html.Node) []*html.Node {
	ul := byID(doc, "folders")
	return findAll(ul, func(n *html.Node) bool { return isElem(n, "li") && attr(n, "data-folder") != "" })
}

func TestFolderList(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	r := c.get("/folders")
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "folders") == nil || !isElem(byID(r.doc, "folders"), "ul") {
		t.Fatalf("%s: no ul#folders", r)
	}
	items := folderItems(r.doc)
	index := map[string]int{}
	for i, n := range items {
		index[attr(n, "data-folder")] = i
	}
	for _, f := range []string{"INBOX", "Sent", "Trash", "Lists.golang", "Entwürfe"} {
		i, ok := index[f]
		if !ok {
			t.Errorf("%s: no li[data-folder=%q]; have %v", r, f, keys(index))
			continue
		}
		n := items[i]
		total, unread := countMail(a, f)
		for _, tc := range []struct {
			class string
			want  int
		}{{"count-total", total}, {"count-unread", unread}} {
			got, err := strconv.Atoi(text(byClass(n, tc.class)))
			if err != nil || got != tc.want {
				t.Errorf("%s: %s of %q = %q, want %d (from disk)", r, tc.class, f, text(byClass(n, tc.class)), tc.want)
			}
		}
	}
	// A tree: "golang" shown under a "Lists" node that comes first.
	if i, ok := index["Lists.golang"]; ok {
		p, ok := index["Lists"]
		nested := false
		for n := items[i].Parent; n != nil; n = n.Parent {
			if isElem(n, "li") && attr(n, "data-folder") == "Lists" {
				nested = true
			}
		}
		if !nested && (!ok || p > i) {
			t.Errorf("%s: Lists.golang is not shown below a Lists node", r)
		}
		if txt := text(items[i]); strings.HasPrefix(txt, "Lists.golang") {
			t.Errorf("%s: Lists.golang shown as %q, want its leaf name golang under Lists", r, txt)
		}
	}
	if _, err := os.Stat(filepath.Join(a.maildir, ".Entw&APw-rfe", "cur")); err != nil {
		t.Errorf("folder Entwürfe on disk: %v, want .Entw&APw-rfe (modified UTF-7)", err)
	}
}

func keys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestFolderCreateRenameDelete(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	tok := c.csrf()
	name := "Projekte " + randomHex(2)
	dir := func(n string) string { return filepath.Join(a.maildir, "."+n) }

	r := c.post("/folders", url.Values{"csrf": {tok}, "op": {"create"}, "name": {name}})
	wantStatus(t, r, http.StatusSeeOther)
	if _, err := os.Stat(filepath.Join(dir(name), "cur")); err != nil {
		t.Fatalf("%s create %q: %v, want the folder on disk", r, name, err)
	}
	r = c.post("/folders", url.Values{"csrf": {tok}, "op": {"create"}, "name": {"Unter"}, "parent": {name}})
	wantStatus(t, r, http.StatusSeeOther)
	if _, err := os.Stat(filepath.Join(dir(name+".Unter"), "cur")); err != nil {
		t.Errorf("%s create Unter in %q: %v, want the subfolder on disk", r, name, err)
	}
	r = c.post("/folders", url.Values{"csrf": {tok}, "op": {"delete"}, "f": {name + ".Unter"}})
	wantStatus(t, r, http.StatusSeeOther)

	renamed := name + " alt"
	r = c.post("/folders", url.Values{"csrf": {tok}, "op": {"rename"}, "f": {name}, "name": {renamed}})
	wantStatus(t, r, http.StatusSeeOther)
	if _, err := os.Stat(dir(name)); !os.IsNotExist(err) {
		t.Errorf("%s rename: old folder %q still on disk (%v)", r, name, err)
	}
	if _, err := os.Stat(filepath.Join(dir(renamed), "cur")); err != nil {
		t.Errorf("%s rename: %v, want %q on disk", r, err, renamed)
	}
	r = c.get("/folders")
	wantStatus(t, r, http.StatusOK)
	if findFirst(byID(r.doc, "folders"), func(n *html.Node) bool { return attr(n, "data-folder") == renamed }) == nil {
		t.Errorf("%s: renamed folder %q not listed", r, renamed)
	}
	r = c.post("/folders", url.Values{"csrf": {tok}, "op": {"delete"}, "f": {renamed}})
	wantStatus(t, r, http.StatusSeeOther)
	if _, err := os.Stat(dir(renamed)); !os.IsNotExist(err) {
		t.Errorf("%s delete: %q still on disk (%v)", r, renamed, err)
	}
}

func TestFolderHostileNames(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	tok := c.csrf()
	before, _ := os.ReadDir(a.maildir)
	hostile := []string{
		"../x",
		"a/b",
		"a\x00b",
		"a\x01b",
		"..",
		".hidden", // empty first part
		"x..y",    // empty middle part
	}
	for _, name := range hostile {
		r := c.post("/folders", url.Values{"csrf": {tok}, "op": {"create"}, "name": {name}})
		if r.status != http.StatusBadRequest {
			t.Errorf("%s create %q: status = %d, want 400", r, name, r.status)
		} else if r.doc == nil || byID(r.doc, "error") == nil {
			t.Errorf("%s create %q: no #error on the 400 page", r, name)
		}
		r = c.get("/list?f=" + url.QueryEscape(name))
		if r.status != http.StatusBadRequest && r.status != http.StatusNotFound {
			t.Errorf("%s: status = %d, want 400 or 404", r, r.status)
		}
	}
	after, _ := os.ReadDir(a.maildir)
	if len(after) != len(before) {
		t.Errorf("Maildir had %d entries, has %d after hostile folder names", len(before), len(after))
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(a.maildir), "x")); err == nil {
		t.Errorf("create ../x made %s", filepath.Join(filepath.Dir(a.maildir), "x"))
	}
}
