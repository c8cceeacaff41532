package e2e

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/net/html"
)

func TestLoginPage(t *testing.T) {
	c := newClient(t, "")
	for _, path := range []string{"/", "/list?f=INBOX", "/folders"} {
		r := c.get(path)
		// Pages that need a session may say so with 401.
		if r.status != http.StatusOK && !(path != "/" && r.status == http.StatusUnauthorized) {
			t.Errorf("%s without a session: status = %d, want 200 (or 401)", r, r.status)
		}
		form := byID(r.doc, "login")
		if form == nil || !isElem(form, "form") {
			t.Fatalf("%s: no form#login in %.400s", r, r.body)
		}
		for _, name := range []string{"user", "pass"} {
			if findFirst(form, func(n *html.Node) bool { return isElem(n, "input") && attr(n, "name") == name }) == nil {
				t.Errorf("%s: form#login has no input[name=%s]", r, name)
			}
		}
	}
}

// hiddenValue matches the per-request values of hidden inputs.
var hiddenValue = regexp.MustCompile(`(<input[^>]*type="?hidden"?[^>]*value=")[^"]*"`)

// normalizeFailure strips what may legitimately differ between two failed
// login pages: the user name echoed in the form and hidden tokens.
func normalizeFailure(body []byte, user string) []byte {
	b := hiddenValue.ReplaceAll(body, []byte(`${1}"`))
	echo := []byte(`value="` + html.EscapeString(user) + `"`)
	return bytes.ReplaceAll(b, echo, []byte(`value="USER"`))
}

func TestLoginFailuresLookAlike(t *testing.T) {
	a, b := env.a, env.b
	if _, err := run("usermod", "-L", b.name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := run("usermod", "-U", b.name); err != nil {
			t.Errorf("unlock %s: %v", b.name, err)
		}
	})
	cases := []struct {
		what, user, pass string
	}{
		{"bad password", a.name, a.pass + "x"},
		{"unknown user", "ptnosuch" + randomHex(3), "whatever"},
		{"empty password", a.name, ""},
		// Locked with usermod -L: the right password must not work.
		{"locked user", b.name, b.pass},
		{"root", "root", "root"},
	}
	var first []byte
	for _, tc := range cases {
		c := newClient(t, "")
		r := c.post("/login", url.Values{"user": {tc.user}, "pass": {tc.pass}})
		if r.status != http.StatusUnauthorized {
			t.Errorf("%s (%s): status = %d, want 401", r, tc.what, r.status)
		}
		if c.cookie() != "" {
			t.Errorf("%s (%s): got a postern cookie, want none", r, tc.what)
		}
		if r.doc == nil || byID(r.doc, "login") == nil {
			t.Errorf("%s (%s): no form#login on the failure page", r, tc.what)
		}
		got := normalizeFailure(r.body, tc.user)
		if first == nil {
			first = got
		} else if !bytes.Equal(got, first) {
			t.Errorf("%s (%s): body differs from the bad-password page:\n%s\nwant\n%s", r, tc.what, got, first)
		}
	}
}

func sessionFiles(t *testing.T, a *account) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(a.maildir, "postern", "sessions"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestLoginTooBig(t *testing.T) {
	a := env.a
	before := len(sessionFiles(t, a))
	c := newClient(t, "")
	form := url.Values{"user": {a.name}, "pass": {a.pass}, "pad": {strings.Repeat("x", 1100)}}
	r := c.post("/login", form)
	if r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("%s with %d bytes: status = %d, want 413", r, len(form.Encode()), r.status)
	}
	if c.cookie() != "" {
		t.Errorf("%s with an oversized body: got a cookie, want none", r)
	}
	if after := len(sessionFiles(t, a)); after != before {
		t.Errorf("%s with an oversized body: %d session files, want %d", r, after, before)
	}
}

func TestLoginMultipartRefused(t *testing.T) {
	a := env.a
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("user", a.name)
	w.WriteField("pass", a.pass)
	w.Close()
	c := newClient(t, "")
	r := c.postBody("/login", w.FormDataContentType(), body.Bytes())
	switch r.status {
	case http.StatusUnsupportedMediaType, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
	default:
		t.Errorf("%s multipart/form-data: status = %d, want 415 or 400", r, r.status)
	}
	if c.cookie() != "" {
		t.Errorf("%s multipart/form-data: got a cookie, want none", r)
	}
}

func TestLoginPAM(t *testing.T) {
	a := env.a
	c := newClient(t, "")
	r := c.login(a)
	// DESIGN.md says 303 to "/"; straight to the inbox is as good.
	if loc := r.header.Get("Location"); !strings.Contains(loc, "/cgi-bin/postern/") {
		t.Errorf("%s: Location = %q, want a page below /cgi-bin/postern/", r, loc)
	}
	var set string
	for _, v := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(v, "postern=") {
			set = v
		}
	}
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/cgi-bin/postern"} {
		if !strings.Contains(set, want) {
			t.Errorf("%s: Set-Cookie = %q, want %s", r, set, want)
		}
	}
	parts := strings.Split(c.cookie(), ":")
	if len(parts) != 3 || parts[0] != a.mailboxID || len(parts[1]) != 16 || len(parts[2]) != 32 {
		t.Fatalf("%s: cookie = %q, want %s:<16 hex>:<32 hex>", r, c.cookie(), a.mailboxID)
	}
	dir := filepath.Join(a.maildir, "postern", "sessions")
	checkOwned(t, dir, a, 0o700)
	file := filepath.Join(dir, parts[1])
	checkOwned(t, file, a, 0o600)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(parts[2])) {
		t.Errorf("session file %s contains the cookie's secret", file)
	}
	// Logged in, / redirects to the inbox.
	r = c.get("/")
	if r.status != http.StatusSeeOther && r.status != http.StatusFound {
		t.Errorf("%s logged in: status = %d, want a redirect to the inbox", r, r.status)
	}
	r = c.get("/list?f=INBOX")
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "messages") == nil {
		t.Errorf("%s: no table#messages", r)
	}
}

// checkOwned asserts path is owned by a with exactly mode perm.
func checkOwned(t *testing.T, path string, a *account, perm os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != perm {
		t.Errorf("mode of %s = %o, want %o", path, got, perm)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if int(st.Uid) != a.uid || int(st.Gid) != a.gid {
		t.Errorf("owner of %s = %d:%d, want %d:%d", path, st.Uid, st.Gid, a.uid, a.gid)
	}
}

func TestLoginShadow(t *testing.T) {
	withConfig(t, strings.Replace(env.baseConf, "auth = pam", "auth = shadow", 1))
	a := env.a
	c := newClient(t, "")
	c.login(a)
	id, _, _ := strings.Cut(c.cookie(), ":")
	if id != a.name+".shadow" {
		t.Errorf("cookie mailbox id = %q, want %q", id, a.name+".shadow")
	}
	r := c.get("/list?f=INBOX")
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "messages") == nil {
		t.Errorf("%s after a shadow login: no table#messages", r)
	}
	bad := newClient(t, "")
	r = bad.post("/login", url.Values{"user": {a.name}, "pass": {"wrong"}})
	if r.status != http.StatusUnauthorized {
		t.Errorf("%s shadow, wrong password: status = %d, want 401", r, r.status)
	}
}
