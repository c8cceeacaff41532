package maildir

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidFolderName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"Lists", true},
		{"Lists.golang", true},
		{"Entwürfe", true},
		{"日本語.メール", true},
		{"a&b", true},           // '&' is escaped as "&-" on disk
		{"Sent Items", true},    // spaces are printable ASCII
		{"INBOXES", true},       // only the whole component is reserved
		{"Archive.INBOX", true}, // reserved only at the top
		{"", false},
		{".", false},
		{"..", false},
		{"../x", false},
		{"a/b", false},
		{"/etc", false},
		{".hidden", false}, // leading dot: empty first component
		{"trailing.", false},
		{"a..b", false},
		{"INBOX", false},
		{"inbox", false},     // case-insensitive
		{"Inbox.sub", false}, // INBOX as first component
		{"a\x00b", false},    // NUL
		{"a\nb", false},      // C0
		{"a\x7fb", false},    // DEL
		{"a\u0085b", false},  // C1 (NEL)
		{"a\xffb", false},    // not UTF-8
		{strings.Repeat("a", 254), true},
		{strings.Repeat("a", 255), false}, // 256 bytes with the leading dot on disk
		{strings.Repeat("ü", 100), false}, // 200 bytes, but longer once encoded
	}
	for _, tt := range tests {
		err := ValidFolderName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("ValidFolderName(%q) = %v, want ok %v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ValidFolderName(%q) = %v, want ErrInvalid", tt.name, err)
		}
	}
}

func TestValidKey(t *testing.T) {
	tests := []struct {
		key string
		ok  bool
	}{
		{"1700000000.M1P2.host", true},
		{"1700000000.M1P2.host,S=1234,W=1260", true}, // Dovecot size fields
		{"", false},
		{".", false},
		{"..", false},
		{".hidden", false},
		{"a/b", false},
		{"../../etc/passwd", false},
		{"key:2,S", false}, // info belongs to the file name, not the key
		{"a\x00b", false},
		{"a\tb", false},
		{"a\u009bb", false}, // C1 CSI
		{"a\xc3", false},    // truncated UTF-8
		{strings.Repeat("k", 255), true},
		{strings.Repeat("k", 256), false},
	}
	for _, tt := range tests {
		if err := ValidKey(tt.key); (err == nil) != tt.ok {
			t.Errorf("ValidKey(%q) = %v, want ok %v", tt.key, err, tt.ok)
		}
	}
}

func TestFolderEncoding(t *testing.T) {
	tests := []struct {
		name, dir string
	}{
		{"Lists", ".Lists"},
		{"Lists.golang", ".Lists.golang"},
		{"Entwürfe", ".Entw&APw-rfe"},
		{"&", ".&-"},
		{"a&b.c&", ".a&-b.c&-"},
		{"日本語", ".&ZeVnLIqe-"},
		{"Boîte de réception", ".Bo&AO4-te de r&AOk-ception"},
		{"😊", ".&2D3eCg-"}, // surrogate pair
		{"x~y", ".x~y"},
	}
	for _, tt := range tests {
		if got := encodeFolder(tt.name); got != tt.dir {
			t.Errorf("encodeFolder(%q) = %q, want %q", tt.name, got, tt.dir)
		}
		if got, ok := decodeFolder(tt.dir); !ok || got != tt.name {
			t.Errorf("decodeFolder(%q) = %q, %v, want %q, true", tt.dir, got, ok, tt.name)
		}
	}
}

