package app

import (
	"strings"
	"testing"

	"postern/templates"
)

// TestDecryptedHTML: decrypted HTML goes through the sanitizer with
// remote content blocked and is rendered in a frame with an empty
// sandbox, escaped into srcdoc, never into the page itself.
func TestDecryptedHTML(t *testing.T) {
	plain := "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello text\r\n" +
		"--b\r\nContent-Type: text/html\r\n\r\n<p>hello <b>html</b><img src=\"https://tracker.example/x.png\"><script>alert(1)</script>" +
		"<a href=\"https://leak.example/\">x</a></p>\r\n--b--\r\n"
	frames := decryptedHTML([]byte(plain))
	if len(frames) != 1 {
		t.Fatalf("decryptedHTML = %d frames, want 1", len(frames))
	}
	f := frames[0]
	if strings.Contains(f, "tracker.example") || strings.Contains(f, "<script") || !strings.Contains(f, "<b>html</b>") {
		t.Errorf("decryptedHTML = %q, want the HTML without remote image or script", f)
	}
	note := templates.CryptoNote{Kind: "encrypted", State: "decrypted", Frames: frames, Content: contentText([]byte(plain))}
	p := &templates.Page{Site: "postern", Title: "t", Message: &templates.MessageData{Crypto: []templates.CryptoNote{note}}}
	set, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	b, err := set.Bytes("message", p)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	i := strings.Index(page, `<iframe class="htmlmail decrypted" sandbox="" srcdoc="`)
	if i < 0 {
		t.Fatalf("no sandboxed srcdoc frame in the page:\n%s", page)
	}
	if strings.Contains(page, "<b>html</b>") {
		t.Errorf("the decrypted HTML is in the page itself, not only (escaped) in the frame")
	}
	if !strings.Contains(page[i:], "&lt;b&gt;html&lt;/b&gt;") {
		t.Errorf("the frame's srcdoc lacks the escaped HTML")
	}
}

// TestAnnotateProtectedSubject: the Subject protected inside the
// decrypted whole message replaces the outer one, which stays named;
// that of a part that is not the whole message does not.
func TestAnnotateProtectedSubject(t *testing.T) {
	tests := []struct {
		name        string
		note        templates.CryptoNote
		subj, outer string
	}{
		{"whole", templates.CryptoNote{Whole: true, ProtectedSubject: "real"}, "real", "..."},
		{"a part", templates.CryptoNote{Part: "2", ProtectedSubject: "real"}, "...", ""},
		{"none", templates.CryptoNote{Whole: true}, "...", ""},
	}
	for _, tt := range tests {
		d := &templates.MessageData{Subject: "..."}
		cp := &cryptoPage{notes: []templates.CryptoNote{tt.note}, covers: []string{tt.note.Part}}
		cp.annotate(d)
		if d.Subject != tt.subj || d.OuterSubject != tt.outer {
			t.Errorf("%s: annotate: Subject %q, OuterSubject %q, want %q, %q", tt.name, d.Subject, d.OuterSubject, tt.subj, tt.outer)
		}
	}
}
