package e2e

import (
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// freshIdentities removes a's identities file, now and when the test
// ends.
func freshIdentities(t *testing.T, a *account) {
	t.Helper()
	clean := func() {
		for _, f := range []string{"identities", "identities.lock"} {
			os.Remove(filepath.Join(a.maildir, "postern", f))
		}
	}
	clean()
	t.Cleanup(clean)
}

// saveIdentity fills the identity form of r with set and saves it.
func (c *client) saveIdentity(r *response, set map[string]string) *response {
	c.t.Helper()
	v := formValues(c.t, r, "identity-form")
	for k, s := range set {
		v.Set(k, s)
	}
	v.Set("op", "save")
	return c.post("/identity", v)
}

// fromOptions are the From select's options of a compose page: value ->
// label, and the selected value.
func fromOptions(t *testing.T, r *response) (map[string]string, string) {
	t.Helper()
	sel := byID(r.doc, "from")
	if sel == nil {
		t.Fatalf("%s: no select#from; body: %.800s", r, r.body)
	}
	opts, selected := map[string]string{}, ""
	for _, o := range findAll(sel, func(n *html.Node) bool { return isElem(n, "option") }) {
		opts[attr(o, "value")] = text(o)
		if hasAttr(o, "selected") {
			selected = attr(o, "value")
		}
	}
	return opts, selected
}

// TestIdentitiesReply: a user sets up the identity of an alias the
// administrator allows (display name, Reply-To, a signature above the
// quote); a second tab's stale edit is refused; a reply to a message
// delivered through the alias is written from it with its signature
// once, and sent through the real Postfix: the delivered message has the
// display name in From, the Reply-To, and the signature above the quote.
func TestIdentitiesReply(t *testing.T) {
	m := needPostfix(t)
	alias := env.a.name + "-sales@localhost"
	withConfig(t, sendConfig(m.wrapper, "identities = %u-sales@localhost\n"))
	freshIdentities(t, env.a)
	c := loggedIn(t, env.a)

	// The preferences link the page; both allowed addresses are listed.
	if l := byID(c.get("/prefs").doc, "identities-link"); l == nil {
		t.Error("/prefs: no #identities-link")
	}
	r := c.get("/identities")
	wantStatus(t, r, http.StatusOK)
	rows := findAll(r.doc, func(n *html.Node) bool { return isElem(n, "tr") && hasClass(n, "identity") })
	if len(rows) != 2 || attr(rows[0], "data-address") != addr(env.a) || attr(rows[1], "data-address") != alias {
		t.Fatalf("%s: %d identity rows; body: %.1500s", r, len(rows), r.body)
	}
	setup := c.get(relPath(t, attr(byClass(rows[1], "edit"), "href")))
	wantStatus(t, setup, http.StatusOK)
	const name = "Sälës Desk, Team"
	r = c.saveIdentity(setup, map[string]string{
		"name": "First name", "reply_to": "Help Desk <desk@example.org>", "signature": "-- \r\nAnn of Sales\r\nExt. 42\r\n",
		"placement": "above", "sign": "openpgp",
	})
	wantStatus(t, r, http.StatusSeeOther)
	path := filepath.Join(env.a.maildir, "postern", "identities")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); fi.Mode().Perm() != 0o600 || int(st.Uid) != env.a.uid {
		t.Errorf("%s: mode %v owner %d, want 600 and %d", path, fi.Mode(), st.Uid, env.a.uid)
	}

	// Two tabs: the second, stale, is refused with what it typed kept.
	edit := "/identity?address=" + url.QueryEscape(alias)
	tab1, tab2 := c.get(edit), c.get(edit)
	wantStatus(t, c.saveIdentity(tab1, map[string]string{"name": name}), http.StatusSeeOther)
	r = c.saveIdentity(tab2, map[string]string{"name": "Tab two"})
	wantStatus(t, r, http.StatusConflict)
	if msg := text(byID(r.doc, "identity-error")); !strings.Contains(msg, "changed elsewhere") {
		t.Errorf("%s: #identity-error = %q", r, msg)
	}
	if got := attr(byID(r.doc, "name"), "value"); got != "Tab two" {
		t.Errorf("%s: the refused form lost what was typed: %q", r, got)
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), "Tab two") {
		t.Errorf("the stale edit was written:\n%s", b)
	}

	// A message sent to a list, delivered to A through the alias.
	tag := randomHex(4)
	key := fmt.Sprintf("%d.M%sP9.e2e", time.Now().Unix(), randomHex(4))
	raw := "Delivered-To: " + alias + "\r\nFrom: Bee <" + addr(env.b) + ">\r\nTo: team@lists.example.org\r\n" +
		"Subject: Quote " + tag + "\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\nMessage-ID: <" + key + "@example.org>\r\n\r\n" +
		"the original line\r\n"
	p := filepath.Join(env.a.maildir, "cur", key+":2,S")
	if err := os.WriteFile(p, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chown(p, env.a.uid, env.a.gid)
	t.Cleanup(func() { os.Remove(p) })

	r = c.get("/compose?reply=1&f=INBOX&id=" + url.QueryEscape(key))
	wantStatus(t, r, http.StatusOK)
	opts, selected := fromOptions(t, r)
	if selected != alias || opts[alias] != name+" <"+alias+">" {
		t.Errorf("%s: From options %q, selected %q; want the alias, named", r, opts, selected)
	}
	v := formValues(t, r, "compose")
	body := v.Get("body")
	if strings.Count(body, "-- \nAnn of Sales\nExt. 42\n") != 1 || strings.Index(body, "-- \n") > strings.Index(body, "> the original line") {
		t.Errorf("reply text: want the signature once, above the quote:\n%q", body)
	}
	v.Set("body", "Thanks!"+body)
	v.Set("action", "send")
	r = c.postCompose(v)
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "sent-notice") == nil {
		t.Fatalf("%s: not sent; body: %.1200s", r, r.body)
	}
	files := waitMail(t, m, env.b, "INBOX", "Quote "+tag, 1)
	f, _ := os.Open(files[0])
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != name || from[0].Address != alias {
		t.Errorf("delivered From = %v (%v), want %q <%s>; raw %q", from, err, name, alias, msg.Header.Get("From"))
	}
	rt, err := msg.Header.AddressList("Reply-To")
	if err != nil || len(rt) != 1 || rt[0].Name != "Help Desk" || rt[0].Address != "desk@example.org" {
		t.Errorf("delivered Reply-To = %v (%v), raw %q", rt, err, msg.Header.Get("Reply-To"))
	}
	b := new(strings.Builder)
	fmt.Fprint(b, readAll(msg.Body))
	text := b.String()
	sig, quote := strings.Index(text, "\n-- \nAnn of Sales\nExt. 42\n"), strings.Index(text, "> the original line")
	if !strings.HasPrefix(text, "Thanks!") || sig < 0 || quote < 0 || sig > quote || strings.Count(text, "Ann of Sales") != 1 {
		t.Errorf("delivered text: want Thanks!, then the signature, then the quote:\n%s", text)
	}
}

