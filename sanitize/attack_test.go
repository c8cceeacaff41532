package sanitize

import (
	"os"
	"strings"
	"testing"
)

// vector is one entry of testdata/attacks.txt.
type vector struct {
	name, html string
}

// readVectors reads testdata/attacks.txt: "=== name" lines, each
// followed by the vector's HTML.
func readVectors(t testing.TB) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/attacks.txt")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	for _, part := range strings.Split("\n"+string(b), "\n=== ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		vs = append(vs, vector{name: name, html: strings.TrimSuffix(body, "\n")})
	}
	return vs
}

// optionSets are the option sets every vector is sanitized with.
var optionSets = map[string]Options{
	"default":      {},
	"parts":        testOpts,
	"remote+parts": {AllowRemote: true, PartURL: testOpts.PartURL},
}

func TestAttackVectors(t *testing.T) {
	vs := readVectors(t)
	if len(vs) < 80 {
		t.Fatalf("testdata/attacks.txt has %d vectors, want at least 80", len(vs))
	}
	for _, v := range vs {
		for oname, opt := range optionSets {
			out := string(String(v.html, opt).HTML)
			if err := checkOutput(out, opt); err != nil {
				t.Errorf("vector %q (%s): %v\n in: %q\nout: %q", v.name, oname, err, v.html, out)
			}
			if strings.Contains(strings.ToLower(out), "<script") {
				t.Errorf("vector %q (%s): output holds <script: %q", v.name, oname, out)
			}
		}
	}
	t.Logf("%d attack vectors, each under %d option sets", len(vs), len(optionSets))
}
