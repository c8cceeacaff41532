package autocrypt

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"postern/internal/testenv"
	"postern/message"
)

// key is a stand-in OpenPGP packet (a public key packet's first bytes).
var key = base64.StdEncoding.EncodeToString([]byte("\x98\x33\x04some key bytes"))

// TestParse: the one valid header, and the refusals of Level 1 section 2.3.
func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		from   string
		mutual bool
		err    error // nil: valid
	}{
		{"plain", []string{"addr=alice@example.org; keydata=" + key}, "alice@example.org", false, nil},
		{"mutual, folded keydata, case", []string{"addr=Alice@Example.org; prefer-encrypt=mutual; keydata=" + key[:8] + "\r\n " + key[8:]}, "ALICE@example.org", true, nil},
		{"non-critical attribute", []string{"addr=alice@example.org; _venue=x; keydata=" + key}, "alice@example.org", false, nil},
		{"other prefer-encrypt", []string{"addr=alice@example.org; prefer-encrypt=always; keydata=" + key}, "alice@example.org", false, nil},
		// A critical attribute postern does not know: invalid.
		{"critical attribute", []string{"addr=alice@example.org; type=2; keydata=" + key}, "alice@example.org", false, ErrNone},
		// The address must be the sender's: someone else's key is not offered.
		{"other address", []string{"addr=mallory@example.org; keydata=" + key}, "alice@example.org", false, ErrNone},
		{"no keydata", []string{"addr=alice@example.org"}, "alice@example.org", false, ErrNone},
		{"bad base64", []string{"addr=alice@example.org; keydata=!!!"}, "alice@example.org", false, ErrNone},
		{"not OpenPGP", []string{"addr=alice@example.org; keydata=" + base64.StdEncoding.EncodeToString([]byte("hello"))}, "alice@example.org", false, ErrNone},
		{"attribute twice", []string{"addr=alice@example.org; addr=alice@example.org; keydata=" + key}, "alice@example.org", false, ErrNone},
		{"too large", []string{"addr=alice@example.org; keydata=" + base64.StdEncoding.EncodeToString(append([]byte{0x99}, make([]byte, MaxKeyDataBytes)...))}, "alice@example.org", false, ErrNone},
		// Two valid headers: none counts.
		{"two valid", []string{"addr=alice@example.org; keydata=" + key, "addr=alice@example.org; keydata=" + key}, "alice@example.org", false, ErrSeveral},
		// A broken one beside a valid one: the valid one counts.
		{"one broken", []string{"addr=alice@example.org; keydata=!!!", "addr=alice@example.org; keydata=" + key}, "alice@example.org", false, nil},
		{"no from", []string{"addr=alice@example.org; keydata=" + key}, "", false, ErrNone},
	}
	for _, tt := range tests {
		h, err := Parse(tt.values, tt.from)
		if !errors.Is(err, tt.err) || err == nil && (h.PreferMutual != tt.mutual || len(h.KeyData) == 0 || h.Addr != strings.ToLower(tt.from)) {
			t.Errorf("%s: Parse = %+v, %v, want mutual %v, error %v", tt.name, h, err, tt.mutual, tt.err)
		}
	}
}

// TestParseThunderbird reads the Autocrypt header Thunderbird wrote, as
// package message gives it to the page.
func TestParseThunderbird(t *testing.T) {
	f, err := os.Open(filepath.Join(testenv.Corpus(t), "mime", "thunderbird-mail_test_browser_openpgp_data_eml_signed-by-0x3099ff1238852b9f-to-0xf231550c4f47e38e-unencrypted-with-key.eml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v := message.Parse(f, message.DefaultLimits)
	var values []string
	for _, h := range v.Headers {
		if strings.EqualFold(h.Name, "Autocrypt") {
			values = append(values, h.Value)
		}
	}
	h, err := Parse(values, v.From[0].Addr)
	if err != nil || h.Addr != "carol@example.com" || len(h.KeyData) < 500 || h.KeyData[0] != 0xc6 && h.KeyData[0]&0xfc != 0x98 {
		t.Errorf("Parse(Thunderbird's header) = %s %d bytes (%x...), %v, want Carol's key", h.Addr, len(h.KeyData), h.KeyData[:min(2, len(h.KeyData))], err)
	}
}

// FuzzParse: any header gives an error, or a key within the limit that
// begins with an OpenPGP packet tag, for the From address.
func FuzzParse(f *testing.F) {
	f.Add("addr=alice@example.org; prefer-encrypt=mutual; keydata="+key, "alice@example.org")
	f.Add("addr=a@b; _x=1; keydata=mQ", "a@b")
	f.Fuzz(func(t *testing.T, v, from string) {
		h, err := Parse([]string{v}, from)
		if err != nil {
			return
		}
		if len(h.KeyData) == 0 || len(h.KeyData) > MaxKeyDataBytes || h.KeyData[0]&0x80 == 0 || h.Addr != strings.ToLower(strings.TrimSpace(from)) {
			t.Fatalf("Parse(%q, %q) = %+v", v, from, h)
		}
	})
}
