package httpcgi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// MaxFormBytes bounds the body ParseForm reads when the body is not a
// MaxBytesReader already (net/http's limit).
const MaxFormBytes = 10 << 20

// Request is the request of a CGI program.
type Request struct {
	Method        string   // REQUEST_METHOD
	URL           *url.URL // REQUEST_URI, or SCRIPT_NAME + PATH_INFO and QUERY_STRING
	Header        Header   // HTTP_* variables, and CONTENT_TYPE as Content-Type
	Host          string   // HTTP_HOST
	ContentLength int64    // CONTENT_LENGTH, 0 when unset
	HTTPS         bool     // HTTPS is on
	RemoteAddr    string   // REMOTE_ADDR
	Body          io.ReadCloser

	// Form holds the query and, after ParseForm, the urlencoded body;
	// PostForm the body only. Both are nil before ParseForm.
	Form, PostForm url.Values
}

// RequestFromMap builds a Request from CGI variables. It does no I/O:
// Body is empty (Request sets it).
func RequestFromMap(params map[string]string) (*Request, error) {
	r := &Request{
		Method:     params["REQUEST_METHOD"],
		Header:     Header{},
		Host:       params["HTTP_HOST"],
		RemoteAddr: params["REMOTE_ADDR"],
		Body:       io.NopCloser(strings.NewReader("")),
	}
	if r.Method == "" {
		return nil, errors.New("httpcgi: no REQUEST_METHOD in the environment")
	}
	if s := params["CONTENT_LENGTH"]; s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("httpcgi: bad CONTENT_LENGTH %q", s)
		}
		r.ContentLength = n
	}
	if ct := params["CONTENT_TYPE"]; ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	for k, v := range params {
		if name, ok := strings.CutPrefix(k, "HTTP_"); ok && k != "HTTP_HOST" {
			r.Header.Add(strings.ReplaceAll(name, "_", "-"), v)
		}
	}
	r.HTTPS = HTTPSOn(params["HTTPS"])
	path, query := params["SCRIPT_NAME"]+params["PATH_INFO"], params["QUERY_STRING"]
	if uri := params["REQUEST_URI"]; uri != "" {
		path, query, _ = strings.Cut(uri, "?")
		if p, err := url.PathUnescape(path); err == nil {
			path = p
		}
	}
	r.URL = &url.URL{Path: path, RawQuery: query}
	return r, nil
}

// HTTPSOn reports whether the value of the CGI variable HTTPS says the
// request came over TLS: "on" in any case (Apache, lighttpd, nginx's
// fastcgi_params) or "1".
func HTTPSOn(v string) bool { return strings.EqualFold(v, "on") || v == "1" }

// FromEnv is the Request of this process: RequestFromMap of its
// environment, with standard input, up to CONTENT_LENGTH, as the body.
func FromEnv() (*Request, error) {
	params := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			params[k] = v
		}
	}
	r, err := RequestFromMap(params)
	if err != nil {
		return nil, err
	}
	if r.ContentLength > 0 {
		r.Body = io.NopCloser(io.LimitReader(os.Stdin, r.ContentLength))
	}
	return r, nil
}

// Cookie returns the first cookie named name, or ErrNoCookie.
func (r *Request) Cookie(name string) (*Cookie, error) {
	for _, c := range readCookies(r.Header) {
		if c.Name == name {
			return c, nil
		}
	}
	return nil, ErrNoCookie
}

// ParseForm fills Form with the query and, for a POST, PUT or PATCH with
// an application/x-www-form-urlencoded body, PostForm (and Form) with the
// body, read to its end (at most MaxFormBytes unless Body is a
// MaxBytesReader). Calling it again does nothing.
func (r *Request) ParseForm() error {
	if r.PostForm != nil {
		return nil
	}
	var errs []error
	r.PostForm = url.Values{}
	if r.Method == "POST" || r.Method == "PUT" || r.Method == "PATCH" {
		var ct string
		var err error
		if v := r.Header.Get("Content-Type"); v != "" {
			ct, _, err = mime.ParseMediaType(v)
		}
		if err != nil {
			errs = append(errs, err)
		} else if ct == "application/x-www-form-urlencoded" {
			body := io.Reader(r.Body)
			limit := int64(MaxFormBytes)
			if _, ok := r.Body.(*maxBytesReader); ok {
				limit = 1<<63 - 1
			} else {
				body = io.LimitReader(r.Body, limit+1)
			}
			b, err := io.ReadAll(body)
			switch {
			case err != nil:
				errs = append(errs, err)
			case int64(len(b)) > limit:
				errs = append(errs, errors.New("httpcgi: POST too large"))
			default:
				v, err := url.ParseQuery(string(b))
				if err != nil {
					errs = append(errs, err)
				}
				r.PostForm = v
			}
		}
	}
	r.Form = url.Values{}
	for k, vs := range r.PostForm {
		r.Form[k] = append(r.Form[k], vs...)
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		errs = append(errs, err)
	}
	for k, vs := range q {
		r.Form[k] = append(r.Form[k], vs...)
	}
	return errors.Join(errs...)
}

// ErrBodyTooLarge is returned by a MaxBytesReader past its limit.
var ErrBodyTooLarge = errors.New("httpcgi: request body too large")

// MaxBytesReader reads at most n bytes of rc; past that it returns
// ErrBodyTooLarge. (The ResponseWriter is taken for net/http's signature;
// a CGI program has no connection to close.)
func MaxBytesReader(_ ResponseWriter, rc io.ReadCloser, n int64) io.ReadCloser {
	return &maxBytesReader{rc: rc, left: n}
}

type maxBytesReader struct {
	rc   io.ReadCloser
	left int64
	err  error
}

func (m *maxBytesReader) Read(p []byte) (int, error) {
	if m.err != nil {
		return 0, m.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	// Read one byte more than allowed, to tell "exactly n" from "more".
	if int64(len(p)) > m.left+1 {
		p = p[:m.left+1]
	}
	n, err := m.rc.Read(p)
	if int64(n) <= m.left {
		m.left -= int64(n)
		m.err = err
		return n, err
	}
	n = int(m.left)
	m.left = 0
	m.err = ErrBodyTooLarge
	return n, m.err
}

func (m *maxBytesReader) Close() error { return m.rc.Close() }
