package e2e

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// findBySubject returns the key of the first message of folder whose file
// contains "Subject: subject".
func findBySubject(a *account, folder, subject string) (string, bool) {
	dir := folderDir(a, folder)
	for _, s := range []string{"cur", "new"} {
		ents, _ := os.ReadDir(filepath.Join(dir, s))
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join(dir, s, e.Name()))
			if err == nil && bytes.Contains(b, []byte("Subject: "+subject+"\r\n")) {
				key, _, _ := strings.Cut(e.Name(), ":")
				return key, true
			}
		}
	}
	return "", false
}

// action posts to /action and expects the 303 back.
func (c *client) action(tok, folder, op, dest string, ids ...string) *response {
	c.t.Helper()
	form := url.Values{"csrf": {tok}, "f": {folder}, "op": {op}, "id": ids}
	if dest != "" {
		form.Set("dest", dest)
	}
	r := c.post("/action", form)
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("%s op=%s f=%s id=%v dest=%q: status = %d, want 303; body %.400s", r, op, folder, ids, dest, r.status, r.body)
	}
	return r
}

func TestActionsFlags(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	tok := c.csrf()
	key := addMessage(t, a, "INBOX", "cur", "", "flags "+randomHex(3), "body")
	for _, tc := range []struct {
		op          string
		has, hasnot string
	}{
		{"read", "S", ""},
		{"unread", "", "S"},
		{"flag", "F", ""},
		{"unflag", "", "F"},
	} {
		c.action(tok, "INBOX", tc.op, "", key)
		_, flags, ok := findKey(a, "INBOX", key)
		if !ok {
			t.Fatalf("op=%s: %s gone from INBOX", tc.op, key)
		}
		if tc.has != "" && !strings.Contains(flags, tc.has) || tc.hasnot != "" && strings.Contains(flags, tc.hasnot) {
			t.Errorf("POST /action op=%s: file flags %q, want %q set and %q not", tc.op, flags, tc.has, tc.hasnot)
		}
	}
}

func TestActionsMoveCopyDelete(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	tok := c.csrf()
	tag := randomHex(3)
	moveSubj, copySubj := "move me "+tag, "copy me "+tag
	k1 := addMessage(t, a, "INBOX", "cur", "S", moveSubj, "body")
	k2 := addMessage(t, a, "INBOX", "cur", "", copySubj, "body")

	c.action(tok, "INBOX", "move", "Lists.golang", k1)
	if _, _, ok := findKey(a, "INBOX", k1); ok {
		t.Errorf("move %s to Lists.golang: still in INBOX", k1)
	}
	if _, ok := findBySubject(a, "Lists.golang", moveSubj); !ok {
		t.Errorf("move %s to Lists.golang: not in .Lists.golang on disk", k1)
	}

	c.action(tok, "INBOX", "copy", "Lists.golang", k2)
	if _, _, ok := findKey(a, "INBOX", k2); !ok {
		t.Errorf("copy %s to Lists.golang: gone from INBOX", k2)
	}
	if _, ok := findBySubject(a, "Lists.golang", copySubj); !ok {
		t.Errorf("copy %s to Lists.golang: no copy in .Lists.golang on disk", k2)
	}

	c.action(tok, "INBOX", "delete", "", k2)
	if _, _, ok := findKey(a, "INBOX", k2); ok {
		t.Errorf("delete %s: still in INBOX", k2)
	}
	tk, ok := findBySubject(a, "Trash", copySubj)
	if !ok {
		t.Fatalf("delete %s from INBOX: not in .Trash on disk", k2)
	}
	c.action(tok, "Trash", "delete", "", tk)
	if _, ok := findBySubject(a, "Trash", copySubj); ok {
		t.Errorf("delete %s from Trash: still in .Trash", tk)
	}
	if _, _, ok := findKey(a, "Trash", tk); ok {
		t.Errorf("delete %s from Trash: file still there", tk)
	}
}

func TestEmptyTrash(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	tok := c.csrf()
	addMessage(t, a, "Trash", "cur", "S", "trash one", "body")
	addMessage(t, a, "Trash", "cur", "", "trash two", "body")
	r := c.post("/empty-trash", url.Values{"csrf": {tok}})
	if r.status != http.StatusSeeOther && r.status != http.StatusOK {
		t.Fatalf("%s: status = %d, want 303", r, r.status)
	}
	if n, _ := countMail(a, "Trash"); n != 0 {
		t.Errorf("%s: %d messages left in .Trash, want 0", r, n)
	}
}

func TestActionsNeedCSRF(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	key := addMessage(t, a, "INBOX", "cur", "", "csrf victim "+randomHex(3), "body")
	cases := []struct {
		what, path string
		form       url.Values
	}{
		{"no csrf", "/action", url.Values{"f": {"INBOX"}, "op": {"delete"}, "id": {key}}},
		{"wrong csrf", "/action", url.Values{"csrf": {randomHex(16)}, "f": {"INBOX"}, "op": {"delete"}, "id": {key}}},
		{"empty csrf", "/action", url.Values{"csrf": {""}, "f": {"INBOX"}, "op": {"read"}, "id": {key}}},
		{"no csrf", "/empty-trash", url.Values{}},
		{"wrong csrf", "/folders", url.Values{"csrf": {"x"}, "op": {"create"}, "name": {"CSRFVictim"}}},
		{"no csrf", "/logout", url.Values{}},
	}
	addMessage(t, a, "Trash", "cur", "S", "must survive "+randomHex(3), "body")
	for _, tc := range cases {
		r := c.post(tc.path, tc.form)
		if r.status != http.StatusForbidden {
			t.Errorf("%s (%s): status = %d, want 403", r, tc.what, r.status)
		}
	}
	if _, flags, ok := findKey(a, "INBOX", key); !ok || flags != "" {
		t.Errorf("after refused actions: %s found=%v flags=%q, want unchanged in INBOX", key, ok, flags)
	}
	if n, _ := countMail(a, "Trash"); n == 0 {
		t.Errorf("POST /empty-trash without csrf emptied the Trash")
	}
	if _, err := os.Stat(filepath.Join(a.maildir, ".CSRFVictim")); err == nil {
		t.Errorf("POST /folders with a wrong csrf created the folder")
	}
	// Still logged in.
	r := c.get("/list?f=INBOX")
	if !isMailPage(r) {
		t.Errorf("%s after a refused /logout: status %d, want the list", r, r.status)
	}
}
