package e2e

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// refTracker is an HTTP server on loopback that records, for each image
// request, the vector named in its path and the Referer it came with.
type refTracker struct {
	url  string
	mu   sync.Mutex
	hits map[string][]string // vector -> Referer of each request
}

func startRefTracker(t *testing.T) *refTracker {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tr := &refTracker{url: "http://" + ln.Addr().String(), hits: map[string][]string{}}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tr.mu.Lock()
		name := strings.TrimPrefix(r.URL.Path, "/v/")
		tr.hits[name] = append(tr.hits[name], r.Header.Get("Referer"))
		tr.mu.Unlock()
		w.Header().Set("Content-Type", "image/png")
		w.Write(pngPixel)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return tr
}

func (tr *refTracker) seen() map[string][]string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	m := map[string][]string{}
	for k, v := range tr.hits {
		m[k] = append([]string(nil), v...)
	}
	return m
}

// refererLoaded are the placements of a remote image the sanitizer keeps
// and Chromium loads once remote content is allowed; refererDropped the
// ones the sanitizer removes. Each URL path names its vector.
var refererLoaded = []string{"img", "img-upper-scheme", "img-in-link", "image-tag", "srcset-x", "srcset-w",
	"table-background", "td-background", "th-background", "style-background-image", "style-background",
	"style-quoted", "style-escaped", "style-gradient", "style-list-style", "table-style",
	"sheet-class", "sheet-media", "sheet-body", "body-style", "sheet-td"}

var refererDropped = []string{"border-image", "list-style-image", "content", "cursor", "image-set",
	"webkit-image-set", "mask-image", "filter", "shape-outside", "video-poster", "audio", "input-image",
	"link-icon", "link-stylesheet", "link-preload", "object", "embed", "iframe", "svg-image", "svg-feimage",
	"picture-source", "body-background", "meta-refresh", "import", "font-face", "lowsrc", "dynsrc",
	"a-ping", "track", "base"}

// refererHTML places remote images of tracker tr in every way a mail
// may (about fifty), and URLs of the webmail itself (self) in every URL
// place and written the ways browsers accept.
func refererHTML(tr, self string) string {
	v := func(name string) string { return tr + "/v/" + name }
	u, _ := url.Parse(self)
	port := u.Port()
	sp := "/cgi-bin/postern/logout?self="
	return `<html><head>
<base href="` + v("base") + `/">
<meta http-equiv="refresh" content="5;url=` + v("meta-refresh") + `">
<link rel="icon" href="` + v("link-icon") + `"><link rel="stylesheet" href="` + v("link-stylesheet") + `">
<link rel="preload" as="image" href="` + v("link-preload") + `">
<style>
@import url(` + v("import") + `);
@font-face { font-family: x; src: url(` + v("font-face") + `); }
.sheet-class { background-image: url(` + v("sheet-class") + `); height: 10px }
@media screen { .sheet-media { background: url("` + v("sheet-media") + `") no-repeat; height: 10px } }
body > p { background: url(` + v("sheet-body") + `) }
td.free { background-image: url(` + v("sheet-td") + `) }
.self-sheet { background: url(http://127.0.0.1:` + port + sp + `sheet) }
</style></head>
<body background="` + v("body-background") + `" style="background-image:url(` + v("body-style") + `)">
<p>Referer vectors.</p>
<img src="` + v("img") + `" width="2" height="2">
<img src="` + strings.Replace(v("img-upper-scheme"), "http://", "HTTP://", 1) + `" width="2" height="2">
<a href="https://example.org/"><img src="` + v("img-in-link") + `" width="2" height="2"></a>
<image src="` + v("image-tag") + `" width="2" height="2">
<img srcset="` + v("srcset-x") + ` 1x" width="2" height="2">
<img srcset="` + v("srcset-w") + ` 100w" width="2" height="2">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" lowsrc="` + v("lowsrc") + `" dynsrc="` + v("dynsrc") + `">
<table background="` + v("table-background") + `"><tr><th background="` + v("th-background") + `">h</th><td background="` + v("td-background") + `">d</td><td class="free">f</td></tr></table>
<table style="background:url(` + v("table-style") + `)"><tr><td>t</td></tr></table>
<div style="background-image:url(` + v("style-background-image") + `);height:10px"></div>
<div style="background:url(` + v("style-background") + `) no-repeat;height:10px"></div>
<div style="background-image:url('` + v("style-quoted") + `');height:10px"></div>
<div style="background-image:url(\68ttp://` + strings.TrimPrefix(v("style-escaped"), "http://") + `);height:10px"></div>
<div style="background-image:linear-gradient(red,blue),url(` + v("style-gradient") + `);height:10px"></div>
<ul style="list-style:url(` + v("style-list-style") + `) inside"><li>l</li></ul>
<ul style="list-style-image:url(` + v("list-style-image") + `)"><li>l</li></ul>
<div class="sheet-class"></div><div class="sheet-media"></div>
<div style="border:5px solid;border-image:url(` + v("border-image") + `) 30 round;height:10px"></div>
<div style="content:url(` + v("content") + `);cursor:url(` + v("cursor") + `),auto;height:10px"></div>
<div style="background-image:image-set(url(` + v("image-set") + `) 1x);height:10px"></div>
<div style="background-image:-webkit-image-set(url(` + v("webkit-image-set") + `) 1x);height:10px"></div>
<div style="mask-image:url(` + v("mask-image") + `);filter:url(` + v("filter") + `);shape-outside:url(` + v("shape-outside") + `);height:10px"></div>
<video poster="` + v("video-poster") + `"><track src="` + v("track") + `"></video><audio src="` + v("audio") + `"></audio>
<input type="image" src="` + v("input-image") + `">
<object data="` + v("object") + `"></object><embed src="` + v("embed") + `"><iframe src="` + v("iframe") + `"></iframe>
<svg><image href="` + v("svg-image") + `" width="2" height="2"/><filter><feImage href="` + v("svg-feimage") + `"/></filter></svg>
<picture><source srcset="` + v("picture-source") + `"><img alt="pic"></picture>
<a href="https://example.org/" ping="` + v("a-ping") + `">ping</a>
<p>Self:</p>
<img src="http://127.0.0.1:` + port + sp + `img">
<img src="//127.0.0.1:` + port + sp + `scheme-relative">
<img src="http://0x7f.1:` + port + sp + `hex">
<img src="http://2130706433:` + port + sp + `decimal">
<img src="http://localhost:` + port + sp + `localhost">
<img src="HTTP://127.0.0.1.:` + port + sp + `trailing-dot">
<img src="http://[::ffff:127.0.0.1]:` + port + sp + `mapped">
<img src="ht&#9;tp://127.0.0.1:` + port + sp + `tab">
<img src="http://127.0.0.1:0` + port + sp + `zero-port">
<img src="/cgi-bin/postern/logout?self=relative">
<img src="logout?self=relative-path">
<img src="http:logout?self=http-relative">
<img src="http:/cgi-bin/postern/logout?self=http-slash">
<img src="http:\\127.0.0.1:` + port + sp + `backslash">
<img srcset="http://127.0.0.1:` + port + sp + `srcset 1x">
<table background="http://127.0.0.1:` + port + sp + `background"><tr><td>b</td></tr></table>
<div style="background:url(http://127.0.0.1:` + port + sp + `style);height:10px"></div><div class="self-sheet">s</div>
<a href="http://127.0.0.1:` + port + sp + `link">link to the webmail</a>
<blockquote cite="http://127.0.0.1:` + port + sp + `cite">q</blockquote>
<img src="cid:logo@e2e" alt="logo">
</body></html>`
}

