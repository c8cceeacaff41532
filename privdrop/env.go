package privdrop

import "strings"

// SafePath is the PATH a sanitized process gets.
const SafePath = "/usr/sbin:/usr/bin:/sbin:/bin"

// MaxEnvValueBytes is the longest environment value CleanEnv keeps. A longer
// value is dropped, not truncated.
const MaxEnvValueBytes = 64 << 10

// safeEnv is the allowlist of variables kept as they are, after Apache
// suexec's safe_env_lst, reduced to what a CGI program can use.
var safeEnv = map[string]bool{
	"AUTH_TYPE":             true,
	"CONTENT_LENGTH":        true,
	"CONTENT_TYPE":          true,
	"GATEWAY_INTERFACE":     true,
	"HTTPS":                 true,
	"PATH_INFO":             true,
	"PATH_TRANSLATED":       true,
	"QUERY_STRING":          true,
	"REMOTE_ADDR":           true,
	"REMOTE_HOST":           true,
	"REMOTE_PORT":           true,
	"REMOTE_USER":           true,
	"REQUEST_METHOD":        true,
	"REQUEST_URI":           true,
	"SCRIPT_NAME":           true,
	"SCRIPT_FILENAME":       true,
	"SERVER_NAME":           true,
	"SERVER_PORT":           true,
	"SERVER_PROTOCOL":       true,
	"SERVER_SOFTWARE":       true,
	"SERVER_ADDR":           true,
	"SSL_CLIENT_VERIFY":     true,
	"SSL_CLIENT_S_DN_Email": true,
	"SSL_CLIENT_S_DN_CN":    true,
}

// CleanEnv returns the entries of env ("NAME=value") that a setuid CGI
// program may keep, in their original order, followed by PATH=SafePath.
//
// Kept: the names in the suexec-style allowlist; every HTTP_* request header
// except HTTP_PROXY (httpoxy, CVE-2016-5385); TZ when its value contains no
// '/' (a slash would let the caller choose a file for the C library to
// read). Dropped whatever the name: entries without '=', values containing
// NUL, values longer than MaxEnvValueBytes, and any later duplicate of a name
// already kept (getenv implementations disagree on which one wins).
func CleanEnv(env []string) []string {
	out := make([]string, 0, len(env)+1)
	seen := make(map[string]bool)
	for _, kv := range env {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" || seen[name] || !keep(name, value) {
			continue
		}
		seen[name] = true
		out = append(out, kv)
	}
	return append(out, "PATH="+SafePath)
}

func keep(name, value string) bool {
	if len(value) > MaxEnvValueBytes || strings.IndexByte(value, 0) >= 0 {
		return false
	}
	switch {
	case safeEnv[name]:
		return true
	case name == "TZ":
		return !strings.Contains(value, "/")
	case name == "HTTP_PROXY":
		return false
	case strings.HasPrefix(name, "HTTP_"):
		return validHeaderName(name[len("HTTP_"):])
	}
	return false
}

// validHeaderName reports whether s looks like a CGI meta-variable name made
// from a header: upper-case letters, digits and underscores. Anything else
// (BASH_FUNC_x%%, lower case, '=' tricks) is not a header a web server sets.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
