package mailcrypto

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"postern/internal/testenv"
	"postern/message"
)

// corpusCrypto returns the corpus's signed or encrypted messages with
// their is_signed_or_encrypted labels.
func corpusCrypto(t *testing.T) (dir string, labels map[string]string) {
	t.Helper()
	c := testenv.Corpus(t)
	f, err := os.Open(filepath.Join(c, "mime-INDEX.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	labels = map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	col := -1
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if col < 0 {
			for i, n := range fields {
				if n == "is_signed_or_encrypted" {
					col = i
				}
			}
			if col < 0 {
				t.Fatal("mime-INDEX.tsv: no is_signed_or_encrypted column")
			}
			continue
		}
		if len(fields) > col && fields[col] != "no" {
			labels[fields[0]] = fields[col]
		}
	}
	return filepath.Join(c, "mime"), labels
}

// cryptoMaterial reports whether an attachment of this type is signature,
// key or ciphertext machinery that must never be offered as an anonymous
// attachment.
func cryptoMaterial(a message.Attachment) bool {
	switch a.ContentType {
	case "application/pgp-signature", "application/x-pgp-signature", "application/pgp-encrypted",
		"application/pkcs7-signature", "application/x-pkcs7-signature",
		"application/pkcs7-mime", "application/x-pkcs7-mime", "application/pgp-keys":
		return true
	}
	n := strings.ToLower(a.Filename)
	return strings.HasSuffix(n, ".p7m") || strings.HasSuffix(n, ".p7s") ||
		strings.HasSuffix(n, ".pgp") || strings.HasSuffix(n, ".gpg") || n == "encrypted.asc" || n == "signature.asc"
}

// TestCorpusRecognised runs the recognisers over every signed or
// encrypted message of the corpus: each gets an item of the kind its
// label says, and no signature, key or ciphertext part of it is left
// as an attachment that no item claims.
func TestCorpusRecognised(t *testing.T) {
	dir, labels := corpusCrypto(t)
	if len(labels) < 100 {
		t.Fatalf("corpus: %d signed or encrypted messages, want over 100", len(labels))
	}
	want := map[string][]Kind{
		"pgp-mime-signed":      {PGPSigned},
		"pgp-mime-encrypted":   {PGPEncrypted},
		"pgp-inline-signed":    {PGPInlineSigned},
		"pgp-inline-encrypted": {PGPInlineEncrypted, PGPEncryptedFile},
		"smime-signed":         {SMIMESigned},
		"smime-opaque-signed":  {SMIMEOpaqueSigned},
		"smime-encrypted":      {SMIMEEnveloped},
	}
	// Labels that guessed wrong: these application/x-pkcs7-mime parts
	// have no smime-type and hold SignedData (openssl asn1parse:
	// pkcs7-signedData), not EnvelopedData.
	relabel := map[string]string{
		"mimekit-mbox_content-length.mbox.txt_msg6.eml":  "smime-opaque-signed",
		"mimekit-mbox_content-length.mbox.txt_msg8.eml":  "smime-opaque-signed",
		"mimekit-mbox_content-length.mbox.txt_msg14.eml": "smime-opaque-signed",
	}
	for name, label := range labels {
		if l, ok := relabel[name]; ok {
			label = l
		}
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		items := RecogniseBytes(raw, Limits{})
		kinds := map[Kind]bool{}
		claimed := map[string]bool{}
		for _, it := range items {
			kinds[it.Kind] = true
			// Part paths are package message's: each names a part there.
			for _, p := range append([]string{it.Covers}, it.Parts...) {
				if p == "" {
					continue
				}
				if _, _, err := message.OpenPart(bytes.NewReader(raw), p, message.Limits{}); err != nil {
					t.Errorf("%s: item %s part %s: %v", name, it.Kind, p, err)
				}
			}
			for _, p := range it.Parts {
				claimed[p] = true
			}
			if it.Covers != "" && it.Kind != PGPSigned && it.Kind != SMIMESigned && it.Kind != UnknownSigned {
				claimed[it.Covers] = true
			}
		}
		for _, l := range strings.Split(label, ",") {
			ks, ok := want[l]
			if !ok {
				continue // signed(PROTOCOL): an odd protocol, checked below by its parts
			}
			found := false
			for _, k := range ks {
				found = found || kinds[k]
			}
			// An S/MIME signature inside an encrypted part is out of
			// sight until decryption.
			if !found && !(l == "smime-signed" && (kinds[SMIMEEnveloped] || kinds[PGPEncrypted])) &&
				!(l == "pgp-mime-signed" && (kinds[SMIMEEnveloped] || kinds[PGPEncrypted])) {
				t.Errorf("%s (%s): items %v, want one of %v", name, label, kindsOf(items), ks)
			}
		}
		v := message.Parse(strings.NewReader(string(raw)), message.Limits{})
		for _, a := range v.Attachments {
			if cryptoMaterial(a) && !claimed[a.Part] {
				t.Errorf("%s: attachment %s (%s %q) claimed by no item %v", name, a.Part, a.ContentType, a.Filename, kindsOf(items))
			}
		}
	}
}

func kindsOf(items []Item) []string {
	var s []string
	for _, it := range items {
		s = append(s, it.Kind.String()+"@"+it.Part)
	}
	return s
}
