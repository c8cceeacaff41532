package httpcgi

import (
	"bytes"
	"io"
	"net/http"
	"net/http/cgi"
	"net/textproto"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func baseEnv() map[string]string {
	return map[string]string{
		"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1",
		"SCRIPT_NAME": "/cgi-bin/postern", "PATH_INFO": "/list", "QUERY_STRING": "f=INBOX&page=2",
		"HTTP_HOST": "mail.example.org", "REMOTE_ADDR": "192.0.2.7", "REMOTE_PORT": "5000",
		"HTTP_COOKIE": `postern=a.pam:1:2; postern-user="bob"`, "HTTP_SEC_FETCH_SITE": "same-origin",
		"HTTP_X_MULTI_WORD_NAME": "v",
	}
}

// TestRequestFromMap compares the fields postern reads with net/http/cgi's
// RequestFromMap on the same variables.
func TestRequestFromMap(t *testing.T) {
	cases := []func(map[string]string){
		func(map[string]string) {},
		func(e map[string]string) { e["HTTPS"] = "on" },
		func(e map[string]string) { e["HTTPS"] = "off" },
		func(e map[string]string) { e["HTTPS"] = "1" },
		func(e map[string]string) {
			e["REQUEST_METHOD"] = "POST"
			e["CONTENT_LENGTH"] = "42"
			e["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
		},
		// REQUEST_URI wins over SCRIPT_NAME and PATH_INFO
		func(e map[string]string) { e["REQUEST_URI"] = "/cgi-bin/postern/msg?f=INBOX&id=1" },
		func(e map[string]string) { e["QUERY_STRING"] = "" },
	}
	for i, change := range cases {
		env := baseEnv()
		change(env)
		want, err := cgi.RequestFromMap(env)
		if err != nil {
			t.Fatal(err)
		}
		got, err := RequestFromMap(env)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if got.Method != want.Method || got.Host != want.Host || got.ContentLength != want.ContentLength {
			t.Errorf("case %d: method, host, length = %q %q %d, want %q %q %d", i, got.Method, got.Host, got.ContentLength, want.Method, want.Host, want.ContentLength)
		}
		if got.HTTPS != (want.TLS != nil) || got.HTTPS != HTTPSOn(env["HTTPS"]) {
			t.Errorf("case %d: HTTPS = %v, want %v", i, got.HTTPS, want.TLS != nil)
		}
		if got.URL.Path != want.URL.Path || !reflect.DeepEqual(got.URL.Query(), want.URL.Query()) {
			t.Errorf("case %d: URL = %q ? %v, want %q ? %v", i, got.URL.Path, got.URL.Query(), want.URL.Path, want.URL.Query())
		}
		if len(got.Header) != len(want.Header) {
			t.Errorf("case %d: header = %v, want %v", i, got.Header, want.Header)
		}
		for k, v := range want.Header {
			if !reflect.DeepEqual(got.Header[k], v) {
				t.Errorf("case %d: header %s = %q, want %q", i, k, got.Header[k], v)
			}
		}
		if !reflect.DeepEqual(cookieStrings(readCookies(got.Header)), httpCookieStrings(want.Cookies())) {
			t.Errorf("case %d: cookies = %v, want %v", i, cookieStrings(readCookies(got.Header)), httpCookieStrings(want.Cookies()))
		}
	}
	for _, bad := range []map[string]string{{}, {"REQUEST_METHOD": "GET", "CONTENT_LENGTH": "x"}, {"REQUEST_METHOD": "GET", "CONTENT_LENGTH": "-1"}} {
		if _, err := RequestFromMap(bad); err == nil {
			t.Errorf("RequestFromMap(%v) = nil error, want one", bad)
		}
	}
}

func TestHTTPSOn(t *testing.T) {
	for v, want := range map[string]bool{"on": true, "ON": true, "On": true, "1": true, "": false, "off": false, "0": false, "yes": false} {
		if got := HTTPSOn(v); got != want {
			t.Errorf("HTTPSOn(%q) = %v, want %v", v, got, want)
		}
	}
}

func cookieStrings(cs []*Cookie) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name+"="+c.Value)
	}
	return out
}

func httpCookieStrings(cs []*http.Cookie) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name+"="+c.Value)
	}
	return out
}

