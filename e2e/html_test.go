package e2e

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// tracker is an HTTP server on loopback that counts what reaches it: the
// remote images and scripts of the hostile messages point at it.
type tracker struct {
	url  string
	mu   sync.Mutex
	hits []string
	srv  *http.Server
}

func startTracker(t *testing.T) *tracker {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tr := &tracker{url: "http://" + ln.Addr().String()}
	tr.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tr.mu.Lock()
		tr.hits = append(tr.hits, r.URL.Path)
		tr.mu.Unlock()
		w.Header().Set("Content-Type", "image/gif")
		w.Write([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
	})}
	go tr.srv.Serve(ln)
	t.Cleanup(func() { tr.srv.Close() })
	return tr
}

func (tr *tracker) seen() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.hits...)
}

// pngPixel is a 1x1 PNG for the cid: image.
var pngPixel, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")

// hostileHTML is a message body that tries what HTML mail attacks try.
func hostileHTML(trackerURL string) string {
	return `<html><head><base href="` + trackerURL + `/base/"><meta http-equiv="refresh" content="0;url=` + trackerURL + `/refresh">
<script>fetch("` + trackerURL + `/script")</script><link rel="stylesheet" href="` + trackerURL + `/css">
<style>@import url(` + trackerURL + `/import); body{background:url(` + trackerURL + `/bg)} .x{color:red}</style></head>
<body onload="fetch('` + trackerURL + `/onload')">
<h1 class="x">Hostile newsletter</h1>
<p>Visible text of the hostile mail.</p>
<img src="` + trackerURL + `/pixel.gif" width="1" height="1">
<img src="x" onerror="fetch('` + trackerURL + `/onerror')">
<img src="cid:logo@e2e" alt="logo">
<a href="javascript:fetch('` + trackerURL + `/jslink')">click</a>
<a href="https://evil.example/login">https://bank.example/login</a>
<iframe src="` + trackerURL + `/iframe"></iframe>
<form action="` + trackerURL + `/form"><input name="password"><button>Go</button></form>
<svg><script>fetch("` + trackerURL + `/svg")</script></svg>
<math><mtext><table><mglyph><style><img src=x onerror="fetch('` + trackerURL + `/mxss')">
<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:url(` + trackerURL + `/fixed)">overlay</div>
</body></html>`
}

// addHostile writes the hostile message (text and HTML alternatives and a
// cid image) into folder and returns its key.
func addHostile(t *testing.T, a *account, folder, trackerURL, subject string) string {
	t.Helper()
	return addHTMLMail(t, a, folder, subject, hostileHTML(trackerURL))
}

