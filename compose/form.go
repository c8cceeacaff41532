package compose

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"os"
	"path"
	"strings"
	"unicode/utf8"
)

// Form is a parsed compose form.
type Form struct {
	Values url.Values // non-file fields, in order per name
	Files  []File     // uploaded files, in order
}

// File is one uploaded file: an Attachment and the form field it came in.
type File struct {
	Field string
	Attachment
}

// Remove removes the files of f (after a failed parse or when the
// caller has moved them elsewhere).
func (f *Form) Remove() {
	for _, file := range f.Files {
		os.Remove(file.Path)
	}
}

// maxFilename bounds an uploaded file's name, in bytes.
const maxFilename = 255

// ParseForm reads a form body of the given Content-Type:
// multipart/form-data (RFC 7578) or application/x-www-form-urlencoded.
// Files are streamed to new mode-600 files in dir (os.CreateTemp) and
// never held in memory; a file input left empty (no name, no bytes) is
// skipped. Every limit of lim is enforced (the zero Limits means
// DefaultLimits): an exceeded one gives a *TooLargeError (errors.Is
// ErrTooLarge) naming it. On any error no file is left in dir.
func ParseForm(r io.Reader, contentType string, dir string, lim Limits) (*Form, error) {
	lim = lim.withDefaults()
	typ, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, fmt.Errorf("compose: form content type: %w", err)
	}
	cr := &countReader{r: r, max: lim.MaxTotalBytes}
	switch typ {
	case "application/x-www-form-urlencoded":
		return parseURLEncoded(cr, lim)
	case "multipart/form-data":
	default:
		return nil, fmt.Errorf("compose: form content type %q not supported", typ)
	}
	if params["boundary"] == "" {
		return nil, errors.New("compose: form has no boundary")
	}
	f := &Form{Values: url.Values{}}
	if err := f.readParts(multipart.NewReader(cr, params["boundary"]), dir, lim); err != nil {
		f.Remove()
		if cr.over {
			err = &TooLargeError{Limit: "total", Max: lim.MaxTotalBytes}
		}
		return nil, err
	}
	return f, nil
}

// readParts reads the parts of a multipart form into f.
func (f *Form) readParts(mr *multipart.Reader, dir string, lim Limits) error {
	var parts, fields int
	var formBytes int64
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("compose: form: %w", err)
		}
		if parts++; parts > lim.MaxParts {
			return &TooLargeError{Limit: "parts", Max: int64(lim.MaxParts)}
		}
		name := p.FormName()
		if _, params, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition")); params != nil {
			if _, isFile := params["filename"]; isFile {
				if err := f.readFile(p, name, params["filename"], dir, lim); err != nil {
					return err
				}
				continue
			}
		}
		if fields++; fields > lim.MaxFields {
			return &TooLargeError{Limit: "fields", Max: int64(lim.MaxFields)}
		}
		v, err := io.ReadAll(io.LimitReader(p, lim.MaxFieldBytes+1))
		if err != nil {
			return fmt.Errorf("compose: form: %w", err)
		}
		if int64(len(v)) > lim.MaxFieldBytes {
			return &TooLargeError{Limit: "field", Max: lim.MaxFieldBytes}
		}
		if formBytes += int64(len(v)); formBytes > lim.MaxFormBytes {
			return &TooLargeError{Limit: "form", Max: lim.MaxFormBytes}
		}
		f.Values.Add(name, string(v))
	}
}

// readFile streams one file part to a new file in dir.
func (f *Form) readFile(p *multipart.Part, field, filename, dir string, lim Limits) error {
	out, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return fmt.Errorf("compose: upload: %w", err)
	}
	n, err := io.Copy(out, io.LimitReader(p, lim.MaxFileBytes+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > lim.MaxFileBytes {
		err = &TooLargeError{Limit: "file", Max: lim.MaxFileBytes}
	}
	if err == nil && n == 0 && filename == "" {
		return os.Remove(out.Name()) // an empty file input
	}
	if err == nil && len(f.Files) >= lim.MaxFiles {
		err = &TooLargeError{Limit: "files", Max: int64(lim.MaxFiles)}
	}
	if err != nil {
		os.Remove(out.Name())
		var tl *TooLargeError
		if errors.As(err, &tl) {
			return err
		}
		return fmt.Errorf("compose: upload: %w", err)
	}
	ct := "application/octet-stream"
	if t, _, err := mime.ParseMediaType(p.Header.Get("Content-Type")); err == nil && strings.Count(t, "/") == 1 {
		ct = t
	}
	f.Files = append(f.Files, File{Field: field, Attachment: Attachment{
		Name: cleanFilename(filename), ContentType: ct, Size: n, Path: out.Name(),
	}})
	return nil
}

// parseURLEncoded reads an urlencoded form within the field limits.
func parseURLEncoded(r io.Reader, lim Limits) (*Form, error) {
	b, err := io.ReadAll(io.LimitReader(r, lim.MaxFormBytes+1))
	if err != nil {
		return nil, fmt.Errorf("compose: form: %w", err)
	}
	if int64(len(b)) > lim.MaxFormBytes {
		return nil, &TooLargeError{Limit: "form", Max: lim.MaxFormBytes}
	}
	if n := strings.Count(string(b), "&") + 1; n > lim.MaxFields {
		return nil, &TooLargeError{Limit: "fields", Max: int64(lim.MaxFields)}
	}
	v, err := url.ParseQuery(string(b))
	if err != nil {
		return nil, fmt.Errorf("compose: form: %w", err)
	}
	for _, vals := range v {
		for _, s := range vals {
			if int64(len(s)) > lim.MaxFieldBytes {
				return nil, &TooLargeError{Limit: "field", Max: lim.MaxFieldBytes}
			}
		}
	}
	return &Form{Values: v}, nil
}

// cleanFilename makes an uploaded file name safe to show and to send:
// the last path element (browsers of old sent the full path), valid
// UTF-8 without control characters, at most maxFilename bytes, and
// "attachment" when nothing is left.
func cleanFilename(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(name)
	name = strings.ToValidUTF8(name, "\uFFFD")
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	for len(name) > maxFilename {
		_, n := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-n]
	}
	if name == "" || name == "." || name == "/" || name == ".." {
		return "attachment"
	}
	return name
}

// countReader fails once more than max bytes were read.
type countReader struct {
	r    io.Reader
	n    int64
	max  int64
	over bool
}

var errOver = errors.New("compose: form too large")

func (c *countReader) Read(p []byte) (int, error) {
	if c.over {
		return 0, errOver
	}
	if rest := c.max + 1 - c.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		c.over = true
		return n, errOver
	}
	return n, err
}
