package e2e

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// composeForm fetches /compose (with query q) and returns the hidden and
// text fields of form#compose.
func (c *client) composeForm(q string) url.Values {
	c.t.Helper()
	r := c.get("/compose" + q)
	wantStatus(c.t, r, http.StatusOK)
	form := byID(r.doc, "compose")
	if form == nil {
		c.t.Fatalf("%s: no form#compose; body: %.600s", r, r.body)
	}
	v := url.Values{}
	for _, n := range findAll(form, func(n *html.Node) bool { return isElem(n, "input") || isElem(n, "textarea") }) {
		name := attr(n, "name")
		switch {
		case name == "" || attr(n, "type") == "file":
		case isElem(n, "textarea"):
			v.Add(name, text(n))
		default:
			v.Add(name, attr(n, "value"))
		}
	}
	if sel := findFirst(form, func(n *html.Node) bool { return isElem(n, "select") && attr(n, "name") == "from" }); sel != nil {
		if opt := findFirst(sel, func(n *html.Node) bool { return isElem(n, "option") }); opt != nil {
			v.Set("from", attr(opt, "value"))
		}
	}
	if v.Get("token") == "" || v.Get("csrf") == "" {
		c.t.Fatalf("%s: form#compose without token or csrf: %v", r, v)
	}
	return v
}

// upload is a file of a multipart form.
type upload struct {
	name string
	data []byte
}

// postCompose sends the compose form as multipart/form-data.
func (c *client) postCompose(v url.Values, files ...upload) *response {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vals := range v {
		for _, s := range vals {
			mw.WriteField(k, s)
		}
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile("file", f.name)
		w.Write(f.data)
	}
	mw.Close()
	return c.postBody("/send", mw.FormDataContentType(), b.Bytes())
}

// addr is the address of a test account at the test's mail domain.
func addr(a *account) string { return a.name + "@localhost" }

// mailWith returns the files of folder's new/ and cur/ that contain s.
func mailWith(a *account, folder, s string) []string {
	var out []string
	for _, sub := range []string{"new", "cur"} {
		files, _ := filepath.Glob(filepath.Join(folderDir(a, folder), sub, "*"))
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte(s)) {
				out = append(out, f)
			}
		}
	}
	return out
}

// waitMail waits until n files of a's folder contain s, and returns them.
func waitMail(t *testing.T, m *mta, a *account, folder, s string, n int) []string {
	t.Helper()
	var got []string
	if !waitFor(30*time.Second, func() bool { got = mailWith(a, folder, s); return len(got) >= n }) {
		t.Fatalf("%d message(s) with %q in %s's %s after 30 s, want %d; mail log:\n%s", len(got), s, a.name, folder, n, m.log())
	}
	return got
}

func TestComposeSendOnceWithBcc(t *testing.T) {
	m := needPostfix(t)
	withConfig(t, sendConfig(m.wrapper, ""))
	c := loggedIn(t, env.a)
	tag := randomHex(4)
	v := c.composeForm("")
	if v.Get("from") != addr(env.a) {
		t.Errorf("compose form From = %q, want %q", v.Get("from"), addr(env.a))
	}
	v.Set("to", addr(env.a))
	v.Set("bcc", addr(env.b))
	v.Set("subject", "Once "+tag)
	v.Set("body", "sent once\r\n")
	v.Set("action", "send")
	r := c.postCompose(v, upload{"notes.txt", []byte("attached " + tag)})
	wantStatus(t, r, http.StatusOK)
	if byID(r.doc, "sent-notice") == nil {
		t.Fatalf("%s: no #sent-notice; body: %.800s", r, r.body)
	}
	// The same form again: a reload or a double click.
	r2 := c.postCompose(v)
	wantStatus(t, r2, http.StatusOK)
	if !strings.Contains(text(r2.doc), "already sent") {
		t.Errorf("%s second time: no \"already sent\"; body: %.600s", r2, r2.body)
	}
	if byID(r2.doc, "sent-copy") == nil {
		t.Errorf("%s second time: no link #sent-copy to the Sent copy", r2)
	}
	files := waitMail(t, m, env.b, "INBOX", "Once "+tag, 1)
	waitMail(t, m, env.a, "INBOX", "Once "+tag, 1)
	time.Sleep(2 * time.Second) // a second delivery would have come by now
	if got := mailWith(env.b, "INBOX", "Once "+tag); len(got) != 1 {
		t.Errorf("B got %d copies, want 1 (sent twice?)", len(got))
	}
	b, _ := os.ReadFile(files[0])
	if bytes.Contains(bytes.ToLower(b), []byte("\nbcc:")) {
		t.Errorf("the Bcc recipient's copy has a Bcc header:\n%s", b)
	}
	// The Sent copy: S flag, Bcc kept for the sender's own record.
	sent := mailWith(env.a, "Sent", "Once "+tag)
	if len(sent) != 1 {
		t.Fatalf("Sent copies with the subject = %d, want 1", len(sent))
	}
	if !strings.HasSuffix(sent[0], ":2,S") {
		t.Errorf("Sent copy %s: want flag S", filepath.Base(sent[0]))
	}
	if sb, _ := os.ReadFile(sent[0]); !bytes.Contains(sb, []byte("Bcc: <"+addr(env.b)+">")) {
		t.Errorf("Sent copy has no Bcc: %s:\n%s", addr(env.b), sb)
	}
}

