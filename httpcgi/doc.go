// Package httpcgi is the HTTP layer of a CGI/1.1 program (RFC 3875): the
// request read from the environment and standard input, the response
// written to standard output with a CGI Status header. It does what
// postern used net/http and net/http/cgi for, and nothing else, so that
// those packages (and crypto/tls, crypto/x509, HTTP/2, proxies, which they
// link) are not in a program that is started anew for every request: they
// cost about 0.6 ms and 100 page faults of start-up each time, measured on
// a binary that only imports them.
//
// The model is net/http/cgi's child.go: RequestFromMap parses a map of
// CGI variables and does no I/O; Request and Serve are the thin wrappers
// that read the process's environment and standard input and write its
// standard output. The types keep the names and the behaviour of
// net/http's where postern uses them (Request, ResponseWriter, Header,
// Cookie, Redirect, Error, MaxBytesReader, ParseForm), so handlers read
// the same; the tests compare the two on the same input.
//
// Deliberate divergences from net/http:
//
//   - Request.HTTPS is a bool, set from the HTTPS variable; there is no
//     TLS connection state.
//   - Request.URL holds the path and query of REQUEST_URI (or SCRIPT_NAME
//     and PATH_INFO, and QUERY_STRING) only: no scheme, host or user.
//   - ParseForm reads only application/x-www-form-urlencoded bodies of
//     POST, PUT and PATCH requests, at most MaxFormBytes unless the body
//     is already a MaxBytesReader; multipart bodies are left to the
//     caller (postern's compose.ParseForm).
//   - A response without a Content-Type gets "text/plain; charset=utf-8"
//     rather than a sniffed type (postern sets one on every response
//     that has a body, and sends X-Content-Type-Options: nosniff).
//   - Redirect writes the Location it is given as it is: postern's are
//     absolute paths.
//
// Cookies are parsed and written as net/http does (RFC 6265): invalid
// names are skipped, values lose their quotes and invalid bytes.
package httpcgi
