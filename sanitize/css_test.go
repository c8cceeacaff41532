package sanitize

import "testing"

func TestDeclarations(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"color: red; FONT-SIZE: 12px", "color:red;font-size:12px"},
		{`font-family: "Segoe UI", Arial, sans-serif`, `font-family:"Segoe UI",Arial,sans-serif`},
		{"width: 100% !important", "width:100%!important"},
		{"color: rgb(1, 2, 3)", "color:rgb(1,2,3)"},
		{"position: fixed; top: 0; color: red", "color:red"},       // overlays and offsets go
		{"position: relative; z-index: 5000", "position:relative"}, // huge z-index goes
		{"display: none", "display:none"},                          // hidden preheaders stay hidden
		{"display: run-in", ""},                                    // not a layout value we allow
		{"width: expression(alert(1))", ""},                        // function outside the list
		{"behavior: url(x.htc); -moz-binding: url(x.xml)", ""},     // properties outside the list
		{`font-family: "a</style>"`, ""},                           // string with markup
		{`font-family: \61rial`, ""},                               // escapes
		{"background: url(cid:logo) no-repeat", `background:url("cid:logo") no-repeat`},
		{"background: url(javascript:alert(1)) red", ""},                                   // a bad URL rejects the value
		{"background: #fff url(https://t.example/x.gif) repeat", "background:#fff repeat"}, // blocked remote image removed
		{"mso-line-height-rule: exactly; color: red", "color:red"},
		{"color: red; color", "color:red"}, // broken declaration skipped
		{"--x: 1; color: var(--x)", ""},
	}
	for _, tt := range tests {
		s := &sanitizer{opt: testOpts, res: &Result{}}
		if got := s.declarations(tt.in); got != tt.want {
			t.Errorf("declarations(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStylesheet(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"p { color: red }", ".postern-mail p{color:red}"},
		{"html body .x, #y > td:hover { color: red }", ".postern-mail .x,.postern-mail #y>td:hover{color:red}"},
		{"body > table { width: 100% }", ".postern-mail>table{width:100%}"},
		{"body + div { color: red }", ""},         // would reach outside the wrapper
		{"a[href^=http] { color: red }", ""},      // attribute selectors unsupported
		{"p::before { color: red }", ""},          // pseudo-elements unsupported
		{".postern-phish { color: inherit }", ""}, // our own marks
		{"div body { color: red }", ""},           // body past the start
		{"p { color: red; position: absolute }", ".postern-mail p{color:red}"},
		{"@media only screen and (max-width: 600px) { .c { width: 100% !important } }",
			"@media only screen and (max-width:600px){.postern-mail .c{width:100%!important}}"},
		{"@media screen { @media print { p { color: red } } }", ""}, // nested media
		{"@import url(x.css); @font-face { font-family: x } p { color: red }", ".postern-mail p{color:red}"},
		{"@keyframes k { from { color: red } } q { color: blue }", ".postern-mail q{color:blue}"},
		{"p { color: red; span { color: blue } }", ".postern-mail p{color:red}"}, // CSS nesting dropped
		{"p { color: red", ".postern-mail p{color:red}"},                         // unclosed at the end
		{"<!-- p { color: red } -->", ".postern-mail p{color:red}"},
	}
	for _, tt := range tests {
		s := &sanitizer{opt: testOpts, res: &Result{}}
		if got := s.stylesheet(tt.in); got != tt.want {
			t.Errorf("stylesheet(%q) = %q, want %q", tt.in, got, tt.want)
		}
		// the output must sanitize to itself
		if got := s.stylesheet(tt.want); got != tt.want {
			t.Errorf("stylesheet(%q) = %q, not idempotent", tt.want, got)
		}
	}
}

func TestURLs(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"https://example.com/a?b=c", "https://example.com/a?b=c"},
		{"HTTPS://example.com/", "https://example.com/"},
		{" \thttp://example.com/\n", "http://example.com/"},
		{"//example.com/x", "https://example.com/x"},
		{"mailto:a@example.com", "mailto:a@example.com"},
		{"MailTo:a@example.com", "mailto:a@example.com"},
		{"#section", "#section"},
		{"javascript:alert(1)", ""},
		{"java\tscript:alert(1)", ""},   // the tab is removed, then judged
		{"\x01javascript:alert(1)", ""}, // control characters too
		{"java script:alert(1)", ""},    // not a scheme: relative, dropped
		{"https://user:pw@evil.example/", ""},
		{"/cgi-bin/postern/logout", ""}, // relative URLs would reach the webmail
		{"data:text/html,<script>", ""},
		{"file:///etc/passwd", ""},
		{"cid:a%40b", "cid:a@b"},
	}
	for _, tt := range tests {
		s := &sanitizer{opt: testOpts, res: &Result{}}
		got, _, ok := s.linkURL(tt.in)
		if !ok {
			got = ""
		}
		if got != tt.want {
			t.Errorf("linkURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSrcset(t *testing.T) {
	s := &sanitizer{opt: Options{AllowRemote: true}, res: &Result{}}
	in := "https://a.example/1.png 1x, javascript:x 2x, https://a.example/3.png 300w, https://a.example/4.png bogus"
	if got, want := s.srcset(in), "https://a.example/1.png 1x, https://a.example/3.png 300w"; got != want {
		t.Errorf("srcset(%q) = %q, want %q", in, got, want)
	}
}