func TestComposeHeaderInjection(t *testing.T) {
	m := needPostfix(t)
	withConfig(t, sendConfig(m.wrapper, ""))
	c := loggedIn(t, env.a)
	tag := randomHex(4)
	for _, field := range []string{"subject", "to", "cc"} {
		v := c.composeForm("")
		v.Set("to", addr(env.b))
		v.Set("subject", "Injected "+tag)
		v.Set(field, v.Get(field)+"\r\nBcc: "+addr(env.a))
		v.Set("body", "kept text "+tag)
		v.Set("action", "send")
		r := c.postCompose(v)
		wantStatus(t, r, http.StatusBadRequest)
		if byID(r.doc, "compose-error") == nil || byID(r.doc, "compose") == nil {
			t.Errorf("%s with CR LF in %s: want the form with #compose-error; body: %.600s", r, field, r.body)
		}
		if !strings.Contains(string(r.body), "kept text "+tag) {
			t.Errorf("%s with CR LF in %s: the text typed is not in the form again", r, field)
		}
	}
	time.Sleep(2 * time.Second)
	if got := mailWith(env.b, "INBOX", "Injected "+tag); len(got) != 0 {
		t.Errorf("a message with header injection was delivered: %v", got)
	}
}

func TestComposeDraftRoundTrip(t *testing.T) {
	m := needPostfix(t)
	withConfig(t, sendConfig(m.wrapper, ""))
	c := loggedIn(t, env.a)
	tag := randomHex(4)
	v := c.composeForm("")
	v.Set("to", addr(env.b))
	v.Set("bcc", addr(env.a))
	v.Set("subject", "Draft "+tag)
	v.Set("body", "draft text "+tag)
	v.Set("action", "save")
	r := c.postCompose(v, upload{"draft.bin", []byte("draft attachment " + tag)})
	wantStatus(t, r, http.StatusOK)
	drafts := mailWith(env.a, "Drafts", "Draft "+tag)
	if len(drafts) != 1 || !strings.HasSuffix(drafts[0], ":2,DS") {
		t.Fatalf("Drafts files with the subject = %v, want one with flags DS", drafts)
	}
	key, _, _ := strings.Cut(filepath.Base(drafts[0]), ":")
	// Resume it in a new form.
	v2 := c.composeForm("?draft=" + url.QueryEscape(key))
	for k, want := range map[string]string{"to": addr(env.b), "bcc": addr(env.a), "subject": "Draft " + tag, "draft": key} {
		if got := v2.Get(k); got != want {
			t.Errorf("resumed draft: %s = %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(v2.Get("body"), "draft text "+tag) {
		t.Errorf("resumed draft: body = %q, want the text", v2.Get("body"))
	}
	if len(v2["att"]) != 1 {
		t.Fatalf("resumed draft: attachments = %v, want 1", v2["att"])
	}
	v2.Set("action", "send")
	r = c.postCompose(v2)
	wantStatus(t, r, http.StatusOK)
	got := waitMail(t, m, env.b, "INBOX", "Draft "+tag, 1)
	if b, _ := os.ReadFile(got[0]); !bytes.Contains(b, []byte("draft.bin")) {
		t.Errorf("sent draft lost its attachment:\n%s", b)
	}
	if left := mailWith(env.a, "Drafts", "Draft "+tag); len(left) != 0 {
		t.Errorf("the draft is still in Drafts after sending: %v", left)
	}
}

func TestComposeTooLarge(t *testing.T) {
	m := needPostfix(t)
	withConfig(t, sendConfig(m.wrapper, "max_attachment_size = 4096\n"))
	c := loggedIn(t, env.a)
	tag := randomHex(4)
	v := c.composeForm("")
	v.Set("to", addr(env.b))
	v.Set("subject", "Limit "+tag)
	v.Set("action", "attach")
	r := c.postCompose(v, upload{"small.txt", []byte("small " + tag)})
	wantStatus(t, r, http.StatusOK)
	items := findAll(r.doc, func(n *html.Node) bool { return isElem(n, "li") && attr(n, "data-id") != "" })
	if len(items) != 1 {
		t.Fatalf("%s: attachments listed = %d, want 1; body: %.800s", r, len(items), r.body)
	}
	id := attr(items[0], "data-id")
	v.Add("att", id)
	r = c.postCompose(v, upload{"big.bin", bytes.Repeat([]byte("x"), 8192)})
	wantStatus(t, r, http.StatusRequestEntityTooLarge)
	if e := byID(r.doc, "error"); e == nil || !strings.Contains(text(e), "per attachment") {
		t.Errorf("%s: want an #error naming the attachment limit; body: %.600s", r, r.body)
	}
	// Nothing lost: the small file is still attached and the message goes.
	v.Set("action", "send")
	r = c.postCompose(v)
	wantStatus(t, r, http.StatusOK)
	got := waitMail(t, m, env.b, "INBOX", "Limit "+tag, 1)
	if b, _ := os.ReadFile(got[0]); !bytes.Contains(b, []byte("small.txt")) {
		t.Errorf("the small attachment was lost:\n%s", b)
	}
}

func TestComposeFailingSendmail(t *testing.T) {
	m := needPostfix(t)
	withConfig(t, sendConfig(m.failing, ""))
	c := loggedIn(t, env.a)
	tag := randomHex(4)
	v := c.composeForm("")
	v.Set("to", addr(env.b))
	v.Set("subject", "Fails "+tag)
	v.Set("body", "still here "+tag)
	v.Set("action", "send")
	r := c.postCompose(v, upload{"keep.txt", []byte("keep me")})
	wantStatus(t, r, http.StatusBadGateway)
	out := byID(r.doc, "sendmail-output")
	if out == nil || !strings.Contains(text(out), "simulated failure") {
		t.Errorf("%s: want #sendmail-output with sendmail's error; body: %.800s", r, r.body)
	}
	if !strings.Contains(string(r.body), "still here "+tag) || !strings.Contains(string(r.body), "keep.txt") {
		t.Errorf("%s: the form lost the text or the attachment", r)
	}
	// The token was released: the same form goes once the MTA works.
	writeConfig(sendConfig(m.wrapper, ""))
	v2 := url.Values{}
	for k, vals := range v {
		v2[k] = vals
	}
	for _, n := range findAll(r.doc, func(n *html.Node) bool { return isElem(n, "li") && attr(n, "data-id") != "" }) {
		v2.Add("att", attr(n, "data-id"))
	}
	r = c.postCompose(v2)
	wantStatus(t, r, http.StatusOK)
	got := waitMail(t, m, env.b, "INBOX", "Fails "+tag, 1)
	if b, _ := os.ReadFile(got[0]); !bytes.Contains(b, []byte("keep.txt")) {
		t.Errorf("the attachment kept after the failure was not sent:\n%s", b)
	}
}
