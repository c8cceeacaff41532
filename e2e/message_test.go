package e2e

import (
	"bytes"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func msgPath(folder, id string) string {
	return "/msg?" + url.Values{"f": {folder}, "id": {id}}.Encode()
}

func TestMessageView(t *testing.T) {
	a := env.a
	k := a.known
	c := loggedIn(t, a)
	r := c.get(msgPath("INBOX", k.plainKey))
	wantStatus(t, r, http.StatusOK)
	for _, tc := range []struct{ id, want string }{
		{"msg-subject", k.plainSubject},
		{"msg-from", k.plainFromName},
		{"msg-body", k.plainBody},
	} {
		if got := text(byID(r.doc, tc.id)); !strings.Contains(got, tc.want) {
			t.Errorf("%s: #%s = %q, want it to contain %q", r, tc.id, got, tc.want)
		}
	}
}

func TestAttachmentDownload(t *testing.T) {
	a := env.a
	k := a.known
	c := loggedIn(t, a)
	r := c.get(msgPath("INBOX", k.attKey))
	wantStatus(t, r, http.StatusOK)
	if got := text(byID(r.doc, "msg-subject")); !strings.Contains(got, k.attSubject) {
		t.Errorf("%s: #msg-subject = %q, want %q", r, got, k.attSubject)
	}
	links := findAll(r.doc, func(n *html.Node) bool { return isElem(n, "a") && hasClass(n, "attachment") })
	if len(links) != 1 {
		t.Fatalf("%s: %d a.attachment links, want 1", r, len(links))
	}
	if got := text(links[0]); !strings.Contains(got, k.attFilename) {
		t.Errorf("%s: a.attachment text = %q, want it to contain %q", r, got, k.attFilename)
	}
	d := c.get(relPath(t, attr(links[0], "href")))
	wantStatus(t, d, http.StatusOK)
	cd := d.header.Get("Content-Disposition")
	disp, params, err := mime.ParseMediaType(cd)
	if err != nil || disp != "attachment" {
		t.Errorf("%s: Content-Disposition = %q (%v), want attachment", d, cd, err)
	}
	if !strings.Contains(cd, "filename*=") || params["filename"] != k.attFilename {
		t.Errorf("%s: Content-Disposition = %q gives filename %q, want filename* (RFC 5987) for %q", d, cd, params["filename"], k.attFilename)
	}
	if !bytes.Equal(d.body, k.attBytes) {
		t.Errorf("%s: %d bytes differing from the %d-byte attachment", d, len(d.body), len(k.attBytes))
	}
}

func TestRawSource(t *testing.T) {
	a := env.a
	k := a.known
	c := loggedIn(t, a)
	r := c.get("/raw?" + url.Values{"f": {"INBOX"}, "id": {k.attKey}}.Encode())
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("%s: Content-Type = %q, want text/plain", r, ct)
	}
	want, err := os.ReadFile(filepath.Join(a.maildir, "cur", k.attKey+":2,S"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.body, want) {
		t.Errorf("%s: body (%d bytes) differs from the file (%d bytes)", r, len(r.body), len(want))
	}
}

func TestMalformedMessage(t *testing.T) {
	a := env.a
	k := a.known
	c := loggedIn(t, a)
	r := c.get(msgPath("INBOX", k.badKey))
	if r.status != http.StatusOK {
		t.Fatalf("%s: status = %d, want 200 (a broken message is shown, not an error); body %.400s", r, r.status, r.body)
	}
	if got := text(byID(r.doc, "msg-subject")); !strings.Contains(got, k.badSubject) {
		t.Errorf("%s: #msg-subject = %q, want %q", r, got, k.badSubject)
	}
	// The problem is shown to the reader somewhere on the page.
	body := strings.ToLower(text(r.doc))
	if !strings.Contains(body, "malformed") && !strings.Contains(body, "broken") && !strings.Contains(body, "could not") && !strings.Contains(body, "problem") {
		t.Errorf("%s: page does not mention the problem with the message", r)
	}
}

func TestMessageNotFound(t *testing.T) {
	a := env.a
	c := loggedIn(t, a)
	for _, id := range []string{"1700000099.nosuch", "../cur/" + a.known.plainKey, "a/b", ""} {
		r := c.get(msgPath("INBOX", id))
		if r.status != http.StatusNotFound && r.status != http.StatusBadRequest {
			t.Errorf("%s: status = %d, want 404 or 400", r, r.status)
		}
		if r.doc != nil && byID(r.doc, "error") == nil {
			t.Errorf("%s: no #error on the error page", r)
		}
	}
}
