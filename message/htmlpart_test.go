package message

import (
	"errors"
	"strings"
	"testing"
)

func TestReadHTML(t *testing.T) {
	const msg = "From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nplain\r\n" +
		"--b\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Gr=FC=DFe</p>\r\n" +
		"--b--\r\n"
	got, truncated, err := ReadHTML(strings.NewReader(msg), "2", DefaultLimits)
	if err != nil || truncated || !strings.Contains(got, "<p>Grüße</p>") {
		t.Errorf("ReadHTML(part 2) = %q, %v, %v; want the decoded HTML", got, truncated, err)
	}
	if _, _, err := ReadHTML(strings.NewReader(msg), "1", DefaultLimits); !errors.Is(err, ErrNoPart) {
		t.Errorf("ReadHTML(text/plain part) error = %v, want ErrNoPart", err)
	}
	if _, _, err := ReadHTML(strings.NewReader(msg), "3", DefaultLimits); !errors.Is(err, ErrNoPart) {
		t.Errorf("ReadHTML(missing part) error = %v, want ErrNoPart", err)
	}
}
