package compose

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"os"
	"runtime"
	"strings"
	"testing"
)

// part is one part of a test form; file "" means a plain field.
type part struct {
	name, file, value string
}

func multipartBody(t *testing.T, parts ...part) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		var pw io.Writer
		var err error
		if p.file != "" || p.name == "emptyfile" {
			pw, err = w.CreateFormFile(p.name, p.file)
		} else {
			pw, err = w.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(pw, p.value)
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

// dirEmpty fails when dir holds a file.
func dirEmpty(t *testing.T, dir string) {
	t.Helper()
	if e, _ := os.ReadDir(dir); len(e) != 0 {
		t.Errorf("%d files left in the upload dir, want none", len(e))
	}
}

func TestParseForm(t *testing.T) {
	dir := t.TempDir()
	body, ct := multipartBody(t,
		part{name: "to", value: "bob@example.org"},
		part{name: "body", value: "Grüße\r\n"},
		part{name: "att", file: `C:\Users\ann\Prüf bericht.pdf`, value: "%PDF-1.4 data"},
		part{name: "emptyfile"}, // a file input left empty
		part{name: "att", file: "b.txt", value: ""},
		part{name: "to", value: "second"},
	)
	f, err := ParseForm(body, ct, dir, Limits{})
	if err != nil {
		t.Fatalf("ParseForm = %v", err)
	}
	if got := f.Values["to"]; len(got) != 2 || got[0] != "bob@example.org" || f.Values.Get("body") != "Grüße\r\n" {
		t.Errorf("ParseForm values = %v", f.Values)
	}
	if len(f.Files) != 2 {
		t.Fatalf("ParseForm files = %+v, want 2", f.Files)
	}
	a := f.Files[0]
	if a.Field != "att" || a.Name != "Prüf bericht.pdf" || a.ContentType != "application/octet-stream" || a.Size != 13 {
		t.Errorf("ParseForm file = %+v", a)
	}
	data, err := os.ReadFile(a.Path)
	if err != nil || string(data) != "%PDF-1.4 data" {
		t.Errorf("uploaded file holds %q, %v", data, err)
	}
	fi, err := os.Stat(a.Path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("uploaded file mode = %v, %v, want 0600", fi.Mode(), err)
	}
	if f.Files[1].Name != "b.txt" || f.Files[1].Size != 0 {
		t.Errorf("an empty named file = %+v, want kept with size 0", f.Files[1])
	}
	f.Remove()
	dirEmpty(t, dir)
}

func TestParseFormLimits(t *testing.T) {
	lim := Limits{MaxParts: 5, MaxFields: 3, MaxFieldBytes: 10, MaxFormBytes: 25, MaxFiles: 2, MaxFileBytes: 100, MaxTotalBytes: 2000}
	big := strings.Repeat("x", 101)
	tests := []struct {
		name  string
		parts []part
		limit string // "" means accepted
	}{
		{"at the limits", []part{{name: "a", value: "0123456789"}, {name: "b", value: "0123456789"}, {name: "f", file: "f", value: big[:100]}, {name: "f", file: "g", value: big[:100]}}, ""},
		{"parts", []part{{name: "a"}, {name: "a"}, {name: "a"}, {name: "f", file: "1"}, {name: "f", file: "2"}, {name: "a"}}, "parts"},
		{"fields", []part{{name: "a"}, {name: "b"}, {name: "c"}, {name: "d"}}, "fields"},
		{"field", []part{{name: "a", value: "01234567890"}}, "field"},
		{"form", []part{{name: "a", value: "0123456789"}, {name: "b", value: "0123456789"}, {name: "c", value: "0123456789"}}, "form"},
		{"files", []part{{name: "f", file: "1"}, {name: "f", file: "2"}, {name: "f", file: "3"}}, "files"},
		{"file", []part{{name: "f", file: "1", value: big}}, "file"},
		{"total", []part{{name: "f", file: "1", value: big[:100]}, {name: "a", value: strings.Repeat("y", 2000)}}, "total"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		body, ct := multipartBody(t, tt.parts...)
		f, err := ParseForm(body, ct, dir, lim)
		if tt.limit == "" {
			if err != nil {
				t.Errorf("ParseForm(%s) = %v, want success", tt.name, err)
			} else {
				f.Remove()
			}
		} else if !isTooLarge(err, tt.limit) {
			t.Errorf("ParseForm(%s) = %v, want too large: %s", tt.name, err, tt.limit)
		}
		dirEmpty(t, dir)
	}
}

func TestParseFormURLEncoded(t *testing.T) {
	f, err := ParseForm(strings.NewReader("to=a%40example.org&subject=Gr%C3%BC%C3%9Fe"), "application/x-www-form-urlencoded", t.TempDir(), Limits{})
	if err != nil || f.Values.Get("to") != "a@example.org" || f.Values.Get("subject") != "Grüße" {
		t.Errorf("ParseForm(urlencoded) = %+v, %v", f, err)
	}
	lim := Limits{MaxFields: 2, MaxFieldBytes: 4, MaxFormBytes: 20}
	for in, limit := range map[string]string{"a=1&b=2&c=3": "fields", "a=12345": "field", "a=" + strings.Repeat("1", 30): "form"} {
		if _, err := ParseForm(strings.NewReader(in), "application/x-www-form-urlencoded", t.TempDir(), lim); !isTooLarge(err, limit) {
			t.Errorf("ParseForm(%q) = %v, want too large: %s", in, err, limit)
		}
	}
	for _, ct := range []string{"text/plain", "multipart/form-data", "", "multipart/mixed; boundary=x"} {
		if _, err := ParseForm(strings.NewReader(""), ct, t.TempDir(), Limits{}); err == nil {
			t.Errorf("ParseForm(Content-Type %q) = nil error, want refusal", ct)
		}
	}
}

// zeros reads n zero bytes without holding them.
type zeros struct{ n int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > z.n {
		p = p[:z.n]
	}
	clear(p)
	z.n -= int64(len(p))
	return len(p), nil
}

// TestParseFormMemory uploads 50 MB and checks that they went to disk,
// not to the heap.
func TestParseFormMemory(t *testing.T) {
	const size = 50 << 20
	dir := t.TempDir()
	const boundary = "b0undary"
	body := io.MultiReader(
		strings.NewReader("--"+boundary+"\r\nContent-Disposition: form-data; name=\"att\"; filename=\"big.bin\"\r\n\r\n"),
		&zeros{n: size},
		strings.NewReader("\r\n--"+boundary+"--\r\n"),
	)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err := ParseForm(body, "multipart/form-data; boundary="+boundary, dir, Limits{MaxFileBytes: 60 << 20, MaxTotalBytes: 60 << 20})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatalf("ParseForm(50 MB) = %v", err)
	}
	defer f.Remove()
	if len(f.Files) != 1 || f.Files[0].Size != size {
		t.Fatalf("ParseForm(50 MB) files = %+v", f.Files)
	}
	if fi, err := os.Stat(f.Files[0].Path); err != nil || fi.Size() != size {
		t.Errorf("uploaded file: %v, %v, want %d bytes", fi, err, size)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 4<<20 {
		t.Errorf("ParseForm(50 MB) allocated %d bytes, want under 4 MiB", grown)
	}
}

func TestCleanFilename(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a.txt", "a.txt"},
		{"/etc/passwd", "passwd"},
		{`C:\dir\b.doc`, "b.doc"},
		{"..", "attachment"},
		{"", "attachment"},
		{"a\r\nb\x00.txt", "ab.txt"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{strings.Repeat("é", 200), strings.Repeat("é", 127)},
	}
	for _, tt := range tests {
		if got := cleanFilename(tt.in); got != tt.want {
			t.Errorf("cleanFilename(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func ExampleParseForm() {
	body := "--x\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nhello\r\n--x--\r\n"
	f, err := ParseForm(strings.NewReader(body), "multipart/form-data; boundary=x", os.TempDir(), DefaultLimits)
	if err != nil {
		var tl *TooLargeError
		if errors.As(err, &tl) {
			fmt.Println("too large:", tl.Limit)
		}
		return
	}
	fmt.Println(f.Values.Get("subject"))
	// Output: hello
}
