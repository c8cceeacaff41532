package sanitize

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzSanitize asserts the sanitizer's properties on any input: the
// output is a fixed point of the HTML parser (parsed in the frame
// document, or as a fragment in a body, and rendered again it gives the
// same bytes: no mutation XSS), it settles without the text-only
// fallback, sanitizing it again changes nothing, and re-parsing it finds
// no element, attribute or URL outside the allowlist, no on* attribute,
// no javascript: URL, no unscoped or active CSS, no control character in
// text, attribute values or percent-decoded URLs, and no URL of the
// webmail itself. Seeded from testdata/attacks.txt, testdata/mail, the
// misnested inputs of fixpoint_test.go and testdata/fuzz.
func FuzzSanitize(f *testing.F) {
	for _, v := range readVectors(f) {
		f.Add(v.html, false)
	}
	for _, in := range misnested {
		f.Add(in, true)
	}
	files, _ := filepath.Glob("testdata/mail/*.html")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), true)
	}
	f.Fuzz(func(t *testing.T, in string, remote bool) {
		opt := Options{AllowRemote: remote, PartURL: testOpts.PartURL, Self: testOpts.Self}
		res, n := passes(in, opt)
		out := string(res.HTML)
		if err := checkOutput(out, opt); err != nil {
			t.Fatalf("String(%q): %v", in, err)
		}
		if _, err := parseDocument(in); n == 0 && err == nil {
			t.Fatalf("String(%q) = %q: did not settle in %d passes", in, out, maxPasses)
		}
	})
}
