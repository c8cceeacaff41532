package mailcrypto

import (
	"bytes"
	"testing"

	"postern/message"
)

// FuzzRecognise asserts that the recognisers never panic, that every
// part path they name is a valid one, that a signed part is a piece of
// the input taken as it is, that a part counted as whole is the outer
// message's own, and that the work stays within the limits.
func FuzzRecognise(f *testing.F) {
	for _, s := range []string{pgpSigned, crlf(pgpSigned), forwardedSigned, pgpEncrypted, smimeEnveloped,
		smimeOpaqueNoType, inlineSigned, inlineSignedWithFooter, inlineQuoted, inlineHTML, strippedSig, noProtocol} {
		f.Add([]byte(s))
	}
	lim := Limits{MaxPartBytes: 1 << 16, MaxParts: 50, MaxDepth: 8}
	f.Fuzz(func(t *testing.T, raw []byte) {
		items := RecogniseBytes(raw, lim)
		if len(items) > 2*lim.MaxParts {
			t.Fatalf("%d items for at most %d parts", len(items), lim.MaxParts)
		}
		for _, it := range items {
			for _, p := range append([]string{it.Covers, it.Embedded}, it.Parts...) {
				if p != "" && !message.ValidPartPath(p) {
					t.Fatalf("%s: invalid part path %q", it.Kind, p)
				}
			}
			if it.Part != "" && !message.ValidPartPath(it.Part) {
				t.Fatalf("%s: invalid part path %q", it.Kind, it.Part)
			}
			if it.Whole && it.Embedded != "" {
				t.Fatalf("%s at %s: whole inside an attached message %s", it.Kind, it.Part, it.Embedded)
			}
			if (it.Kind == PGPSigned || it.Kind == SMIMESigned) && it.Signed != nil && !bytes.Contains(raw, it.Signed) {
				t.Fatalf("%s: signed bytes are not a piece of the input", it.Kind)
			}
			for _, b := range [][]byte{it.Signed, it.Signature, it.Ciphertext} {
				if int64(len(b)) > lim.MaxPartBytes {
					t.Fatalf("%s: %d bytes kept, limit %d", it.Kind, len(b), lim.MaxPartBytes)
				}
			}
		}
	})
}