// addHTMLMail writes a message with a text and an HTML alternative and a
// cid: image (logo@e2e, a PNG) into folder and returns its key.
func addHTMLMail(t *testing.T, a *account, folder, subject, htmlBody string) string {
	t.Helper()
	key := fmt.Sprintf("%d.M%sP5.hostile", time.Now().Unix(), randomHex(4))
	msg := "From: Hostile <hostile@example.org>\r\nTo: " + a.name + "@example.org\r\nSubject: " + subject +
		"\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/related; boundary=rel\r\n\r\n" +
		"--rel\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n" +
		"--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain text alternative of the hostile mail.\r\n" +
		"--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + htmlBody + "\r\n" +
		"--alt--\r\n" +
		"--rel\r\nContent-Type: image/png\r\nContent-ID: <logo@e2e>\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString(pngPixel) + "\r\n--rel--\r\n"
	dir := folderDir(a, folder)
	if _, err := os.Stat(filepath.Join(dir, "cur")); err != nil {
		if err := makeMaildir(dir); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "maildirfolder"), nil, 0o600)
		if err := chownTree(a, dir); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, "cur", key+":2,S")
	if err := os.WriteFile(p, []byte(msg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(p, a.uid, a.gid); err != nil {
		t.Fatal(err)
	}
	return key
}

// TestHTMLMailHTTP checks the three layers over HTTP: the message page
// frames the sanitized part in a sandbox without scripts and says what
// was blocked; the part's own URL has its own CSP and carries nothing
// active.
func TestHTMLMailHTTP(t *testing.T) {
	tr := startTracker(t)
	a := env.a
	key := addHostile(t, a, "Hostile", tr.url, "Hostile HTML "+randomHex(3))
	c := loggedIn(t, a)
	r := c.get("/msg?" + url.Values{"f": {"Hostile"}, "id": {key}}.Encode())
	wantStatus(t, r, 200)
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-src 'self'") || strings.Contains(csp, "script-src") {
		t.Errorf("%s: CSP %q, want frame-src 'self' and no script-src", r, csp)
	}
	doc := r.doc
	frames := findAll(doc, func(n *html.Node) bool { return isElem(n, "iframe") })
	if len(frames) != 1 {
		t.Fatalf("%s: %d iframes, want 1", r, len(frames))
	}
	sb := attr(frames[0], "sandbox")
	if strings.Contains(sb, "allow-scripts") || strings.Contains(sb, "allow-same-origin") || !hasAttr(frames[0], "sandbox") {
		t.Errorf("%s: iframe sandbox=%q, want a sandbox without allow-scripts and allow-same-origin", r, sb)
	}
	if n := byClass(doc, "remote"); n == nil || !strings.Contains(text(n), "blocked") {
		t.Errorf("%s: no notice of blocked remote content", r)
	}
	if n := byID(doc, "load-remote"); n == nil {
		t.Errorf("%s: no #load-remote link", r)
	}
	if strings.Contains(string(r.body), "Plain text alternative") {
		t.Errorf("%s: the text alternative is shown beside the HTML", r)
	}

	// The frame's document.
	src := relPath(t, attr(frames[0], "src"))
	h := c.get(src)
	wantStatus(t, h, 200)
	csp := h.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "sandbox", "form-action 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %q", h, csp, want)
		}
	}
	if strings.Contains(csp, "allow-scripts") || strings.Contains(csp, "allow-same-origin") || strings.Contains(csp, "http:") {
		t.Errorf("%s: CSP %q allows scripts, the same origin or remote loads", h, csp)
	}
	body := string(h.body)
	for _, bad := range []string{"<script", "onerror", "onload", "javascript:", "<iframe", "<form", "<base", "http-equiv", tr.url} {
		if strings.Contains(strings.ToLower(body), strings.ToLower(bad)) {
			t.Errorf("%s: sanitized document contains %q", h, bad)
		}
	}
	// The frame has an opaque origin: the cid: image is in it as a data: URL.
	for _, want := range []string{"Visible text of the hostile mail.", "postern-phish", `src="data:image/png;base64,`} {
		if !strings.Contains(body, want) {
			t.Errorf("%s: sanitized document lacks %q", h, want)
		}
	}
	if hits := tr.seen(); len(hits) != 0 {
		t.Errorf("the tracker was reached over HTTP tests: %v", hits)
	}

	// Plain text on request.
	p := c.get("/msg?" + url.Values{"f": {"Hostile"}, "id": {key}, "plain": {"1"}}.Encode())
	wantStatus(t, p, 200)
	if !strings.Contains(string(p.body), "Plain text alternative") || strings.Contains(string(p.body), "<iframe") {
		t.Errorf("%s: want the text alternative and no frame", p)
	}
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// TestBrowserHostileHTML opens the hostile message in Chromium: no script
// may run, no request may go anywhere but our Apache, and loading remote
// content on request reaches only the tracker's image.
func TestBrowserHostileHTML(t *testing.T) {
	dir := filepath.Join(env.root, "e2e", "browser")
	needBrowser(t, dir)
	tr := startTracker(t)
	a := env.a
	key := addHostile(t, a, "Hostile", tr.url, "Hostile in browser "+randomHex(3))
	cmd := exec.Command("node", "--test", "--test-reporter=spec", "hostile.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"BASE_URL="+env.base,
		"USER_A="+a.name,
		"PASS_A="+a.pass,
		"MSG_URL="+env.base+"/msg?"+url.Values{"f": {"Hostile"}, "id": {key}}.Encode(),
		"TRACKER="+tr.url,
		"CHROMIUM="+chromiumBin,
	)
	out, err := runTimeout(cmd, 3*time.Minute)
	t.Logf("node --test hostile.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("node --test hostile.mjs: %v", err)
	}
	// Only the pixel and the background image may have been fetched,
	// and only after the user asked for remote content.
	for _, h := range tr.seen() {
		if h != "/pixel.gif" && h != "/bg" {
			t.Errorf("the tracker saw %s: something active ran or loaded", h)
		}
	}
	if !strings.Contains(strings.Join(tr.seen(), " "), "/pixel.gif") {
		t.Errorf("loading remote content did not fetch the remote image (tracker saw %v)", tr.seen())
	}
}