func TestCookie(t *testing.T) {
	r, _ := RequestFromMap(baseEnv())
	c, err := r.Cookie("postern-user")
	if err != nil || c.Value != "bob" {
		t.Errorf(`Cookie("postern-user") = %v, %v; want "bob"`, c, err)
	}
	if _, err := r.Cookie("nothere"); err != ErrNoCookie {
		t.Errorf(`Cookie("nothere") error = %v, want ErrNoCookie`, err)
	}
}

// FuzzReadCookies: the cookies of a Cookie field are net/http's.
func FuzzReadCookies(f *testing.F) {
	for _, s := range []string{`a=b; c="d"`, `x=; =y; z=1 2; q="`, `n="a,b"; bad name=1; ok=\x; t=é`, " a=b ;; c=d "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		got := cookieStrings(readCookies(Header{"Cookie": {line}}))
		want := httpCookieStrings((&http.Request{Header: http.Header{"Cookie": {line}}}).Cookies())
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("readCookies(%q) = %q, net/http %q", line, got, want)
		}
	})
}

// FuzzCookieString: a Set-Cookie value is net/http's.
func FuzzCookieString(f *testing.F) {
	f.Add("postern", "a.pam:1:2", "/cgi-bin/postern", int64(1), -1, true, true, 3)
	f.Add("n", "a b,c\"d;e\\f", "/p;q", int64(0), 10, false, true, 2)
	f.Add("bad name", "v", "", int64(-1e10), 0, false, false, 1)
	f.Fuzz(func(t *testing.T, name, value, path string, unix int64, maxAge int, secure, httpOnly bool, sameSite int) {
		var exp time.Time
		if unix != 0 {
			exp = time.Unix(unix, 0)
		}
		ss := SameSite(sameSite%5 + 1)
		got := (&Cookie{Name: name, Value: value, Path: path, Expires: exp, MaxAge: maxAge, Secure: secure, HttpOnly: httpOnly, SameSite: ss}).String()
		want := (&http.Cookie{Name: name, Value: value, Path: path, Expires: exp, MaxAge: maxAge, Secure: secure, HttpOnly: httpOnly, SameSite: http.SameSite(ss)}).String()
		if got != want {
			t.Fatalf("Cookie.String() = %q, net/http %q", got, want)
		}
	})
}

func FuzzCanonicalKey(f *testing.F) {
	for _, s := range []string{"content-type", "CONTENT-TYPE", "x-a-b", "Set-Cookie", "bad key", "a_b", "-x", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := CanonicalKey(s), textproto.CanonicalMIMEHeaderKey(s); got != want {
			t.Fatalf("CanonicalKey(%q) = %q, textproto %q", s, got, want)
		}
	})
}

func TestParseForm(t *testing.T) {
	type tc struct {
		method, ctype, body, query string
	}
	cases := []tc{
		{"GET", "", "", "a=1&b=2"},
		{"POST", "application/x-www-form-urlencoded", "csrf=x&a=3", "a=1"},
		{"POST", "application/x-www-form-urlencoded; charset=utf-8", "to=a%40b&to=c", ""},
		{"POST", "multipart/form-data; boundary=x", "--x--", "f=INBOX"},
		{"POST", "text/plain", "a=1", ""},
		{"POST", "", "a=1", ""},
		{"POST", "application/x-www-form-urlencoded", "a=%zz", ""},
		{"POST", "application/x-www-form-urlencoded", "a=1;b=2", ""},
	}
	for _, c := range cases {
		u := &url.URL{Path: "/x", RawQuery: c.query}
		hr := &http.Request{Method: c.method, URL: u, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(c.body))}
		r := &Request{Method: c.method, URL: u, Header: Header{}, Body: io.NopCloser(strings.NewReader(c.body))}
		if c.ctype != "" {
			hr.Header.Set("Content-Type", c.ctype)
			r.Header.Set("Content-Type", c.ctype)
		}
		werr, err := hr.ParseForm(), r.ParseForm()
		if (werr == nil) != (err == nil) {
			t.Errorf("%+v: ParseForm error = %v, net/http %v", c, err, werr)
		}
		if !reflect.DeepEqual(r.PostForm, hr.PostForm) || !reflect.DeepEqual(r.Form, hr.Form) {
			t.Errorf("%+v: PostForm, Form = %v, %v; net/http %v, %v", c, r.PostForm, r.Form, hr.PostForm, hr.Form)
		}
	}
}

