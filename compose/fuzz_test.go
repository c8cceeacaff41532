package compose

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func FuzzParseForm(f *testing.F) {
	f.Add("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--x--\r\n")
	f.Add("--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n0123456789abcdef\r\n--x--\r\n")
	f.Add("--x\r\nContent-Disposition: form-data; name=\"f\"; filename*=utf-8''%C3%A9\r\n\r\n\r\n--x\r\n\r\n--x--")
	lim := Limits{MaxParts: 4, MaxFields: 3, MaxFieldBytes: 8, MaxFormBytes: 16, MaxFiles: 2, MaxFileBytes: 16, MaxTotalBytes: 512}
	f.Fuzz(func(t *testing.T, body string) {
		dir := t.TempDir()
		form, err := ParseForm(strings.NewReader(body), "multipart/form-data; boundary=x", dir, lim)
		entries, _ := os.ReadDir(dir)
		if err != nil {
			if len(entries) != 0 {
				t.Fatalf("ParseForm failed (%v) and left %d files", err, len(entries))
			}
			return
		}
		if len(entries) != len(form.Files) || len(form.Files) > lim.MaxFiles {
			t.Fatalf("ParseForm: %d files on disk, %d in the form, limit %d", len(entries), len(form.Files), lim.MaxFiles)
		}
		fields, total := 0, 0
		for _, vs := range form.Values {
			for _, v := range vs {
				fields++
				total += len(v)
				if int64(len(v)) > lim.MaxFieldBytes {
					t.Fatalf("ParseForm: field of %d bytes, limit %d", len(v), lim.MaxFieldBytes)
				}
			}
		}
		if fields > lim.MaxFields || int64(total) > lim.MaxFormBytes || fields+len(form.Files) > lim.MaxParts {
			t.Fatalf("ParseForm: %d fields of %d bytes and %d files beyond the limits", fields, total, len(form.Files))
		}
		for _, file := range form.Files {
			fi, err := os.Stat(file.Path)
			if err != nil || fi.Size() != file.Size || file.Size > lim.MaxFileBytes || fi.Mode().Perm() != 0o600 {
				t.Fatalf("ParseForm: file %+v on disk %v, %v", file, fi, err)
			}
			if CheckHeaderValue(file.Name) != nil || file.Name == "" {
				t.Fatalf("ParseForm: file name %q is not a safe header value", file.Name)
			}
		}
	})
}

func FuzzParseAddressList(f *testing.F) {
	for _, s := range []string{"a@example.org", "Ann <a@bücher.example>, b@example.org", `"x, y" <z@example.org>`, "g: a@b.example;", "=?utf-8?q?=C3=A9?= <a@b.example>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		list, err := ParseAddressList(s)
		if err != nil {
			var he *HeaderError
			var ae *AddressError
			if !errors.As(err, &he) && !errors.As(err, &ae) && !strings.Contains(err.Error(), "too many") {
				t.Fatalf("ParseAddressList(%q) = untyped error %v", s, err)
			}
			return
		}
		// Every address is ASCII and reads back the same from the
		// header Build writes and from the form it is shown in.
		for _, a := range list {
			for i := 0; i < len(a.Address); i++ {
				if a.Address[i] >= 0x80 || a.Address[i] < 0x21 {
					t.Fatalf("ParseAddressList(%q): address %q is not printable ASCII", s, a.Address)
				}
			}
		}
		if len(list) == 0 {
			return
		}
		again, err := ParseAddressList(formatList(list))
		if err != nil || show(again) != show(list) {
			t.Fatalf("ParseAddressList(formatList(ParseAddressList(%q))) = %q, %v, want %q", s, show(again), err, show(list))
		}
	})
}