// rawText is the text of n as it is (text collapses white space), e.g.
// a textarea's value.
func rawText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// readAll reads r as a string with LF line ends.
func readAll(r interface{ Read([]byte) (int, error) }) string {
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return strings.ReplaceAll(b.String(), "\r\n", "\n")
}

// TestIdentitiesSwitchAndPolicy: without JavaScript, Switch swaps the
// signature of the chosen identity and keeps the text; Send with another
// From than shown swaps it too; an identity whose address the
// administrator no longer allows is listed disabled and not offered.
func TestIdentitiesSwitchAndPolicy(t *testing.T) {
	alias := env.a.name + "-sales@localhost"
	withConfig(t, env.baseConf+"mail_domain = localhost\nidentities = %u-sales@localhost\n")
	freshIdentities(t, env.a)
	c := loggedIn(t, env.a)
	setup := c.get("/identity?address=" + url.QueryEscape(alias))
	wantStatus(t, c.saveIdentity(setup, map[string]string{"name": "Sales", "signature": "Sales sig"}), http.StatusSeeOther)
	own := c.get("/identity?address=" + url.QueryEscape(addr(env.a)))
	wantStatus(t, c.saveIdentity(own, map[string]string{"name": "Me", "signature": "My sig"}), http.StatusSeeOther)

	r := c.get("/compose")
	if _, sel := fromOptions(t, r); sel != addr(env.a) {
		t.Errorf("new message from %q, want the default, %s", sel, addr(env.a))
	}
	v := formValues(t, r, "compose")
	if v.Get("body") != "\n\n-- \nMy sig\n" {
		t.Errorf("new message text = %q", v.Get("body"))
	}
	v.Set("body", "Hello\n"+v.Get("body"))
	v.Set("from", alias)
	v.Set("action", "switch")
	r = c.postCompose(v)
	wantStatus(t, r, http.StatusOK)
	v = formValues(t, r, "compose")
	if !strings.HasPrefix(v.Get("body"), "Hello") || !strings.Contains(v.Get("body"), "-- \nSales sig") || strings.Contains(v.Get("body"), "My sig") || v.Get("from_shown") != alias {
		t.Errorf("after Switch: body %q, from_shown %q", v.Get("body"), v.Get("from_shown"))
	}
	// An edited signature stays when switching back; none is added.
	v.Set("body", strings.Replace(v.Get("body"), "Sales sig", "Sales sig, edited", 1))
	v.Set("from", addr(env.a))
	v.Set("action", "switch")
	v = formValues(t, c.postCompose(v), "compose")
	if strings.Count(v.Get("body"), "-- ") != 1 || strings.Contains(v.Get("body"), "My sig") {
		t.Errorf("switching after an edit: %q", v.Get("body"))
	}
	// A saved draft, opened again, keeps its one signature.
	v.Set("action", "save")
	r = c.postCompose(v)
	wantStatus(t, r, http.StatusOK)
	draft := formValues(t, r, "compose").Get("draft")
	if draft == "" {
		t.Fatalf("%s: no draft key after Save; body: %.800s", r, r.body)
	}
	t.Cleanup(func() {
		for _, f := range mailWith(env.a, "Drafts", "Sales sig, edited") {
			os.Remove(f)
		}
	})
	resumed := formValues(t, c.get("/compose?draft="+url.QueryEscape(draft)), "compose")
	if b := resumed.Get("body"); strings.Count(b, "-- \n") != 1 || !strings.Contains(b, "Sales sig, edited") || strings.Contains(b, "My sig") {
		t.Errorf("resumed draft text = %q, want its one signature", b)
	}

	// Make the alias the default: a new message starts from it.
	wantStatus(t, c.post("/identities", url.Values{"csrf": {c.csrf()}, "op": {"default"}, "address": {alias}}), http.StatusSeeOther)
	if _, sel := fromOptions(t, c.get("/compose")); sel != alias {
		t.Errorf("after Make default: From %q, want %s", sel, alias)
	}

	// The administrator withdraws the alias: kept, shown disabled, not
	// offered, and the own address is the default again.
	withConfig(t, env.baseConf+"mail_domain = localhost\n")
	r = c.get("/identities")
	row := findFirst(r.doc, func(n *html.Node) bool { return isElem(n, "tr") && attr(n, "data-address") == alias })
	if row == nil || !hasClass(row, "disabled") {
		t.Errorf("%s: the withdrawn alias is not listed as disabled; body: %.1500s", r, r.body)
	}
	opts, sel := fromOptions(t, c.get("/compose"))
	if _, ok := opts[alias]; ok || sel != addr(env.a) {
		t.Errorf("compose From offers %q (selected %q) after the alias was withdrawn", opts, sel)
	}
	if b, _ := os.ReadFile(filepath.Join(env.a.maildir, "postern", "identities")); !strings.Contains(string(b), alias) {
		t.Error("the withdrawn identity was deleted from the file")
	}
	// Sending from it is refused.
	v = formValues(t, c.get("/compose"), "compose")
	v.Set("from", alias)
	v.Set("to", addr(env.b))
	v.Set("action", "send")
	wantStatus(t, c.postCompose(v), http.StatusBadRequest)
}

