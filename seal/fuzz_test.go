package seal

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzSplitMessage: whatever the message, the body is a suffix of it,
// every field is whole lines whose continuations begin with white space;
// and when the content fields and body pass the 7-bit check, the inner
// entity that would be signed is 7-bit with CRLF line ends only
// (canonical, RFC 3156 section 5) and carries protected-headers="v1".
func FuzzSplitMessage(f *testing.F) {
	f.Add([]byte("From: a@b\nSubject: x\n folded\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nbody=20\n"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n"))
	f.Add([]byte(" leading\n\n"))
	f.Add([]byte("no blank line"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		h, body := splitMessage(msg)
		if !bytes.HasSuffix(msg, body) {
			t.Fatalf("body %q is not a suffix of the message", body)
		}
		for _, fl := range h {
			if !strings.HasSuffix(fl.raw, "\n") {
				t.Errorf("field %q does not end a line", fl.raw)
			}
			lines := strings.Split(strings.TrimSuffix(fl.raw, "\n"), "\n")
			for _, l := range lines[1:] {
				if l == "" || (l[0] != ' ' && l[0] != '\t') {
					t.Errorf("field %q: continuation %q without white space", fl.raw, l)
				}
			}
		}
		content, outer := h.partition()
		if sevenBit(append(content, copied(outer, protectedFields)...), body) != nil {
			return
		}
		inner := innerEntity(content, outer, body, protectedFields)
		for i, c := range inner {
			if c >= 0x80 || c == 0 {
				t.Fatalf("inner entity byte %#x at %d", c, i)
			}
			if c == '\n' && (i == 0 || inner[i-1] != '\r') {
				t.Fatalf("bare LF at %d in %q", i, inner)
			}
			if c == '\r' && (i+1 == len(inner) || inner[i+1] != '\n') {
				t.Fatalf("bare CR at %d in %q", i, inner)
			}
		}
		if !bytes.Contains(inner, []byte(`protected-headers="v1"`)) {
			t.Errorf("inner entity without protected-headers: %q", inner)
		}
	})
}
