package sanitize

import "testing"

func TestControls(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		// an escaped NUL in a cid: reference: dropped before PartURL
		{`<img src="cid:a%00b">`, wrap(`<img/>`)},
		{`<img src="cid:a%41b">`, wrap(`<img src="cid:aAb"/>`)},
		// C0, DEL and C1 leave text; tab, LF and CR stay
		{"<p>a\x01b\x7fc\u0085d\u009fe\tf\ng</p>", wrap("<p>abcde\tf\ng</p>")},
		{"<p>a&#1;b&#x7f;c</p>", wrap("<p>abc</p>")},             // control character references
		{"<p>a&#x80;b&#0;c</p>", wrap("<p>a\u20acb\ufffdc</p>")}, // the parser maps these, not controls
		// and attribute values
		{"<p title=\"a\x02b\u009cc\tn\">x</p>", wrap("<p title=\"abc\tn\">x</p>")},
		{"<p class=\"a\x02b c\" id=\"i\x1bd\">x</p>", wrap(`<p class="ab c" id="id">x</p>`)},
		// URLs with a control character inside, raw or escaped, are dropped
		{"<a href=\"https://x.example/a\x01b\">x</a>", wrap(`<a>x</a>`)},
		{`<a href="https://x.example/a%00b">x</a>`, wrap(`<a>x</a>`)},
		{`<a href="https://x.example/a%1Fb">x</a>`, wrap(`<a>x</a>`)},
		{`<a href="https://x.example/a%7fb">x</a>`, wrap(`<a>x</a>`)},
		{`<a href="https://x.example/a%C2%85b">x</a>`, wrap(`<a>x</a>`)}, // C1 in UTF-8
		{`<a href="https://x.example/a%0Ab">x</a>`, wrap(`<a>x</a>`)},
		{`<a href="#top%00">x</a>`, wrap(`<a>x</a>`)},
		// a lone byte 0x85 is no character: kept
		{`<a href="https://x.example/a%85b">x</a>`, wrap(`<a href="https://x.example/a%85b" rel="noopener noreferrer" target="_blank">x</a>`)},
		// tab and newline are removed from URLs as browsers do; controls at the ends trimmed
		{"<a href=\" \x01https://x.exa\tmple/\n\x1f\">x</a>", wrap(`<a href="https://x.example/" rel="noopener noreferrer" target="_blank">x</a>`)},
		// line breaks in a mailto: body are text (RFC 6068); elsewhere in it not
		{`<a href="mailto:a@x.example?body=one%0D%0Atwo">x</a>`, wrap(`<a href="mailto:a@x.example?body=one%0D%0Atwo" rel="noopener noreferrer" target="_blank">x</a>`)},
		{`<a href="mailto:a%0A@x.example">x</a>`, wrap(`<a>x</a>`)},
		{`<a href="mailto:a@x.example?body=%00">x</a>`, wrap(`<a>x</a>`)},
		// in CSS and srcset too
		{`<p style="background:url(cid:a%01b) red">x</p>`, wrap(`<p>x</p>`)},
		{`<p style="color:red;background:url('cid:a\1 b')">x</p>`, wrap(`<p style="color:red">x</p>`)},
		{`<img srcset="cid:a%00 1x, cid:b 2x">`, wrap(`<img srcset="cid:b 2x"/>`)},
	}
	for _, tt := range tests {
		if got := string(String(tt.in, testOpts).HTML); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if err := checkOutput(string(String(tt.in, testOpts).HTML), testOpts); err != nil {
			t.Errorf("String(%q): %v", tt.in, err)
		}
	}
}

// TestCheckerControls makes sure the checker finds control characters.
func TestCheckerControls(t *testing.T) {
	bad := []string{
		wrap("<p>a\x01b</p>"),
		wrap("<p>a\u0085b</p>"),
		wrap("<p title=\"a\x7fb\">x</p>"),
		wrap(`<img src="cid:a%00b"/>`),
		wrap(`<a href="https://x.example/%C2%9F" rel="noopener noreferrer" target="_blank">x</a>`),
		wrap(`<p style="background:url(&#34;cid:a%01&#34;)">x</p>`),
		wrap(`<a href="https://webmail.example:8443/logout" rel="noopener noreferrer" target="_blank">x</a>`), // the webmail itself
		wrap(`<p style="background:url(&#34;http://127.1:8080/&#34;)">x</p>`),
	}
	for _, b := range bad {
		if err := checkOutput(b, testOpts); err == nil {
			t.Errorf("checkOutput(%q) = nil, want an error", b)
		}
	}
}