// TestIdentitiesDamaged: a damaged identities file is reported on the
// page, not written over, does not keep the user from writing, and is
// set aside on request.
func TestIdentitiesDamaged(t *testing.T) {
	withConfig(t, env.baseConf+"mail_domain = localhost\nidentities = %u-sales@localhost\n")
	freshIdentities(t, env.a)
	c := loggedIn(t, env.a)
	path := filepath.Join(env.a.maildir, "postern", "identities")
	const junk = "{\"version\":1,\"identities\":[{\"address\":"
	if err := os.WriteFile(path, []byte(junk), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chown(path, env.a.uid, env.a.gid)
	t.Cleanup(func() {
		files, _ := filepath.Glob(path + ".damaged-*")
		for _, f := range files {
			os.Remove(f)
		}
	})
	r := c.get("/identities")
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "identities-damaged") == nil {
		t.Fatalf("%s: no #identities-damaged; body: %.1200s", r, r.body)
	}
	opts, _ := fromOptions(t, c.get("/compose"))
	if len(opts) != 2 {
		t.Errorf("compose with a damaged file offers %q, want both allowed addresses", opts)
	}
	setup := c.get("/identity?address=" + url.QueryEscape(addr(env.a)))
	wantStatus(t, c.saveIdentity(setup, map[string]string{"name": "Me"}), http.StatusConflict)
	if b, _ := os.ReadFile(path); string(b) != junk {
		t.Errorf("the damaged file was written over: %q", b)
	}
	r = c.post("/identities", url.Values{"csrf": {c.csrf()}, "op": {"setaside"}})
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(noticeText(r), "identities.damaged-") || byID(r.doc, "identities-damaged") != nil {
		t.Errorf("%s: after setting aside: notice %q", r, noticeText(r))
	}
	if files, _ := filepath.Glob(path + ".damaged-*"); len(files) != 1 {
		t.Errorf("set-aside files: %v", files)
	}
	wantStatus(t, c.saveIdentity(c.get("/identity?address="+url.QueryEscape(addr(env.a))), map[string]string{"name": "Me"}), http.StatusSeeOther)
}

