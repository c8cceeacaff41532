package e2e

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestAccountCache: a request with a session is answered from root's
// account cache (guard_dir/accounts, account_cache) instead of a PAM
// account check, so an account that expires after its login keeps its
// session while the entry is fresh; a login always asks PAM; with
// account_cache = 0 the expired account loses its session at the next
// request.
func TestAccountCache(t *testing.T) {
	a, err := newAccount("ac")
	if err != nil {
		t.Fatal(err)
	}
	withConfig(t, env.baseConf+"account_cache = 1h\n")
	resetGuard(t)
	c := loggedIn(t, a)
	if r := c.get("/list"); r.status != http.StatusOK {
		t.Fatalf("%s: status = %d, want 200", r, r.status)
	}

	// The entry: root's, private, in a private directory.
	dir := filepath.Join(env.tmp, "guard", "accounts")
	ents, err := os.ReadDir(dir)
	if err != nil || len(ents) == 0 {
		t.Fatalf("account cache %s: %v entries, %v", dir, len(ents), err)
	}
	for _, p := range []string{dir, filepath.Join(dir, ents[0].Name())} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if st.Uid != 0 || fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: uid %d mode %v, want root's and private", p, st.Uid, fi.Mode())
		}
	}
	found := false
	for _, e := range ents {
		if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && strings.Contains(string(b), "user "+a.name+"\n") {
			found = true
		}
	}
	if !found {
		t.Errorf("no entry of %s in %s", a.name, dir)
	}

	// The account expires: pam_unix's account module now refuses it.
	if _, err := run("usermod", "-e", "1", a.name); err != nil {
		t.Fatal(err)
	}
	if r := c.get("/list"); r.status != http.StatusOK {
		t.Errorf("%s after the account expired, account_cache = 1h: status = %d, want 200 (from the cache)", r, r.status)
	}
	if r := newClient(t, "").post("/login", url.Values{"user": {a.name}, "pass": {a.pass}}); r.status != http.StatusUnauthorized {
		t.Errorf("login of the expired account: status = %d, want 401 (a login always asks PAM)", r.status)
	}

	// Without the cache the next request asks PAM, which refuses.
	withConfig(t, env.baseConf+"account_cache = 0\n")
	r := c.get("/list")
	if r.status != http.StatusUnauthorized || r.doc == nil || byID(r.doc, "login") == nil {
		t.Errorf("%s after the account expired, account_cache = 0: status = %d, want 401 with the login form", r, r.status)
	}
	resetGuard(t)
}
