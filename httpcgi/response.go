package httpcgi

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"os"
	"strconv"
)

// ResponseWriter is how a handler answers: the header, then the status,
// then the body. The first Write sends the header with status 200 unless
// WriteHeader came first.
type ResponseWriter interface {
	Header() Header
	Write([]byte) (int, error)
	WriteHeader(status int)
}

// Serve answers this process's request (FromEnv) with h on standard
// output, through a buffer flushed at the end.
func Serve(h func(ResponseWriter, *Request)) error {
	r, err := FromEnv()
	if err != nil {
		return err
	}
	return ServeTo(os.Stdout, r, h)
}

// ServeTo answers r with h on out.
func ServeTo(out io.Writer, r *Request, h func(ResponseWriter, *Request)) error {
	w := &response{header: Header{}, out: bufio.NewWriter(out)}
	h(w, r)
	w.Write(nil) // a response without a body still sends its header
	if w.err != nil {
		return w.err
	}
	return w.out.Flush()
}

// response writes a CGI response: "Status: code text", the header
// fields, a blank line, the body.
type response struct {
	header      Header
	out         *bufio.Writer
	status      int
	wroteStatus bool // WriteHeader was called
	sentHeader  bool // the header is in out
	err         error
}

func (w *response) Header() Header { return w.header }

func (w *response) WriteHeader(status int) {
	if w.wroteStatus {
		fmt.Fprintf(os.Stderr, "httpcgi: status %d after status %d ignored\n", status, w.status)
		return
	}
	w.wroteStatus, w.status = true, status
}

func (w *response) Write(p []byte) (int, error) {
	if !w.wroteStatus {
		w.WriteHeader(StatusOK)
	}
	if !w.sentHeader {
		w.sentHeader = true
		if _, ok := w.header["Content-Type"]; !ok {
			w.header.Set("Content-Type", "text/plain; charset=utf-8")
		}
		fmt.Fprintf(w.out, "Status: %d %s\r\n", w.status, StatusText(w.status))
		if err := w.header.Write(w.out); err != nil {
			w.err = err
		}
		w.out.WriteString("\r\n")
	}
	n, err := w.out.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// Redirect answers with status code (a 3xx) and Location url, and for a
// GET or HEAD a short HTML body with the link.
func Redirect(w ResponseWriter, r *Request, url string, code int) {
	h := w.Header()
	h.Set("Location", url)
	if r.Method == MethodGet || r.Method == MethodHead {
		h.Set("Content-Type", "text/html; charset=utf-8")
	}
	w.WriteHeader(code)
	if r.Method == MethodGet {
		io.WriteString(w, `<a href="`+html.EscapeString(url)+`">`+StatusText(code)+"</a>.\n")
	}
}

// Error answers with status code and msg as plain text.
func Error(w ResponseWriter, msg string, code int) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	io.WriteString(w, msg+"\n")
}

// NotFound answers 404 with a plain text page.
func NotFound(w ResponseWriter, r *Request) { Error(w, "404 page not found", StatusNotFound) }

// Request methods.
const (
	MethodGet  = "GET"
	MethodHead = "HEAD"
	MethodPost = "POST"
)

// Status codes that postern answers with.
const (
	StatusOK                    = 200
	StatusNoContent             = 204
	StatusSeeOther              = 303
	StatusBadRequest            = 400
	StatusUnauthorized          = 401
	StatusForbidden             = 403
	StatusNotFound              = 404
	StatusMethodNotAllowed      = 405
	StatusConflict              = 409
	StatusLengthRequired        = 411
	StatusRequestEntityTooLarge = 413
	StatusUnsupportedMediaType  = 415
	StatusUnprocessableEntity   = 422
	StatusTooManyRequests       = 429
	StatusInternalServerError   = 500
	StatusBadGateway            = 502
	StatusServiceUnavailable    = 503
	StatusInsufficientStorage   = 507
)

// StatusText is the reason phrase of code, "Status " and the number when
// it has none here.
// (A switch, not a map: a map literal would be built at every start.)
func StatusText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 202:
		return "Accepted"
	case 204:
		return "No Content"
	case 206:
		return "Partial Content"
	case 301:
		return "Moved Permanently"
	case 302:
		return "Found"
	case 303:
		return "See Other"
	case 304:
		return "Not Modified"
	case 307:
		return "Temporary Redirect"
	case 308:
		return "Permanent Redirect"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 406:
		return "Not Acceptable"
	case 408:
		return "Request Timeout"
	case 409:
		return "Conflict"
	case 410:
		return "Gone"
	case 411:
		return "Length Required"
	case 412:
		return "Precondition Failed"
	case 413:
		return "Request Entity Too Large"
	case 414:
		return "Request URI Too Long"
	case 415:
		return "Unsupported Media Type"
	case 416:
		return "Requested Range Not Satisfiable"
	case 422:
		return "Unprocessable Entity"
	case 429:
		return "Too Many Requests"
	case 431:
		return "Request Header Fields Too Large"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 502:
		return "Bad Gateway"
	case 503:
		return "Service Unavailable"
	case 507:
		return "Insufficient Storage"
	case 504:
		return "Gateway Timeout"
	}
	return "Status " + strconv.Itoa(code)
}
