package autocrypt

import (
	"bytes"
	"strings"
	"testing"

	"postern/message"
)

// readBack parses field as the header of a message (package message
// unfolds it) and returns what Parse reads for from.
func readBack(t *testing.T, field, from string) (Header, error) {
	t.Helper()
	v := message.Parse(strings.NewReader(field+"From: "+from+"\nSubject: s\n\nbody\n"), message.DefaultLimits)
	var values []string
	for _, h := range v.Headers {
		if strings.EqualFold(h.Name, "Autocrypt") {
			values = append(values, h.Value)
		}
	}
	return Parse(values, from)
}

// checkLines fails unless every line of field is at most 78 characters
// and ends with "\n", the continuation lines beginning with a space.
func checkLines(t *testing.T, field string) {
	t.Helper()
	if !strings.HasSuffix(field, "\n") {
		t.Fatalf("Field = %q: no line end", field)
	}
	for i, l := range strings.Split(strings.TrimSuffix(field, "\n"), "\n") {
		if len(l) > maxLine || i > 0 && !strings.HasPrefix(l, " ") || strings.ContainsAny(l, "\r\x00") {
			t.Fatalf("Field line %d = %q (%d chars): want at most %d, folded with a space", i, l, len(l), maxLine)
		}
	}
}

// TestField: the field of an outgoing message reads back with Parse
// (through package message's unfolding), folded within 78 characters;
// addresses that would break the field are refused.
func TestField(t *testing.T) {
	big := append([]byte{0x99}, bytes.Repeat([]byte("k"), 3000)...)
	for _, tt := range []struct {
		addr   string
		key    []byte
		mutual bool
		ok     bool
	}{
		{"alice@example.org", big, false, true},
		{"Alice@Example.org", []byte{0xc6, 1, 2}, true, true},
		{"alice@example.org; addr=eve@example.org", big, false, false},
		{"alice @example.org", big, false, false},
		{"alice@example.org\nBcc: eve@example.org", big, false, false},
		{"alice", big, false, false},
		{"a@b@c", big, false, false},
		{"caf\xc3\xa9@example.org", big, false, false},
		{"alice@example.org", nil, false, false},
		{"alice@example.org", []byte("not a packet"), false, false},
		{"alice@example.org", append([]byte{0x99}, make([]byte, MaxKeyDataBytes)...), false, false},
		{strings.Repeat("a", 80) + "@example.org", big, false, false},
	} {
		f, err := Field(tt.addr, tt.key, tt.mutual)
		if (err == nil) != tt.ok {
			t.Errorf("Field(%q, %d bytes) = %v, want ok %v", tt.addr, len(tt.key), err, tt.ok)
			continue
		}
		if !tt.ok {
			continue
		}
		checkLines(t, f)
		h, err := readBack(t, f, tt.addr)
		if err != nil || h.Addr != strings.ToLower(tt.addr) || !bytes.Equal(h.KeyData, tt.key) || h.PreferMutual != tt.mutual {
			t.Errorf("Parse(Field(%q)) = %s mutual %v %d bytes, %v; want the address and key back", tt.addr, h.Addr, h.PreferMutual, len(h.KeyData), err)
		}
	}
}

// FuzzField: any address and key give an error, or one field whose
// lines are within 78 characters and which reads back as given.
func FuzzField(f *testing.F) {
	f.Add("alice@example.org", []byte{0x99, 1, 2, 3}, true)
	f.Add("a@b", bytes.Repeat([]byte{0xc6}, 200), false)
	f.Fuzz(func(t *testing.T, addr string, key []byte, mutual bool) {
		field, err := Field(addr, key, mutual)
		if err != nil {
			return
		}
		checkLines(t, field)
		h, err := readBack(t, field, addr)
		if err != nil || h.Addr != strings.ToLower(addr) || !bytes.Equal(h.KeyData, key) || h.PreferMutual != mutual {
			t.Fatalf("Field(%q, %x) = %q does not read back: %+v, %v", addr, key, field, h, err)
		}
	})
}
