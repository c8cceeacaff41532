package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// The filters, vacation and spam tests: rules set through postern's
// pages are run at delivery by the real delivery agents. The private
// Postfix (postfix_test.go) delivers to each test user through its
// ~/.forward, a pipe to a script in the home: Dovecot's LDA with
// Pigeonhole (dovecot-core, dovecot-sieve) for one user, maildrop for
// another. Replies and forwards go back through the same Postfix.

const (
	dovecotLDA = "/usr/lib/dovecot/dovecot-lda"
	maildropMD = "/usr/bin/maildrop"
	saLearn    = "/usr/bin/sa-learn"
)

// deliverVia makes Postfix deliver a's mail through script (run by
// /bin/sh as the user, with Postfix's SENDER and RECIPIENT).
func deliverVia(t *testing.T, a *account, script string) {
	t.Helper()
	p := filepath.Join(a.home, "deliver")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	fwd := filepath.Join(a.home, ".forward")
	if err := os.WriteFile(fwd, []byte("\"|"+p+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{p, fwd} {
		if err := os.Chown(f, a.uid, a.gid); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(p, 0o755)
	os.Chmod(fwd, 0o644)
}

// sendMail submits a message to the private Postfix as from.
func sendMail(t *testing.T, m *mta, from, to, headers, body string) {
	t.Helper()
	msg := "From: " + from + "\nTo: " + to + "\nMessage-Id: <" + randomHex(8) + "@localhost>\n" + headers + "\n" + body + "\n"
	cmd := exec.Command(sendmailBin, "-C", m.conf, "-f", from, to)
	cmd.Stdin = strings.NewReader(msg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sendmail: %v: %s", err, out)
	}
}

// postForm posts a form of the logged-in user and returns the response.
func (c *client) postForm(path string, v url.Values) *response {
	c.t.Helper()
	v.Set("csrf", c.csrf())
	return c.post(path, v)
}

// filterConfig is sendConfig with filters on in lang.
func filterConfig(m *mta, lang, extra string) string {
	return sendConfig(m.wrapper, "filter_language = "+lang+"\nvacation_sendmail = "+filepath.Join(m.dir, "sendmail")+"\n"+extra)
}

// setRules sets the test's rules and vacation through the Filters and
// Vacation pages, as a browser without JavaScript would.
func setRules(t *testing.T, c *client, self, fwdTo string) {
	t.Helper()
	r := c.postForm("/filters", url.Values{"op": {"save"}, "i": {"-1"}, "name": {"file it"},
		"cf0": {"subject"}, "co0": {"contains"}, "cv0": {ruleSubject},
		"ak0": {"flag"}, "ak1": {"move"}, "af1": {"Filed"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("%s: status %d, want 303; body: %.2000s", r, r.status, r.body)
	}
	r = c.postForm("/filters", url.Values{"op": {"save"}, "i": {"-1"},
		"cf0": {"subject"}, "co0": {"contains"}, "cv0": {"fwd me"},
		"ak0": {"forwardcopy"}, "af0": {"INBOX"}, "aa0": {fwdTo}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("%s: status %d, want 303; body: %.2000s", r, r.status, r.body)
	}
	r = c.postForm("/vacation", url.Values{"on": {"1"}, "subject": {`Away "now"`}, "text": {"I am away.\nBack on Monday."},
		"days": {"7"}, "addresses": {self}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("%s: status %d, want 303; body: %.2000s", r, r.status, r.body)
	}
	page := c.get("/filters")
	wantStatus(t, page, http.StatusOK)
	if n := len(findAll(page.doc, func(n *html.Node) bool { return hasClass(n, "rule") })); n != 2 {
		t.Fatalf("/filters lists %d rules, want 2: %.2000s", n, page.body)
	}
}

// ruleSubject is what the test's first rule looks for: quotes,
// backslash and a Sieve variable that must stay text.
const ruleSubject = `[filed] "quoted" \ ${HOME}`

// setRulesBrowser sets the rules of setRules in headless Chromium
// (e2e/browser/filters.test.mjs), JavaScript off.
func setRulesBrowser(t *testing.T, a, v *account) {
	t.Helper()
	dir := filepath.Join(env.root, "e2e", "browser")
	needBrowser(t, dir)
	cmd := exec.Command("node", "--test", "--test-reporter=spec", "filters.test.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "FILTERS_PHASE=set", "BASE_URL="+env.base, "USER="+a.name, "PASS="+a.pass,
		"SUBJECT="+ruleSubject, "FORWARD_TO="+addr(v), "SELF="+addr(a), "CHROMIUM="+chromiumBin)
	out, err := runTimeout(cmd, 3*time.Minute)
	t.Logf("filters.test.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("filters.test.mjs: %v", err)
	}
}

// checkDelivery sends the test's four messages from v to a and checks
// where each went: list mail unanswered, the first personal one
// answered once, the filed one flagged in Filed, the forwarded one in
// v's INBOX too.
func checkDelivery(t *testing.T, m *mta, a, v *account, replyMark string) {
	t.Helper()
	from, to := addr(v), addr(a)
	sendMail(t, m, from, to, "Subject: list post\nList-Id: Test list <test.localhost>\nPrecedence: list\n", "to the list")
	waitMail(t, m, a, "INBOX", "list post", 1)
	sendMail(t, m, from, to, `Subject: [filed] "quoted" \ ${HOME} one`+"\n", "file me")
	got := waitMail(t, m, a, "Filed", "file me", 1)
	if !regexp.MustCompile(`:2,[A-Z]*F`).MatchString(filepath.Base(got[0])) {
		t.Errorf("the filed message %s is not flagged", got[0])
	}
	waitMail(t, m, v, "INBOX", replyMark, 1)
	sendMail(t, m, from, to, "Subject: hello again\n", "second")
	waitMail(t, m, a, "INBOX", "hello again", 1)
	sendMail(t, m, from, to, "Subject: please fwd me\n", "forward this")
	waitMail(t, m, a, "INBOX", "forward this", 1)
	waitMail(t, m, v, "INBOX", "forward this", 1)
	time.Sleep(2 * time.Second) // a second reply would be on its way by now
	replies := mailWith(v, "INBOX", replyMark)
	if len(replies) != 1 {
		t.Fatalf("%d vacation replies, want 1 (once per sender, none for list mail); log:\n%s", len(replies), m.log())
	}
	b, _ := os.ReadFile(replies[0])
	for _, want := range []string{"Auto-Submitted: auto-replied", "I am away."} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the vacation reply has no %q:\n%s", want, b)
		}
	}
	if len(mailWith(a, "INBOX", "file me")) != 0 {
		t.Error("the filed message is in INBOX too")
	}
}

func needPrograms(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			lacking(t, "missing %s (Debian dovecot-core, dovecot-sieve, maildrop, spamassassin)", p)
		}
	}
}

// TestFiltersSieve: rules and vacation set on the pages become a Sieve
// script that Dovecot's LDA runs at delivery.
func TestFiltersSieve(t *testing.T) {
	needPrograms(t, dovecotLDA, "/usr/bin/sievec")
	m := needPostfix(t)
	a, err := newAccount("s")
	if err != nil {
		t.Fatal(err)
	}
	v, err := newAccount("v")
	if err != nil {
		t.Fatal(err)
	}
	deliverVia(t, a, "exec "+dovecotLDA+" -o mail_location=maildir:~/Maildir -o mail_plugins=sieve -o sendmail_path="+
		filepath.Join(m.dir, "sendmail")+` -o postmaster_address=postmaster@localhost -f "$SENDER" -a "$RECIPIENT"`)
	withConfig(t, filterConfig(m, "sieve", ""))
	setRulesBrowser(t, a, v)
	c := loggedIn(t, a)
	script, err := os.ReadFile(filepath.Join(a.home, "sieve", "postern.sieve"))
	if err != nil {
		t.Fatal(err)
	}
	if to, err := os.Readlink(filepath.Join(a.home, ".dovecot.sieve")); err != nil || to != "sieve/postern.sieve" {
		t.Fatalf("~/.dovecot.sieve -> %q, %v; want sieve/postern.sieve", to, err)
	}
	if !strings.Contains(string(script), `"[filed] \"quoted\" \\ ${HOME}"`) {
		t.Errorf("the script does not hold the subject as a literal:\n%s", script)
	}
	checkDelivery(t, m, a, v, "Auto-Submitted: auto-replied")
	// A script that does not compile: the old one stays, the page says why.
	bad := c.postForm("/filters", url.Values{"op": {"save"}, "i": {"-1"}, "ak0": {"move"}, "af0": {"a/b"}})
	if bad.status != http.StatusBadRequest || byID(bad.doc, "error") == nil {
		t.Errorf("%s with a bad folder: status %d, want 400 with #error", bad, bad.status)
	}
	if now, _ := os.ReadFile(filepath.Join(a.home, "sieve", "postern.sieve")); string(now) != string(script) {
		t.Error("a refused rule changed the script")
	}
}

// TestFiltersMaildrop: the same rules as a ~/.mailfilter run by
// maildrop, the vacation by mailbot.
func TestFiltersMaildrop(t *testing.T) {
	needPrograms(t, maildropMD, "/usr/bin/mailbot")
	m := needPostfix(t)
	a, err := newAccount("m")
	if err != nil {
		t.Fatal(err)
	}
	v, err := newAccount("w")
	if err != nil {
		t.Fatal(err)
	}
	deliverVia(t, a, "SENDMAIL="+filepath.Join(m.dir, "sendmail")+"; export SENDMAIL\nexec "+maildropMD)
	withConfig(t, filterConfig(m, "maildrop", ""))
	c := loggedIn(t, a)
	// A hand-written ~/.mailfilter is not overwritten.
	mine := filepath.Join(a.home, ".mailfilter")
	os.WriteFile(mine, []byte("# mine\n"), 0o600)
	os.Chown(mine, a.uid, a.gid)
	r := c.postForm("/vacation", url.Values{"on": {"1"}, "subject": {"x"}, "text": {"y"}})
	if r.status != http.StatusConflict || !strings.Contains(text(byID(r.doc, "error")), "not written by postern") {
		t.Errorf("%s over a hand-written .mailfilter: status %d, want 409 and the reason; %.1000s", r, r.status, r.body)
	}
	if b, _ := os.ReadFile(mine); string(b) != "# mine\n" {
		t.Errorf("the hand-written .mailfilter changed: %q", b)
	}
	os.Remove(mine)
	setRules(t, c, addr(a), addr(v))
	checkDelivery(t, m, a, v, "Auto-Submitted: auto-replied")
	checkMessagePage(t, m, c, a, v)
}

// checkMessagePage: the message page says the spam and authentication
// verdicts in words, and "make a rule" fills the rule form from the
// message's list id.
func checkMessagePage(t *testing.T, m *mta, c *client, a, v *account) {
	t.Helper()
	sendMail(t, m, addr(v), addr(a), "Subject: verdicts\nList-Id: Verdict list <verdicts.localhost>\n"+
		"X-Spam-Status: Yes, score=7.5 required=5.0 tests=BAYES_99\nAuthentication-Results: localhost; dkim=fail header.d=localhost\n", "judge me")
	files := waitMail(t, m, a, "INBOX", "judge me", 1)
	key := strings.SplitN(filepath.Base(files[0]), ":", 2)[0]
	r := c.get("/msg?f=INBOX&id=" + url.QueryEscape(key))
	wantStatus(t, r, http.StatusOK)
	verdicts := text(byID(r.doc, "verdicts"))
	for _, want := range []string{"marked this message as spam (score 7.5; 5.0 or more is spam)", "signature (DKIM) failed"} {
		if !strings.Contains(verdicts, want) {
			t.Errorf("#verdicts = %q, lacks %q", verdicts, want)
		}
	}
	var listURL string
	for _, l := range findAll(byID(r.doc, "rule-links"), func(n *html.Node) bool { return isElem(n, "a") }) {
		if strings.Contains(text(l), "verdicts.localhost") {
			listURL = attr(l, "href")
		}
	}
	if listURL == "" {
		t.Fatalf("no 'make a rule' link for the list; %.1500s", r.body)
	}
	u, _ := url.Parse(listURL)
	f := c.get("/filters?" + u.RawQuery)
	wantStatus(t, f, http.StatusOK)
	form := byID(f.doc, "rule")
	field := func(name string) string {
		n := findFirst(form, func(n *html.Node) bool { return attr(n, "name") == name })
		if n == nil {
			return ""
		}
		if isElem(n, "select") {
			if o := findFirst(n, func(o *html.Node) bool { return isElem(o, "option") && hasAttr(o, "selected") }); o != nil {
				return attr(o, "value")
			}
		}
		return attr(n, "value")
	}
	if form == nil || field("cf0") != "header" || field("ch0") != "List-Id" || field("cv0") != "verdicts.localhost" {
		t.Errorf("the rule form from the message: cf0=%q ch0=%q cv0=%q, want header, List-Id, verdicts.localhost", field("cf0"), field("ch0"), field("cv0"))
	}
}

// TestSpamButton: the Spam button moves the message to Junk and teaches
// the user's own Bayes database with sa-learn (its nspam count grows);
// Not spam moves it back and counts it as ham.
func TestSpamButton(t *testing.T) {
	needPrograms(t, saLearn)
	a, err := newAccount("j")
	if err != nil {
		t.Fatal(err)
	}
	withConfig(t, env.baseConf+"learn_spam = "+saLearn+" --spam\nlearn_ham = "+saLearn+" --ham\n")
	key := newMessage(t, a, "Subject: cheap pills\nFrom: spammer@example.net\n\nbuy cheap pills now, best price\n")
	c := loggedIn(t, a)
	// A browser without formaction sends the list's form to /action:
	// it is asked again, from a form that goes to /spam.
	r := c.postForm("/action", url.Values{"f": {"INBOX"}, "id": {key}, "learn": {"spam"}, "op": {"read"}, "dest": {"INBOX"}})
	if form := byID(r.doc, "spam-confirm"); r.status != http.StatusOK || form == nil || !strings.HasSuffix(attr(form, "action"), "/spam") {
		t.Fatalf("%s with learn=spam: status %d, want 200 and form#spam-confirm to /spam; %.1500s", r, r.status, r.body)
	}
	if len(mailWith(a, "INBOX", "cheap pills")) != 1 {
		t.Fatal("the confirmation page moved the message already")
	}
	r = c.postForm("/spam", url.Values{"f": {"INBOX"}, "id": {key}, "learn": {"spam"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("%s: status %d, want 303; %.1000s", r, r.status, r.body)
	}
	if len(mailWith(a, "Junk", "cheap pills")) != 1 {
		t.Fatal("the message is not in Junk")
	}
	if n := magic(t, a, "nspam"); n != "1" {
		t.Errorf("nspam = %s after Spam, want 1", n)
	}
	r = c.postForm("/spam", url.Values{"f": {"Junk"}, "id": {key}, "learn": {"ham"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("%s: status %d, want 303; %.1000s", r, r.status, r.body)
	}
	if len(mailWith(a, "INBOX", "cheap pills")) != 1 {
		t.Fatal("the message is not back in INBOX")
	}
	if n := magic(t, a, "nham"); n != "1" {
		t.Errorf("nham = %s after Not spam, want 1", n)
	}
	// The list page offers the button; with filter_language = none
	// (the default) there are no Filters pages.
	list := c.get("/list?f=INBOX")
	if byID(list.doc, "spam") == nil {
		t.Error("no Spam button on the list page")
	}
	if byID(list.doc, "nav-filters") != nil {
		t.Error("a Filters link with filter_language = none")
	}
	if r := c.get("/filters"); r.status != http.StatusNotFound {
		t.Errorf("GET /filters with filter_language = none: status %d, want 404", r.status)
	}
}

// newMessage writes a message into a's INBOX/cur and returns its key.
func newMessage(t *testing.T, a *account, msg string) string {
	t.Helper()
	key := fmt.Sprintf("%d.M%sP1.e2e", time.Now().Unix(), randomHex(4))
	p := filepath.Join(a.maildir, "cur", key+":2,")
	if err := os.WriteFile(p, []byte(msg), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chown(p, a.uid, a.gid)
	return key
}

// magic is a count of sa-learn --dump magic, run as the user.
func magic(t *testing.T, a *account, name string) string {
	t.Helper()
	out, err := runAs(a, []string{"HOME=" + a.home, "PATH=/usr/bin:/bin"}, saLearn, "--dump", "magic").CombinedOutput()
	if err != nil {
		t.Fatalf("sa-learn --dump magic: %v: %s", err, out)
	}
	m := regexp.MustCompile(`(?m)^\S+\s+\S+\s+(\d+)\s+\S+\s+non-token data: ` + name + `$`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("no %s in:\n%s", name, out)
	}
	return m[1]
}

// TestQuotaBar: a maildirsize made by maildirmake -q drives the bar on
// every page, and a draft that would exceed it is refused with 507, its
// text still in the form.
func TestQuotaBar(t *testing.T) {
	needPrograms(t, "/usr/bin/maildirmake")
	a, err := newAccount("q")
	if err != nil {
		t.Fatal(err)
	}
	c := loggedIn(t, a)
	if r := c.get("/list?f=INBOX"); byID(r.doc, "quota") != nil {
		t.Error("a quota bar without a maildirsize")
	}
	// A limit just above what the Maildir holds: over 90%, and no room
	// for a draft of a few KB.
	var used int64
	filepath.Walk(a.maildir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() && strings.Contains(p, "/cur/") || strings.Contains(p, "/new/") {
			used += fi.Size()
		}
		return nil
	})
	limit := used + 1000
	if out, err := runAs(a, nil, "/usr/bin/maildirmake", "-q", fmt.Sprintf("%dS", limit), a.maildir).CombinedOutput(); err != nil {
		t.Fatalf("maildirmake -q: %v: %s", err, out)
	}
	r := c.get("/folders")
	bar := byID(r.doc, "quota")
	if bar == nil || !hasClass(bar, "warn") {
		t.Fatalf("/folders: no warning quota bar (limit %d, used %d); %.1500s", limit, used, r.body)
	}
	v := c.composeForm("")
	v.Set("to", addr(a))
	v.Set("subject", "big draft")
	v.Set("body", strings.Repeat("text that must not be lost ", 200))
	v.Set("action", "save")
	r = c.postCompose(v)
	if r.status != http.StatusInsufficientStorage {
		t.Fatalf("saving a draft over quota: status %d, want 507; %.1500s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), "text that must not be lost") || !strings.Contains(string(r.body), "mailbox is full") {
		t.Errorf("the refusal does not keep the text or say why: %.1500s", r.body)
	}
	if len(mailWith(a, "Drafts", "big draft")) != 0 {
		t.Error("the draft was saved over quota")
	}
	// Deleting mail for good makes room: postern records it in
	// maildirsize, and the same draft is saved.
	var keys []string
	for _, f := range mailWith(a, "INBOX", "") {
		keys = append(keys, strings.SplitN(filepath.Base(f), ":", 2)[0])
	}
	if r := c.postForm("/action", url.Values{"f": {"INBOX"}, "id": keys, "op": {"delete"}}); r.status != http.StatusSeeOther {
		t.Fatalf("delete: status %d", r.status)
	}
	if r := c.postForm("/empty-trash", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("empty trash: status %d", r.status)
	}
	if bar := byID(c.get("/folders").doc, "quota"); bar == nil || hasClass(bar, "warn") {
		t.Errorf("after emptying the trash the quota bar still warns (or is gone)")
	}
	v.Set("token", c.composeForm("").Get("token"))
	r = c.postCompose(v)
	if r.status != http.StatusOK || len(mailWith(a, "Drafts", "big draft")) != 1 {
		t.Errorf("saving the draft after making room: status %d; %.1000s", r.status, r.body)
	}
}