// TestBrowserRemoteReferer opens a message that places remote images in
// every way in Chromium and loads remote content: no image request may
// carry a Referer, however the image is placed, and no URL of the webmail
// itself may be requested, however it is written.
func TestBrowserRemoteReferer(t *testing.T) {
	dir := filepath.Join(env.root, "e2e", "browser")
	needBrowser(t, dir)
	tr := startRefTracker(t)
	a := env.a
	key := addHTMLMail(t, a, "Hostile", "Referer vectors "+randomHex(3), refererHTML(tr.url, env.base))
	msg := "/msg?" + url.Values{"f": {"Hostile"}, "id": {key}}.Encode()

	// Over HTTP: the frame document holds no URL of the webmail itself.
	c := loggedIn(t, a)
	frame := c.get("/html?" + url.Values{"f": {"Hostile"}, "id": {key}, "part": {"1.2"}, "remote": {"1"}}.Encode())
	wantStatus(t, frame, 200)
	if strings.Contains(string(frame.body), "self=") {
		t.Errorf("%s: the frame document keeps a URL of the webmail itself:\n%s", frame, frame.body)
	}
	if !strings.Contains(string(frame.body), tr.url+"/v/img") {
		t.Fatalf("%s: the frame document lacks the remote image:\n%.2000s", frame, frame.body)
	}

	cmd := exec.Command("node", "--test", "--test-reporter=spec", "referer.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"BASE_URL="+env.base,
		"USER_A="+a.name,
		"PASS_A="+a.pass,
		"MSG_URL="+env.base+msg,
		"TRACKER="+tr.url,
		"CHROMIUM="+chromiumBin,
	)
	out, err := runTimeout(cmd, 3*time.Minute)
	t.Logf("node --test referer.mjs:\n%s", out)
	if err != nil {
		t.Errorf("node --test referer.mjs: %v", err)
	}
	hits := tr.seen()
	var names []string
	for name, refs := range hits {
		names = append(names, name)
		for _, ref := range refs {
			if ref != "" {
				t.Errorf("remote image %q was requested with Referer %q", name, ref)
			}
		}
	}
	sort.Strings(names)
	t.Logf("the tracker saw %d vectors: %s", len(names), strings.Join(names, " "))
	for _, name := range refererLoaded {
		if len(hits[name]) == 0 {
			t.Errorf("remote image %q was not loaded once remote content was allowed", name)
		}
	}
	for _, name := range refererDropped {
		if len(hits[name]) != 0 {
			t.Errorf("remote %q was requested: the sanitizer should have dropped it", name)
		}
	}
}
