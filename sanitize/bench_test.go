package sanitize

import (
	"os"
	"strings"
	"testing"

	"github.com/microcosm-cc/bluemonday"
)

// newsletter returns about size bytes of newsletter HTML: the body of
// testdata/mail/newsletter.html (tables, inline styles, images, links)
// repeated, inside its head with the <style> block.
func newsletter(b *testing.B, size int) string {
	b.Helper()
	src, err := os.ReadFile("testdata/mail/newsletter.html")
	if err != nil {
		b.Fatal(err)
	}
	s := string(src)
	i, j := strings.Index(s, "<body"), strings.LastIndex(s, "</body>")
	head, body := s[:i], s[i:j]
	body = body[strings.IndexByte(body, '>')+1:]
	var sb strings.Builder
	sb.WriteString(head + "<body>")
	for sb.Len() < size {
		sb.WriteString(body)
	}
	sb.WriteString("</body></html>")
	return sb.String()
}

func benchSanitize(b *testing.B, size int) {
	in := newsletter(b, size)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		String(in, Options{})
	}
}

func BenchmarkSanitize1MB(b *testing.B) { benchSanitize(b, 1<<20) }
func BenchmarkSanitize4MB(b *testing.B) { benchSanitize(b, 4<<20) }

// BenchmarkBluemondayUGC1MB is the comparison: bluemonday's UGCPolicy on
// the same 1 MB input.
func BenchmarkBluemondayUGC1MB(b *testing.B) {
	in := newsletter(b, 1<<20)
	p := bluemonday.UGCPolicy()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		p.Sanitize(in)
	}
}
