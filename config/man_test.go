package config

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"slices"
	"testing"
)

// TestManPageKeys fails when a key exists in the code but not in
// postern.conf(5) or the shipped example file, or the other way round.
func TestManPageKeys(t *testing.T) {
	want := Keys()
	slices.Sort(want)
	for file, re := range map[string]*regexp.Regexp{
		"../man/postern.conf.5": regexp.MustCompile(`(?m)^\.It Cm ([a-z_]+) Pq`),
		"../dist/postern.conf":  regexp.MustCompile(`(?m)^#?([a-z_]+) =`),
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			got = append(got, m[1])
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("keys in %s = %v,\nkeys in the code = %v", file, got, want)
		}
	}
}

// TestExampleFileParses: the shipped file, uncommented, gives the
// defaults but for web_user.
func TestExampleFileParses(t *testing.T) {
	b, err := os.ReadFile("../dist/postern.conf")
	if err != nil {
		t.Fatal(err)
	}
	uncommented := regexp.MustCompile(`(?m)^#([a-z_]+ =)`).ReplaceAll(b, []byte("$1"))
	c, err := Parse(bytesReader(uncommented))
	if err != nil {
		t.Fatalf("Parse(uncommented dist/postern.conf) = %v", err)
	}
	want := Default()
	want.WebUser = "www-data" // the one key the shipped file sets
	if Format(c) != Format(want) {
		t.Errorf("dist/postern.conf values differ from the defaults:\n%s\nwant\n%s", Format(c), Format(want))
	}
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
