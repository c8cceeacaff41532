package privdrop

import (
	"slices"
	"strings"
	"testing"
)

func TestCleanEnv(t *testing.T) {
	long := strings.Repeat("a", MaxEnvValueBytes+1)
	edge := strings.Repeat("a", MaxEnvValueBytes)
	tests := []struct {
		in   []string
		want []string // without the final PATH entry
	}{
		{nil, nil},
		{[]string{"REQUEST_METHOD=GET", "QUERY_STRING=f=INBOX&page=2"}, []string{"REQUEST_METHOD=GET", "QUERY_STRING=f=INBOX&page=2"}},
		// loader and iconv variables are the classic setuid attacks
		{[]string{"LD_PRELOAD=/tmp/evil.so", "LD_LIBRARY_PATH=/tmp", "GCONV_PATH=/tmp", "REMOTE_ADDR=192.0.2.1"}, []string{"REMOTE_ADDR=192.0.2.1"}},
		{[]string{"POSTERN_CONFIG=/tmp/evil.conf"}, nil},
		// httpoxy: a Proxy: header must not become the proxy setting
		{[]string{"HTTP_PROXY=http://evil", "HTTP_COOKIE=postern=a", "HTTP_USER_AGENT=x"}, []string{"HTTP_COOKIE=postern=a", "HTTP_USER_AGENT=x"}},
		{[]string{"BASH_FUNC_x%%=() { :; }", "HTTP_X%%=1", "HTTP_=1", "HTTP_lower=1"}, nil},
		// NUL in a value: dropped, not truncated
		{[]string{"HTTP_COOKIE=a\x00b", "SCRIPT_NAME=/cgi-bin/postern"}, []string{"SCRIPT_NAME=/cgi-bin/postern"}},
		{[]string{"TZ=Europe/Paris", "TZ=UTC"}, []string{"TZ=UTC"}},
		// TZ without a slash is a zone spec, not a file
		{[]string{"TZ=CET-1CEST"}, []string{"TZ=CET-1CEST"}},
		{[]string{"HTTP_X=" + long, "HTTP_Y=" + edge}, []string{"HTTP_Y=" + edge}},
		// the caller's PATH is replaced, never kept
		{[]string{"PATH=/tmp:/usr/bin", "IFS=x", "HOME=/root", "SHELL=/bin/sh"}, nil},
		{[]string{"NOEQUALS", "=x", "HTTPS=on"}, []string{"HTTPS=on"}},
		// a duplicate name: the first wins, the second is dropped
		{[]string{"REMOTE_ADDR=192.0.2.1", "REMOTE_ADDR=198.51.100.7"}, []string{"REMOTE_ADDR=192.0.2.1"}},
		{[]string{"SSL_CLIENT_S_DN_Email=a@example.org", "SSL_CLIENT_S_DN_email=x", "ssl_client_verify=x"}, []string{"SSL_CLIENT_S_DN_Email=a@example.org"}},
		// an empty value is still a value
		{[]string{"CONTENT_LENGTH=", "REMOTE_USER="}, []string{"CONTENT_LENGTH=", "REMOTE_USER="}},
	}
	for _, tt := range tests {
		got := CleanEnv(tt.in)
		want := append(slices.Clone(tt.want), "PATH="+SafePath)
		if !slices.Equal(got, want) {
			t.Errorf("CleanEnv(%.80q) = %.200q, want %.200q", tt.in, got, want)
		}
	}
}
