package identity

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParse: Parse never fails but with a *CorruptError; what it accepts
// is clean, fits the limits, and reads back the same from Bytes.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"version":1,"identities":[{"address":"a@example.org","name":"Ann","reply_to":"b@example.org","signature":"Ann\n+1","placement":"above","default":true,"sign":"openpgp","encrypt":"smime"}]}`))
	f.Add([]byte(`{"version":1,"identities":[{"address":"a@b.example","reply_to":"\"x, y\" <x@bücher.example>,"}]}`))
	f.Add([]byte(`{"version":1,"identities":[{"address":"a@b.example","signature":"-- \nx"}]}`))
	f.Add([]byte(`{"version":1,"identities":null}`))
	f.Add([]byte(`{"version":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(bytes.NewReader(data))
		if err != nil {
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Parse error %v is not a CorruptError", err)
			}
			return
		}
		if len(s.Identities) > MaxIdentities {
			t.Fatalf("%d identities", len(s.Identities))
		}
		for _, id := range s.Identities {
			c := id
			if err := c.Clean(); err != nil || c != id {
				t.Fatalf("Parse gave %+v, which Clean makes %+v, %v", id, c, err)
			}
		}
		out, err := s.Bytes()
		if err != nil {
			t.Fatalf("Bytes: %v", err)
		}
		again, err := Parse(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("Parse(Bytes) = %v\n%s", err, out)
		}
		if len(again.Identities) != len(s.Identities) {
			t.Fatalf("round trip: %d identities, want %d", len(again.Identities), len(s.Identities))
		}
		for i := range s.Identities {
			if again.Identities[i] != s.Identities[i] {
				t.Fatalf("round trip: %+v, want %+v", again.Identities[i], s.Identities[i])
			}
		}
	})
}
