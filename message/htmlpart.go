package message

import (
	"fmt"
	"io"
)

// MaxHTMLBytes bounds the decoded HTML of one part handed to the
// sanitizer; longer parts are cut.
const MaxHTMLBytes = 8 << 20

// ReadHTML returns the text/html part at path part of the message in r,
// transfer- and charset-decoded to UTF-8 (the charset parameter, else a
// <meta> in the first bytes, else UTF-8 or Windows-1252), at most
// MaxHTMLBytes of it. truncated is set when the part was longer.
func ReadHTML(r io.Reader, part string, lim Limits) (html string, truncated bool, err error) {
	n, p, err := find(r, part, lim)
	if err != nil {
		return "", false, err
	}
	if n.typ != "text/html" {
		return "", false, fmt.Errorf("message: part %q is %s, not text/html: %w", part, n.typ, ErrNoPart)
	}
	s, truncated, _ := readText(n, MaxHTMLBytes, p, nil)
	return s, truncated, nil
}
