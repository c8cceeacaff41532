package shadow

import (
	"errors"
	"strings"
	"testing"
)

const hash6 = "$6$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0"

func TestParseEntry(t *testing.T) {
	tests := []struct {
		line string
		want *Entry // nil: error
	}{
		{"alice:" + hash6 + ":19000:0:99999:7:::", &Entry{"alice", hash6, 19000, 0, 99999, 7, -1, -1}},
		// All numeric fields empty.
		{"bob:x:::::::", &Entry{"bob", "x", -1, -1, -1, -1, -1, -1}},
		// Locked and empty hashes parse; Usable refuses them.
		{"carol:!" + hash6 + ":19000::::::", &Entry{"carol", "!" + hash6, 19000, -1, -1, -1, -1, -1}},
		{"dave::19000::::::", &Entry{"dave", "", 19000, -1, -1, -1, -1, -1}},
		{"erin:x:1:2:3:4:5:6:", &Entry{"erin", "x", 1, 2, 3, 4, 5, 6}},
		{"short:x:1:2", nil},            // too few fields
		{"long:x:1:2:3:4:5:6:7:8", nil}, // too many fields
		{":x:1:2:3:4:5:6:", nil},        // no name
		{"neg:x:-1::::::", nil},         // negative day count
		{"plus:x:+1::::::", nil},        // signed day count
		{"word:x:today::::::", nil},
		{"big:x:99999999999999999999::::::", nil}, // overflows int
		{"", nil},
	}
	for _, tt := range tests {
		got, err := ParseEntry(tt.line)
		switch {
		case tt.want == nil && err == nil:
			t.Errorf("ParseEntry(%q) = %+v, want an error", tt.line, got)
		case tt.want != nil && err != nil:
			t.Errorf("ParseEntry(%q) = %v, want %+v", tt.line, err, tt.want)
		case tt.want != nil && *got != *tt.want:
			t.Errorf("ParseEntry(%q) = %+v, want %+v", tt.line, got, tt.want)
		}
	}
}

func TestFindEntry(t *testing.T) {
	file := strings.Join([]string{
		"# a comment:x:1:2:3:4:5:6:",
		"",
		"root:*:19000:0:99999:7:::",
		"+nis::::::::",
		"alicex:wrong:1::::::",
		"alice:" + hash6 + ":19000:0:99999:7:::",
		"alice:second:1::::::",
		"crlf:y:2::::::\r",
		"broken:x:1",
		"toolong:" + strings.Repeat("a", MaxLineBytes) + ":1::::::",
		"after:z:3::::::",
		"noeol:w:4::::::",
	}, "\n")
	tests := []struct {
		user     string
		wantHash string // "": error
		wantNone bool   // the error is errNotFound
	}{
		{"alice", hash6, false}, // first match wins; "alicex" is not "alice"
		{"root", "*", false},
		{"crlf", "y", false},      // CRLF line ending
		{"after", "z", false},     // found after an over-long line
		{"noeol", "w", false},     // last line without newline
		{"broken", "", false},     // malformed entry is an error, not skipped
		{"toolong", "", true},     // over-long line never matches
		{"nobody", "", true},      // absent
		{"# a comment", "", true}, // comments never match
		{"+nis", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		e, err := FindEntry(strings.NewReader(file), tt.user)
		switch {
		case tt.wantHash == "" && err == nil:
			t.Errorf("FindEntry(%q) = %+v, want an error", tt.user, e)
		case tt.wantHash == "" && errors.Is(err, errNotFound) != tt.wantNone:
			t.Errorf("FindEntry(%q) = %v, want not-found %v", tt.user, err, tt.wantNone)
		case tt.wantHash != "" && err != nil:
			t.Errorf("FindEntry(%q) = %v, want hash %q", tt.user, err, tt.wantHash)
		case tt.wantHash != "" && e.Hash != tt.wantHash:
			t.Errorf("FindEntry(%q).Hash = %q, want %q", tt.user, e.Hash, tt.wantHash)
		}
	}
}

func FuzzFindEntry(f *testing.F) {
	f.Add("alice:"+hash6+":19000:0:99999:7:::\n", "alice")
	f.Add("a:b:1:2:3:4:5:6:\r\n#x\n", "a")
	f.Fuzz(func(t *testing.T, file, user string) {
		// Property: a found entry has the name asked for and came from one
		// line of the file.
		e, err := FindEntry(strings.NewReader(file), user)
		if err != nil {
			return
		}
		if e.Name != user {
			t.Errorf("FindEntry(%q, %q).Name = %q, want %q", file, user, e.Name, user)
		}
		if strings.ContainsAny(e.Hash, ":\n") {
			t.Errorf("FindEntry(%q, %q).Hash = %q, want no ':' or newline", file, user, e.Hash)
		}
	})
}
