package main

import (
	"net"
	"os"
	"strconv"
	"strings"

	"postern/auth"
)

type kind int

const (
	kindAnon  kind = iota // no usable identity: login page, style sheet, errors
	kindLogin             // POST /login
	kindUser              // a cookie that names a mailbox
)

// cookieName is the session cookie's name.
const cookieName = "postern"

// rootRequest is everything the root room reads of a request: the method,
// the path, the session cookie's identity part, the body's declared length
// and type, and the client's address. Nothing else is parsed as root.
type rootRequest struct {
	kind          kind
	method        string
	path          string
	mailbox       string // mailbox id from the cookie ("user.method")
	user          string
	contentLength int64 // -1 when absent or invalid
	contentType   string
	remoteAddr    string
}

// readRequest reads the request's identity from the CGI environment.
func readRequest() *rootRequest {
	return classify(os.Getenv)
}

// classify is the pure part of readRequest.
func classify(getenv func(string) string) *rootRequest {
	r := &rootRequest{
		method:        getenv("REQUEST_METHOD"),
		path:          getenv("PATH_INFO"),
		contentType:   getenv("CONTENT_TYPE"),
		contentLength: -1,
		remoteAddr:    clientIP(getenv("REMOTE_ADDR")),
	}
	if cl := getenv("CONTENT_LENGTH"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			r.contentLength = n
		}
	}
	if r.path == "" {
		r.path = "/"
	}
	if r.method == "POST" && r.path == "/login" {
		r.kind = kindLogin
		return r
	}
	if id := cookieIdentity(getenv("HTTP_COOKIE")); id != "" {
		if u, _, err := auth.ParseMailboxID(id); err == nil {
			r.kind = kindUser
			r.mailbox = id
			r.user = u
		}
	}
	return r
}

// cookieIdentity returns the mailbox id part of the session cookie: the
// text before the first ':' of the first cookie named "postern". It does
// not look at the token; that is proved after the privilege drop.
func cookieIdentity(header string) string {
	const maxHeader = 8192 // longer Cookie headers are not ours
	if len(header) > maxHeader {
		return ""
	}
	for _, part := range strings.Split(header, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || name != cookieName {
			continue
		}
		id, _, ok := strings.Cut(value, ":")
		if !ok {
			return ""
		}
		return id
	}
	return ""
}

// clientIP normalises REMOTE_ADDR; an unparsable address becomes "".
func clientIP(s string) string {
	ip := net.ParseIP(strings.TrimSpace(s))
	if ip == nil {
		return ""
	}
	return ip.String()
}
