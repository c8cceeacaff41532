package app

import (
	"net/url"
	"testing"
)

func TestContentDisposition(t *testing.T) {
	tests := []struct{ name, want string }{
		{"report.pdf", `attachment; filename="report.pdf"`},
		{"Bericht für Müller.pdf", `attachment; filename="Bericht f_r M_ller.pdf"; filename*=UTF-8''Bericht%20f%C3%BCr%20M%C3%BCller.pdf`},
		// Quotes and backslashes cannot break out of the quoted string.
		{`a"b\c.txt`, `attachment; filename="a_b_c.txt"; filename*=UTF-8''a%22b%5Cc.txt`},
		{"100%.txt", `attachment; filename="100_.txt"; filename*=UTF-8''100%25.txt`},
		{"日本.txt", `attachment; filename="__.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt`},
	}
	for _, tt := range tests {
		if got := contentDisposition("attachment", tt.name); got != tt.want {
			t.Errorf("contentDisposition(%q) = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestSafeFilename(t *testing.T) {
	tests := []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\x\evil.exe`, "evil.exe"},
		{"..", ""},
		{".hidden", "hidden"},
		{"a\x00b\r\nc.txt", "abc.txt"},
		{"rtl\u202egnp.exe", "rtlgnp.exe"}, // right-to-left override removed
		{"  spaced.txt  ", "spaced.txt"},
	}
	for _, tt := range tests {
		if got := safeFilename(tt.in); got != tt.want {
			t.Errorf("safeFilename(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDownloadType(t *testing.T) {
	tests := []struct{ in, want string }{
		{"application/pdf", "application/pdf"},
		{"TEXT/HTML; charset=utf-8", "application/octet-stream"},
		{"image/svg+xml", "application/octet-stream"},
		{"application/javascript", "application/octet-stream"},
		{"text/plain", "text/plain"},
		{"garbage", "application/octet-stream"},
		{"", "application/octet-stream"},
	}
	for _, tt := range tests {
		if got := downloadType(tt.in); got != tt.want {
			t.Errorf("downloadType(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestActionNotice(t *testing.T) {
	tests := []struct{ q, want string }{
		{"done=move&n=3&to=Archive", "3 messages moved to Archive."},
		{"done=delete&n=1&to=Trash", "1 message moved to Trash."},
		{"done=delete&n=2", "2 messages deleted for good."},
		// Arbitrary text in the URL never becomes the notice.
		{"done=Your+password+expired&n=1", ""},
		{"done=move&n=x&to=A", ""},
	}
	for _, tt := range tests {
		q, _ := url.ParseQuery(tt.q)
		if got := actionNotice(q); got != tt.want {
			t.Errorf("actionNotice(%s) = %q, want %q", tt.q, got, tt.want)
		}
	}
}
