package e2e

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// maxBody bounds what the tests read of one response.
const maxBody = 16 << 20

// client is a browser-like HTTP client with a cookie jar that does not
// follow redirects, so tests see each 303.
type client struct {
	t   *testing.T
	hc  *http.Client
	jar *cookiejar.Jar
	ua  string // the User-Agent header, when set
}

// newClient dials from 127.0.0.1, or from localIP when given.
func newClient(t *testing.T, localIP string) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{Timeout: 10 * time.Second}
	if localIP != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(localIP)}
	}
	tr := &http.Transport{
		DialContext:       func(ctx context.Context, n, a string) (net.Conn, error) { return d.DialContext(ctx, n, a) },
		DisableKeepAlives: true,
	}
	return &client{t: t, jar: jar, hc: &http.Client{
		Jar:           jar,
		Transport:     tr,
		Timeout:       60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is a finished response with its body read.
type response struct {
	method, url string
	status      int
	header      http.Header
	body        []byte
	doc         *html.Node // nil unless text/html
}

func (r *response) String() string { return r.method + " " + r.url }

// get requests env.base+path.
func (c *client) get(path string) *response {
	c.t.Helper()
	req, err := http.NewRequest("GET", env.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// post sends an application/x-www-form-urlencoded form.
func (c *client) post(path string, form url.Values) *response {
	c.t.Helper()
	return c.postBody(path, "application/x-www-form-urlencoded", []byte(form.Encode()))
}

func (c *client) postBody(path, ctype string, body []byte) *response {
	c.t.Helper()
	req, err := http.NewRequest("POST", env.base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	return c.do(req)
}

// do sends req and checks the headers every response must carry.
func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	if c.ua != "" {
		req.Header.Set("User-Agent", c.ua)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		c.t.Fatalf("%s %s: reading body: %v", req.Method, req.URL, err)
	}
	r := &response{method: req.Method, url: req.URL.String(), status: res.StatusCode, header: res.Header, body: body}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		r.doc, err = html.Parse(bytes.NewReader(body))
		if err != nil {
			c.t.Errorf("%s: HTML does not parse: %v", r, err)
		}
	}
	checkHeaders(c.t, r)
	return r
}

// checkHeaders asserts the security headers every response carries.
func checkHeaders(t *testing.T, r *response) {
	t.Helper()
	h := r.header
	if got := h.Get("Cache-Control"); !strings.Contains(got, "no-store") {
		t.Errorf("%s: Cache-Control = %q, want it to contain no-store", r, got)
	}
	if got := h.Get("Pragma"); got != "no-cache" {
		t.Errorf("%s: Pragma = %q, want no-cache", r, got)
	}
	if got := h.Get("Expires"); got == "" {
		t.Errorf("%s: Expires missing, want a date in the past", r)
	} else if when, err := http.ParseTime(got); err == nil && !when.Before(time.Now()) {
		t.Errorf("%s: Expires = %q, want a date in the past", r, got)
	}
	csp := h.Get("Content-Security-Policy")
	need := []string{"default-src 'none'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"}
	if strings.Contains(r.url, "/cgi-bin/postern/html?") || strings.Contains(r.url, "/cgi-bin/postern/verify?") && strings.Contains(r.url, "frame=1") && r.status == http.StatusOK {
		// The sanitized HTML of a message, and the status of a
		// signature, are framed by our own page and may submit nothing
		// at all.
		need = []string{"default-src 'none'", "frame-ancestors 'self'", "form-action 'none'", "base-uri 'none'", "sandbox"}
	}
	for _, d := range need {
		if !strings.Contains(csp, d) {
			t.Errorf("%s: Content-Security-Policy = %q, want it to contain %s", r, csp, d)
		}
	}
	if got := h.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("%s: Referrer-Policy = %q, want no-referrer", r, got)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options = %q, want nosniff", r, got)
	}
}

// wantStatus fails the test unless r has status want.
func wantStatus(t *testing.T, r *response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("%s: status = %d, want %d; body: %.600s", r, r.status, want, r.body)
	}
}

// cookie returns the postern cookie the jar holds, or "".
func (c *client) cookie() string {
	u, _ := url.Parse(env.base + "/")
	for _, k := range c.jar.Cookies(u) {
		if k.Name == "postern" {
			return k.Value
		}
	}
	return ""
}

// setCookie replaces the postern cookie in the jar.
func (c *client) setCookie(value string) {
	u, _ := url.Parse(env.base + "/")
	c.jar.SetCookies(u, []*http.Cookie{{Name: "postern", Value: value, Path: "/cgi-bin/postern"}})
}

// login logs a in through the form and returns the 303 response.
func (c *client) login(a *account) *response {
	c.t.Helper()
	r := c.post("/login", url.Values{"user": {a.name}, "pass": {a.pass}})
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("%s as %s: status = %d, want 303; body: %.600s", r, a.name, r.status, r.body)
	}
	if c.cookie() == "" {
		c.t.Fatalf("%s as %s: no postern cookie set; Set-Cookie = %q", r, a.name, r.header.Values("Set-Cookie"))
	}
	return r
}

// loggedIn returns a new client logged in as a.
func loggedIn(t *testing.T, a *account) *client {
	t.Helper()
	c := newClient(t, "")
	c.login(a)
	return c
}

