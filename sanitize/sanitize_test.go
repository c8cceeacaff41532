package sanitize

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

// wrap puts s in the wrapper div, as the output has it.
func wrap(s string) string { return `<div class="postern-mail">` + s + `</div>` }

func TestString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`<p>Hello <b>world</b></p>`, wrap(`<p>Hello <b>world</b></p>`)},
		{`<p onclick="x()" style="color:red">a</p>`, wrap(`<p style="color:red">a</p>`)},
		// unknown elements are unwrapped, their text kept
		{`<x-card><o:p>kept</o:p></x-card>`, wrap(`kept`)},
		// dropped with content
		{`a<script>alert(1)</script><iframe src="https://x.example/"></iframe>b`, wrap(`ab`)},
		// table attributes mail relies on; attributes come out sorted
		{`<table width="600" cellpadding="0" bgcolor="#fff"><tr><td valign="top" colspan="2">x</td></tr></table>`,
			wrap(`<table bgcolor="#fff" cellpadding="0" width="600"><tbody><tr><td colspan="2" valign="top">x</td></tr></tbody></table>`)},
		// links: target and rel forced; fragment links left alone
		{`<a href="HTTPS://example.com/a" target="_self">x</a><a href="#top">t</a>`,
			wrap(`<a href="https://example.com/a" rel="noopener noreferrer" target="_blank">x</a><a href="#top">t</a>`)},
		// body colours and style go to the wrapper
		{`<body bgcolor="#eee" style="margin:0"><p>x</p></body>`,
			`<div class="postern-mail" style="background-color:#eee;margin:0"><p>x</p></div>`},
		// head style scoped; body selector becomes the wrapper
		{`<style>body{color:red} td.x > a{color:blue}</style><p>x</p>`,
			wrap(`<style>.postern-mail{color:red}.postern-mail td.x>a{color:blue}</style><p>x</p>`)},
		// data: images only inline in img src
		{`<img src="data:image/png;base64,iVBORw0KGgo=" alt="i">`, wrap(`<img alt="i" src="data:image/png;base64,iVBORw0KGgo="/>`)},
		// a table closes a p: the mail is read in standards mode, as the frame shows it
		{`<p>a<table><tr><td>b</td></tr></table>`, wrap(`<p>a</p><table><tbody><tr><td>b</td></tr></tbody></table>`)},
		// comments and conditional comments go
		{`a<!--[if mso]><b>outlook</b><![endif]-->b`, wrap(`ab`)},
		{``, wrap(``)},
	}
	for _, tt := range tests {
		if got := string(String(tt.in, Options{}).HTML); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRemote(t *testing.T) {
	in := `<img src="https://t.example/p.gif" width="1"><table><tr><td background="http://t.example/bg.png">x</table>` +
		`<p style="background:url(https://t.example/b.png) #fff">x</p><link rel="prefetch" href="https://t.example/">`
	blocked := String(in, Options{})
	if blocked.RemoteBlocked != 4 {
		t.Errorf("String(%q, blocked).RemoteBlocked = %d, want 4", in, blocked.RemoteBlocked)
	}
	if strings.Contains(string(blocked.HTML), "t.example") {
		t.Errorf("String(%q, blocked) = %q, want no remote URL", in, blocked.HTML)
	}
	allowed := String(in, Options{AllowRemote: true})
	for _, want := range []string{`src="https://t.example/p.gif"`, `url(&#34;https://t.example/b.png&#34;)`} {
		if !strings.Contains(string(allowed.HTML), want) {
			t.Errorf("String(%q, remote) = %q, want it to hold %s", in, allowed.HTML, want)
		}
	}
	if allowed.RemoteBlocked != 0 { // the prefetch link is dropped all the same, counted only when blocking
		t.Errorf("String(%q, remote).RemoteBlocked = %d, want 0", in, allowed.RemoteBlocked)
	}
}

func TestPartURL(t *testing.T) {
	opt := Options{PartURL: func(cid string) string {
		if cid == "logo@x" {
			return "/cgi-bin/postern/part?f=INBOX&id=1&part=2"
		}
		return ""
	}}
	got := string(String(`<img src="cid:logo%40x"><img src="CID:missing"><table><tr><td background="cid:logo@x"></table>`, opt).HTML)
	want := wrap(`<img src="/cgi-bin/postern/part?f=INBOX&amp;id=1&amp;part=2"/><img/>` +
		`<table><tbody><tr><td background="/cgi-bin/postern/part?f=INBOX&amp;id=1&amp;part=2"></td></tr></tbody></table>`)
	if got != want {
		t.Errorf("String(cid) = %q, want %q", got, want)
	}
}

func TestPhishing(t *testing.T) {
	tests := []struct {
		text, href string
		phish      bool
	}{
		{"www.bank.example", "https://evil.example/", true},
		{"https://bank.example/login", "https://bank.example/login?x=1", false},
		{"bank.example", "https://www.bank.example/", false},
		{"bank.example", "https://mail.bank.example/t", false},   // a subdomain of the shown site
		{"Click here", "https://evil.example/", false},           // not a URL
		{"support@bank.example", "https://evil.example/", false}, // an address, not a site
		{"paypal.com", "https://xn--pypal-4ve.com/", true},       // IDN look-alike
		{"Version 1.2", "https://x.example/", false},
	}
	for _, tt := range tests {
		r := String(`<a href="`+tt.href+`">`+tt.text+`</a>`, Options{})
		marked := strings.Contains(string(r.HTML), PhishClass)
		if marked != tt.phish || (r.PhishingLinks == 1) != tt.phish {
			t.Errorf("String(<a href=%q>%s</a>) = %q (count %d), want phishing %v", tt.href, tt.text, r.HTML, r.PhishingLinks, tt.phish)
		}
	}
}

func TestTruncated(t *testing.T) {
	r := String(strings.Repeat("<p>abc</p>", 100), Options{MaxInputBytes: 25})
	if !r.Truncated || string(r.HTML) != wrap(`<p>abc</p><p>abc</p><p>ab</p>`) {
		t.Errorf("String(long, max 25) = %q, truncated %v; want 2.5 paragraphs cut, truncated", r.HTML, r.Truncated)
	}
	if r := String("<p>abc</p>", Options{MaxInputBytes: 10}); r.Truncated {
		t.Errorf("String(10 bytes, max 10).Truncated = true, want false")
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	if _, err := HTML(iotest.ErrReader(boom), Options{}); !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "sanitize: ") {
		t.Errorf("HTML(failing reader) error = %v, want sanitize: ... boom", err)
	}
}

func TestTooDeep(t *testing.T) {
	in := strings.Repeat("<div>", 600) + "deep <script>x</script>text" + strings.Repeat("</div>", 600)
	got := string(String(in, Options{}).HTML)
	if got != wrap(`<p>deep text</p>`) {
		t.Errorf("String(600 nested divs) = %.200q, want the text only", got)
	}
	if err := checkOutput(got, Options{}); err != nil {
		t.Error(err)
	}
}
