package passkey

import (
	"bytes"
	"os"
	"testing"
)

// FuzzParse: whatever Parse accepts is within the limits, and formatting
// it and parsing it again gives the same file.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"version":1,"credentials":[]}`))
	if b, err := os.ReadFile("testdata/passkeys"); err == nil {
		f.Add(b) // written by the library
	}
	f.Add([]byte(`{"version":1,"credentials":[{"name":"laptop","created":"2026-12-06T09:00:00Z","key":{"id":"AQID","publicKey":"pQECAyYgASFYIA==","flags":{"userVerified":true},"authenticator":{"signCount":3}}}]}`))
	f.Add([]byte(`{"version":1,"credentials":[{"name":"a","key":{"id":"AQ==","publicKey":"AQ=="}},{"name":"a","key":{"id":"AQ==","publicKey":"AQ=="}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := Parse(data)
		if err != nil {
			return
		}
		if len(cs) > MaxCredentials {
			t.Fatalf("%d credentials accepted", len(cs))
		}
		for _, c := range cs {
			if CheckName(c.Name) != nil || len(c.Key.ID) == 0 || len(c.Key.ID) > MaxIDBytes {
				t.Fatalf("credential outside the limits accepted: %+v", c)
			}
		}
		out, err := Format(cs)
		if err != nil {
			t.Fatal(err)
		}
		cs2, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Format(Parse(%q))) = %v", data, err)
		}
		out2, _ := Format(cs2)
		if !bytes.Equal(out, out2) {
			t.Fatalf("Format is not stable:\n%s\n%s", out, out2)
		}
	})
}