func TestDecodeFolderRejects(t *testing.T) {
	for _, dir := range []string{
		".",
		"..",
		"...",
		".a..b",        // empty component
		".a.",          // trailing dot
		".&",           // unterminated shift
		".&Jjo",        // unterminated shift
		".&AGE-",       // ASCII "a" in base64
		".&APw-&APw-",  // null shift
		".&2AA-",       // lone surrogate
		".&AAA-",       // NUL
		".&AAo-",       // newline
		".&AC8-",       // '/' encoded
		".&APx-",       // non-zero padding bits: not canonical
		".a/b",         // raw slash
		".INBOX",       // reserved
		".inbox.sub",   // reserved
		".\x01",        // raw control
		"Lists",        // no leading dot
		".Entw\xc3rfe", // raw 8-bit
	} {
		if name, ok := decodeFolder(dir); ok {
			t.Errorf("decodeFolder(%q) = %q, true, want rejection", dir, name)
		}
	}
}

func TestFolderDirStaysInRoot(t *testing.T) {
	s := &Store{Root: "/m"}
	for _, name := range []string{"../x", "a/b", ".", "..", "a\x00", "INBOX/../..", "&-/..", strings.Repeat("x", 300)} {
		if dir, err := s.folderDir(name); err == nil {
			t.Errorf("folderDir(%q) = %q, want error", name, dir)
		}
	}
	if dir, err := s.folderDir(Inbox); err != nil || dir != "/m" {
		t.Errorf("folderDir(INBOX) = %q, %v, want /m", dir, err)
	}
}

// FuzzFolderName checks that every accepted name maps to a direct child of
// the root, that the child is hidden (starts with '.') and decodes back.
func FuzzFolderName(f *testing.F) {
	for _, s := range []string{"Lists.golang", "Entwürfe", "&", "../x", "a/b", ".", "..", "a\x00", "日本語", "&-", "a.b.c"} {
		f.Add(s)
	}
	root := filepath.FromSlash("/maildir/root")
	s := &Store{Root: root}
	f.Fuzz(func(t *testing.T, name string) {
		if ValidFolderName(name) != nil {
			return
		}
		dir, err := s.folderDir(name)
		if err != nil {
			t.Fatalf("folderDir(%q) = %v after ValidFolderName accepted it", name, err)
		}
		base := filepath.Base(dir)
		if filepath.Dir(dir) != root || base == "." || base == ".." || base[0] != '.' || len(base) > MaxNameBytes {
			t.Fatalf("folderDir(%q) = %q, want a hidden direct child of %q", name, dir, root)
		}
		if back, ok := decodeFolder(base); !ok || back != name {
			t.Fatalf("decodeFolder(%q) = %q, %v, want %q", base, back, ok, name)
		}
	})
}

// FuzzUTF7 checks the round trip both ways: any valid name encodes to
// something that decodes back, and any directory name that decodes
// re-encodes to itself (so two directories never share a display name).
func FuzzUTF7(f *testing.F) {
	for _, s := range []string{"Entwürfe", ".Entw&APw-rfe", "&", ".&-", "日本語", ".&ZeVnLIqe-", ".&AGE-", "😊"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if name, ok := decodeFolder(s); ok {
			if !utf8.ValidString(name) {
				t.Fatalf("decodeFolder(%q) = %q, not UTF-8", s, name)
			}
			if got := encodeFolder(name); got != s {
				t.Fatalf("encodeFolder(decodeFolder(%q)) = %q, want %q", s, got, s)
			}
		}
		if checkName(s) == nil && !strings.EqualFold(strings.Split(s, ".")[0], Inbox) {
			dir := encodeFolder(s)
			if got, ok := decodeFolder(dir); !ok || got != s {
				t.Fatalf("decodeFolder(encodeFolder(%q)) = %q, %v, want %q", s, got, ok, s)
			}
		}
	})
}

func TestFolderPath(t *testing.T) {
	tests := []struct{ name, want string }{
		{"INBOX", "/m"},
		{"Lists.Debian", "/m/.Lists.Debian"},
		{"Entwürfe", "/m/.Entw&APw-rfe"},
		{"a/b", ""},   // refused
		{"..", ""},    // empty components
		{"inbox", ""}, // reserved in any case but INBOX itself
	}
	for _, tt := range tests {
		got, err := FolderPath("/m", tt.name)
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("FolderPath(/m, %q) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}
