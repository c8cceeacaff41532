package message

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// describeParts writes parts one per line: path, how shown, and the text.
func describeParts(b *bytes.Buffer, title string, parts []TextPart, html string) {
	fmt.Fprintf(b, "%s:\n", title)
	if len(parts) == 0 {
		b.WriteString("  (nothing)\n")
	}
	for _, tp := range parts {
		kind := "text"
		if tp.FromHTML {
			kind = html
		}
		text := strings.ReplaceAll(bodyText([]TextPart{tp}), "\n", " | ")
		fmt.Fprintf(b, "  %s %s: %q\n", tp.Part, kind, text)
	}
}

// describeView is what TestBody compares with the golden files: the body
// as text (View.Text), as a reader with HTML shows it (View.Body), and
// the attachments.
func describeView(v *View) []byte {
	var b bytes.Buffer
	describeParts(&b, "Text", v.Text, "html as text")
	describeParts(&b, "Body", v.Body, "html in a frame")
	fmt.Fprintf(&b, "HTMLParts: %v\n", v.HTMLParts)
	b.WriteString("Attachments:\n")
	for _, a := range v.Attachments {
		fmt.Fprintf(&b, "  %s %s %q inline=%v inhtml=%v\n", a.Part, a.ContentType, a.Filename, a.Inline, a.InHTML)
	}
	return b.Bytes()
}

// TestBody checks, on small messages in testdata/body, which text parts
// are shown and where (issue 13, items 10 and 11): every text part in
// its place, only multipart/alternative choosing, and choosing a part
// with something to see. go test -run TestBody -args -update rewrites the
// golden files.
func TestBody(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "body", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/body/*.eml: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		got := describeView(Parse(bytes.NewReader(data), Limits{}))
		golden := strings.TrimSuffix(name, ".eml") + ".golden"
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("Parse(%s):\n%s\nwant (%s):\n%s", name, got, golden, want)
		}
	}
}