// csrf fetches a page and returns the CSRF token of its forms.
func (c *client) csrf() string {
	c.t.Helper()
	r := c.get("/folders")
	wantStatus(c.t, r, http.StatusOK)
	for _, n := range findAll(r.doc, func(n *html.Node) bool {
		return isElem(n, "input") && attr(n, "name") == "csrf"
	}) {
		if v := attr(n, "value"); v != "" {
			return v
		}
	}
	c.t.Fatalf("%s: no input[name=csrf] with a value", r)
	return ""
}

// isMailPage reports whether r shows a user's mail: a message list, a
// message or a folder tree.
func isMailPage(r *response) bool {
	if r.status != http.StatusOK || r.doc == nil {
		return false
	}
	return byID(r.doc, "messages") != nil || byID(r.doc, "msg-body") != nil || byID(r.doc, "folders") != nil
}

// wantRefused asserts r is no mail page and contains none of the secrets.
func wantRefused(t *testing.T, r *response, secrets ...string) {
	t.Helper()
	if isMailPage(r) {
		t.Errorf("%s: got a mail page (status %d), want the login page or a refusal", r, r.status)
	}
	if r.status >= 500 {
		t.Errorf("%s: status = %d, want the login page or a 4xx refusal", r, r.status)
	}
	if r.status == http.StatusOK && (r.doc == nil || byID(r.doc, "login") == nil) {
		t.Errorf("%s: status 200 without form#login, want the login page or a refusal", r)
	}
	for _, s := range secrets {
		if bytes.Contains(r.body, []byte(s)) || bytes.Contains(r.body, []byte(html.EscapeString(s))) {
			t.Errorf("%s: body contains %q, want it not shown", r, s)
		}
	}
}

// HTML helpers over golang.org/x/net/html.

func isElem(n *html.Node, tag string) bool { return n.Type == html.ElementNode && n.Data == tag }

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

func findAll(root *html.Node, pred func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	if root == nil {
		return nil
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && pred(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out
}

// noticeText is the text of the page's notice (class "notice"), "" when
// it has none.
func noticeText(r *response) string { return text(byClass(r.doc, "notice")) }

func findFirst(root *html.Node, pred func(*html.Node) bool) *html.Node {
	if all := findAll(root, pred); len(all) > 0 {
		return all[0]
	}
	return nil
}

func byID(root *html.Node, id string) *html.Node {
	return findFirst(root, func(n *html.Node) bool { return attr(n, "id") == id })
}

func byClass(root *html.Node, class string) *html.Node {
	return findFirst(root, func(n *html.Node) bool { return hasClass(n, class) })
}

// text is the text content of n with runs of space collapsed.
func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	return strings.Join(strings.Fields(rawText(n)), " ")
}

// w3m is the page at path as the text browser w3m shows it (80
// columns), with c's session; a missing w3m is lacking.
func (c *client) w3m(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("w3m"); err != nil {
		lacking(t, "w3m not installed")
	}
	cmd := exec.Command("w3m", "-dump", "-cols", "80", "-o", "accept_encoding=identity",
		"-header", "Cookie: postern="+c.cookie(), env.base+path)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err := runTimeout(cmd, time.Minute)
	if err != nil {
		t.Fatalf("w3m %s: %v\n%s", path, err, out)
	}
	return out
}

// row is one tr.msg of a message list.
type row struct {
	id, subject string
	classes     []string
	node        *html.Node
}

func (r row) has(class string) bool { return hasClass(r.node, class) }

func listRows(doc *html.Node) []row {
	var rows []row
	for _, n := range findAll(doc, func(n *html.Node) bool { return isElem(n, "tr") && hasClass(n, "msg") }) {
		rows = append(rows, row{id: attr(n, "data-id"), subject: text(byClass(n, "subject")), classes: strings.Fields(attr(n, "class")), node: n})
	}
	return rows
}

// nextLink is the href of a[rel=next], or "".
func nextLink(doc *html.Node) string {
	n := findFirst(doc, func(n *html.Node) bool { return isElem(n, "a") && attr(n, "rel") == "next" })
	if n == nil {
		return ""
	}
	return attr(n, "href")
}

// relPath turns an href (absolute path or full URL) into a path below
// env.base.
func relPath(t *testing.T, href string) string {
	t.Helper()
	u, err := url.Parse(href)
	if err != nil {
		t.Fatalf("bad href %q: %v", href, err)
	}
	p := u.Path
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	const prefix = "/cgi-bin/postern"
	if !strings.HasPrefix(p, prefix) {
		t.Fatalf("href %q is not below %s", href, prefix)
	}
	return strings.TrimPrefix(p, prefix)
}

// allRows follows the pager from the first page of list URL path and
// returns all rows (bounded to 50 pages).
func (c *client) allRows(path string) []row {
	c.t.Helper()
	var rows []row
	for i := 0; i < 50 && path != ""; i++ {
		r := c.get(path)
		wantStatus(c.t, r, http.StatusOK)
		rows = append(rows, listRows(r.doc)...)
		next := nextLink(r.doc)
		if next == "" {
			break
		}
		path = relPath(c.t, next)
	}
	return rows
}

func findRow(rows []row, id string) (row, bool) {
	for _, r := range rows {
		if r.id == id {
			return r, true
		}
	}
	return row{}, false
}