// TestIdentitiesBrowser runs e2e/browser/identities.mjs in headless
// Chromium with JavaScript off on a phone-sized screen.
func TestIdentitiesBrowser(t *testing.T) {
	dir := filepath.Join(env.root, "e2e", "browser")
	needBrowser(t, dir)
	withConfig(t, env.baseConf+"mail_domain = localhost\nidentities = %u-sales@localhost\n")
	freshIdentities(t, env.a)
	cmd := exec.Command("node", "--test", "--test-reporter=spec", "identities.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "BASE_URL="+env.base, "USER_A="+env.a.name, "PASS_A="+env.a.pass,
		"ALIAS="+env.a.name+"-sales@localhost", "CHROMIUM="+chromiumBin)
	out, err := runTimeout(cmd, 3*time.Minute)
	t.Logf("identities.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("identities.mjs: %v", err)
	}
}

// TestIdentitiesW3m: the identities page and form read in a text
// browser.
func TestIdentitiesW3m(t *testing.T) {
	withConfig(t, env.baseConf+"mail_domain = localhost\nidentities = %u-sales@localhost\n")
	freshIdentities(t, env.a)
	c := loggedIn(t, env.a)
	setup := c.get("/identity?address=" + url.QueryEscape(env.a.name+"-sales@localhost"))
	wantStatus(t, c.saveIdentity(setup, map[string]string{"name": "Text Sales", "signature": "Terminal sig"}), http.StatusSeeOther)
	dump := func(path string) string { return c.w3m(t, path) }
	list := dump("/identities")
	for _, want := range []string{"Identities", addr(env.a), "Text Sales", "Terminal sig", "Make", "Edit", "Set up"} {
		if !strings.Contains(list, want) {
			t.Errorf("w3m /identities lacks %q:\n%s", want, list)
		}
	}
	form := dump("/identity?address=" + url.QueryEscape(env.a.name+"-sales@localhost"))
	for _, want := range []string{"Address", "Name", "Reply-To", "Signature", "below the quoted text", "above the quoted text", "Save", "Delete"} {
		if !strings.Contains(form, want) {
			t.Errorf("w3m identity form lacks %q:\n%s", want, form)
		}
	}
}