func TestMaxBytesReader(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 11, 5000} {
		body := strings.Repeat("x", n)
		got, err := io.ReadAll(MaxBytesReader(nil, io.NopCloser(strings.NewReader(body)), 10))
		if n <= 10 && (err != nil || string(got) != body) {
			t.Errorf("%d bytes, limit 10: %d bytes, %v; want all, nil", n, len(got), err)
		}
		if n > 10 && (err != ErrBodyTooLarge || len(got) != 10) {
			t.Errorf("%d bytes, limit 10: %d bytes, %v; want 10, ErrBodyTooLarge", n, len(got), err)
		}
	}
	// A form over the limit of its MaxBytesReader fails to parse.
	r := &Request{Method: "POST", URL: &url.URL{}, Header: Header{"Content-Type": {"application/x-www-form-urlencoded"}}}
	r.Body = MaxBytesReader(nil, io.NopCloser(strings.NewReader("a="+strings.Repeat("b", 100))), 50)
	if err := r.ParseForm(); err == nil {
		t.Error("ParseForm past the MaxBytesReader's limit = nil, want an error")
	}
}

func serve(t *testing.T, method string, h func(ResponseWriter, *Request)) string {
	t.Helper()
	env := baseEnv()
	env["REQUEST_METHOD"] = method
	r, err := RequestFromMap(env)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := ServeTo(&b, r, h); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestServe(t *testing.T) {
	cases := []struct {
		name, method string
		h            func(ResponseWriter, *Request)
		want         string
	}{
		{"page", "GET", func(w ResponseWriter, r *Request) {
			w.Header().Set("content-type", "text/html; charset=utf-8")
			w.Header().Set("X-Frame-Options", "DENY")
			w.Header().Set("Cache-Control", "no-store\r\nInjected: yes")
			w.WriteHeader(StatusNotFound)
			w.WriteHeader(StatusOK) // ignored
			io.WriteString(w, "<p>gone</p>")
		}, "Status: 404 Not Found\r\nCache-Control: no-store  Injected: yes\r\nContent-Type: text/html; charset=utf-8\r\nX-Frame-Options: DENY\r\n\r\n<p>gone</p>"},
		{"no body, no type", "POST", func(w ResponseWriter, r *Request) { w.WriteHeader(StatusNoContent) },
			"Status: 204 No Content\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"},
		{"nothing written", "GET", func(w ResponseWriter, r *Request) {},
			"Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"},
		{"redirect GET", "GET", func(w ResponseWriter, r *Request) {
			SetCookie(w, &Cookie{Name: "postern", Value: "", Path: "/cgi-bin/postern", MaxAge: -1, Expires: time.Unix(1, 0), HttpOnly: true, SameSite: SameSiteStrictMode})
			Redirect(w, r, "/cgi-bin/postern/list?f=INBOX&a=<b>", StatusSeeOther)
		}, "Status: 303 See Other\r\nContent-Type: text/html; charset=utf-8\r\nLocation: /cgi-bin/postern/list?f=INBOX&a=<b>\r\n" +
			"Set-Cookie: postern=; Path=/cgi-bin/postern; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; HttpOnly; SameSite=Strict\r\n\r\n" +
			"<a href=\"/cgi-bin/postern/list?f=INBOX&amp;a=&lt;b&gt;\">See Other</a>.\n"},
		{"redirect POST", "POST", func(w ResponseWriter, r *Request) { Redirect(w, r, "/x", StatusSeeOther) },
			"Status: 303 See Other\r\nContent-Type: text/plain; charset=utf-8\r\nLocation: /x\r\n\r\n"},
		{"error", "GET", func(w ResponseWriter, r *Request) { NotFound(w, r) },
			"Status: 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n\r\n404 page not found\n"},
	}
	for _, c := range cases {
		if got := serve(t, c.method, c.h); got != c.want {
			t.Errorf("%s:\n%q\nwant\n%q", c.name, got, c.want)
		}
	}
}

func TestStatusText(t *testing.T) {
	for _, code := range []int{200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 406, 408, 409, 410, 411, 412, 413, 414, 415, 416, 422, 429, 431, 500, 501, 502, 503, 504} {
		if got, want := StatusText(code), http.StatusText(code); got != want {
			t.Errorf("StatusText(%d) = %q, net/http %q", code, got, want)
		}
	}
	if got := StatusText(599); got != "Status 599" {
		t.Errorf("StatusText(599) = %q", got)
	}
}
