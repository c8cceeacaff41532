package app

import (
	"fmt"
	"io"
	"mime"
	"os"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"postern/httpcgi"
	"postern/message"
)

// partCSP is the policy of a downloaded part: nothing in it may run or
// load anything, should a browser ever render it.
const partCSP = "default-src 'none'; sandbox; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

// part streams one MIME part of a message, decoded, as a download (or, for
// an image referred to from the message, inline). It never reads the part
// whole into memory.
func (a *app) part(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	q := r.URL.Query()
	m, err := a.parseRef(q)
	if err != nil {
		return err
	}
	if m.part == "" {
		return badRequest("Which part of the message?", nil)
	}
	f, err := os.Open(m.path)
	if err != nil {
		return err
	}
	defer f.Close()
	att, body, err := message.OpenPart(f, m.part, message.DefaultLimits)
	if err != nil {
		return &httpError{status: httpcgi.StatusNotFound, public: "That message has no such part.", err: err}
	}
	h := w.Header()
	h.Set("Content-Security-Policy", partCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	if q.Get("disposition") == "inline" && inlineImage(att.ContentType) {
		h.Set("Content-Type", att.ContentType)
		h.Set("Content-Disposition", "inline")
	} else {
		h.Set("Content-Type", downloadType(att.ContentType))
		h.Set("Content-Disposition", contentDisposition("attachment", displayName(*att)))
	}
	w.WriteHeader(httpcgi.StatusOK)
	if r.Method == httpcgi.MethodHead {
		return nil
	}
	if _, err := io.Copy(w, body); err != nil {
		logf("streaming part %s of %s: %v", m.part, m.id, err)
	}
	return nil
}

// raw shows the message's source as plain text.
func (a *app) raw(w httpcgi.ResponseWriter, r *httpcgi.Request) error {
	m, err := a.parseRef(r.URL.Query())
	if err != nil {
		return err
	}
	f, err := os.Open(m.path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Security-Policy", partCSP)
	h.Set("Content-Disposition", contentDisposition("inline", m.id+".eml"))
	if st, err := f.Stat(); err == nil {
		h.Set("Content-Length", strconv.FormatInt(st.Size(), 10))
	}
	w.WriteHeader(httpcgi.StatusOK)
	if r.Method == httpcgi.MethodHead {
		return nil
	}
	_, err = io.Copy(w, f)
	if err != nil {
		logf("streaming %s: %v", m.id, err)
	}
	return nil
}

// inlineImage says whether a type may be shown inline: raster images
// only (SVG can carry script).
func inlineImage(t string) bool {
	switch strings.ToLower(t) {
	case "image/png", "image/jpeg", "image/jpg", "image/gif", "image/webp", "image/bmp":
		return true
	}
	return false
}

// downloadType is the Content-Type a download is sent with: the part's
// own, except types a browser could run, which become octet-stream.
func downloadType(t string) string {
	t = strings.ToLower(t)
	mt, _, err := mime.ParseMediaType(t)
	if err != nil || !strings.Contains(mt, "/") {
		return "application/octet-stream"
	}
	switch {
	case mt == "text/html", mt == "application/xhtml+xml", mt == "image/svg+xml",
		strings.Contains(mt, "javascript"), strings.Contains(mt, "ecmascript"),
		strings.HasSuffix(mt, "+xml"), mt == "text/xml", mt == "application/xml":
		return "application/octet-stream"
	}
	return mt
}

// contentDisposition builds an RFC 6266 header: an ASCII fallback in
// filename= and the exact UTF-8 name in filename* (RFC 8187).
func contentDisposition(kind, name string) string {
	var fallback strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r > 0x7e, r == '"', r == '\\', r == '%', r == ';':
			fallback.WriteByte('_')
		default:
			fallback.WriteRune(r)
		}
	}
	s := fmt.Sprintf("%s; filename=\"%s\"", kind, fallback.String())
	if fallback.String() != name {
		s += "; filename*=UTF-8''" + encodeRFC8187(name)
	}
	return s
}

// encodeRFC8187 percent-encodes everything but attr-char.
func encodeRFC8187(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)) || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// safeFilename keeps the last path element of a sender's file name, with
// control and format characters removed, and at most 200 bytes.
func safeFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimSpace(name))
	if name == "." || name == "/" || name == ".." {
		return ""
	}
	var b strings.Builder
	for _, r := range name {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		if b.Len()+utf8.RuneLen(r) > 200 {
			break
		}
		b.WriteRune(r)
	}
	return strings.TrimLeft(b.String(), ".")
}

// extensionFor suggests a file extension for a media type.
func extensionFor(t string) string {
	switch t {
	case "text/plain":
		return ".txt"
	case "text/html":
		return ".html"
	case "image/jpeg":
		return ".jpg"
	}
	exts, err := mime.ExtensionsByType(t)
	if err != nil || len(exts) == 0 {
		return ""
	}
	return exts[0]
}
