package config

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestManPageExamples: every example configuration in postern.conf(5)
// (a literal display of key = value lines) parses.
func TestManPageExamples(t *testing.T) {
	b, err := os.ReadFile("../man/postern.conf.5")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile(`(?s)\.Bd -literal[^\n]*\n(.*?)\.Ed\n`).FindAllStringSubmatch(string(b), -1)
	n := 0
	for _, m := range blocks {
		text := m[1]
		if strings.HasPrefix(text, "#") { // a shell session, not a file
			continue
		}
		n++
		if _, err := Parse(strings.NewReader(text)); err != nil {
			t.Errorf("Parse(example %d of postern.conf(5)) = %v, want no error; example:\n%s", n, err, text)
		}
	}
	if n < 2 {
		t.Errorf("postern.conf(5) has %d example configurations, want at least 2", n)
	}
}
