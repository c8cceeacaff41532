package sanitize

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzSanitize asserts the sanitizer's properties on any input: the
// output re-parsed gives the same tree (no mutation XSS), sanitizing it
// again changes nothing, and re-parsing it finds no element, attribute
// or URL outside the allowlist, no on* attribute, no javascript: URL and
// no unscoped or active CSS. Seeded from testdata/attacks.txt and
// testdata/mail.
func FuzzSanitize(f *testing.F) {
	for _, v := range readVectors(f) {
		f.Add(v.html, false)
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
		opt := Options{AllowRemote: remote, PartURL: testOpts.PartURL}
		out := string(String(in, opt).HTML)
		if err := checkOutput(out, opt); err != nil {
			t.Fatalf("String(%q): %v", in, err)
		}
	})
}
