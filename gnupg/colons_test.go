package gnupg

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func readColons(t *testing.T, name string) []Key {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return ParseColons(f)
}

// TestParseColonsGPG reads a real gpg 2.2 listing (--with-colons
// --with-secret --list-keys): the user's own key with a revoked user
// id, an expired RSA key, a key whose user id holds an escaped colon.
func TestParseColonsGPG(t *testing.T) {
	keys := readColons(t, "gpg-list-keys.colons")
	if len(keys) != 3 {
		t.Fatalf("ParseColons = %d keys, want 3: %+v", len(keys), keys)
	}
	alice, bob, carol := keys[0], keys[1], keys[2]
	if alice.Fingerprint != "C23CA2DBDD46F0DAA82B8B999D132B86D65D1D73" || alice.KeyID != "9D132B86D65D1D73" ||
		!alice.Secret || alice.SMIME || alice.Validity != "u" || alice.Algorithm != "ed25519" ||
		alice.Capabilities != "scESC" || !alice.Created.Equal(time.Unix(1796546807, 0)) || !alice.Expires.Equal(time.Unix(1859618807, 0)) {
		t.Errorf("own key = %+v", alice)
	}
	if len(alice.UserIDs) != 2 || alice.UserIDs[1].Validity != "r" || alice.UserIDs[1].Text != "Alice Work <alice@work.example>" {
		t.Errorf("own key's user ids = %+v, want the second revoked", alice.UserIDs)
	}
	if got := alice.Addresses(); !slices.Equal(got, []string{"alice@example.org"}) {
		t.Errorf("Addresses() = %v, want the unrevoked one only", got)
	}
	if len(alice.Subkeys) != 1 || alice.Subkeys[0].Algorithm != "cv25519" || alice.Subkeys[0].Capabilities != "e" ||
		alice.Subkeys[0].Fingerprint != "E4B2CC52E8538A294DA10D7C04D224F81EF7D7B4" {
		t.Errorf("own key's subkeys = %+v", alice.Subkeys)
	}
	if bob.Secret || !bob.Expired() || bob.Algorithm != "rsa2048" || bob.Fingerprint != "DA3F185EADFBCC4503E94B1A7E6B58795AD48828" {
		t.Errorf("expired key = %+v", bob)
	}
	if carol.Secret || !carol.Expires.IsZero() || len(carol.UserIDs) != 1 || carol.UserIDs[0].Text != `Carol: the "colon" <carol@example.com>` {
		t.Errorf("third key = %+v, want a never expiring key with an unescaped colon in its user id", carol)
	}
}

// TestParseColonsSecret reads gpg --list-secret-keys: sec and ssb.
func TestParseColonsSecret(t *testing.T) {
	keys := readColons(t, "gpg-list-secret-keys.colons")
	if len(keys) != 1 || !keys[0].Secret || keys[0].Fingerprint != "C23CA2DBDD46F0DAA82B8B999D132B86D65D1D73" || len(keys[0].Subkeys) != 1 {
		t.Errorf("ParseColons(secret listing) = %+v, want the one secret key with its subkey", keys)
	}
}

// TestParseColonsGPGSM reads a real gpgsm listing: the CA certificate
// and the user's certificate with its secret key (field 15 "+"), the
// subject DN and the address as user ids; the key ring's name and rule
// above them are no records.
func TestParseColonsGPGSM(t *testing.T) {
	keys := readColons(t, "gpgsm-list-keys.colons")
	if len(keys) != 2 {
		t.Fatalf("ParseColons = %d certificates, want 2: %+v", len(keys), keys)
	}
	ca, user := keys[0], keys[1]
	if !ca.SMIME || ca.Secret || ca.Issuer != "CN=postern test CA" || ca.Fingerprint != "9702EDDBD02CEE547D1842C6D6E8EA7F2808A58C" ||
		!ca.Created.Equal(time.Date(2026, 12, 6, 8, 46, 57, 0, time.UTC)) {
		t.Errorf("CA = %+v", ca)
	}
	if !user.SMIME || !user.Secret || user.Fingerprint != "DF13F2963884CD232B5560A81D1BC7159CD2C3C5" || len(user.UserIDs) != 2 ||
		!strings.HasSuffix(user.UserIDs[0].Text, "CN=Dave Example") {
		t.Errorf("user certificate = %+v", user)
	}
	if got := user.Addresses(); !slices.Equal(got, []string{"dave@example.org"}) {
		t.Errorf("Addresses() = %v, want dave@example.org", got)
	}
}

// TestParseColonsOdd: records out of place and broken fields.
func TestParseColonsOdd(t *testing.T) {
	const fpr = "C23CA2DBDD46F0DAA82B8B999D132B86D65D1D73"
	tests := []struct {
		name, in string
		want     int // keys
	}{
		{"empty", "", 0},
		// A uid or fpr before any key belongs to none.
		{"orphans", "uid:u::::::::x <x@y>:\nfpr:::::::::" + fpr + ":\n", 0},
		// A key without an fpr record cannot be named: dropped.
		{"no fpr", "pub:u:255:22:9D132B86D65D1D73:1:::u:::scESC:\n", 0},
		// An fpr that is not hex is no fingerprint.
		{"bad fpr", "pub:u:255:22:9D132B86D65D1D73:1:::u:::scESC:\nfpr:::::::::nothex:\n", 0},
		// The fpr record must follow its key: one after a uid is ignored.
		{"late fpr", "pub:u:255:22:K:1:::u:::scESC:\nuid:u::::::::x:\nfpr:::::::::" + fpr + ":\n", 0},
		{"short record", "pub\nfpr:::::::::" + fpr + "\n", 1},
		{"CRLF and unknown records", "tru:o:1\r\ncfg:version:2.2\npub:u:255:22:K:abc:::u:\nfpr:::::::::" + fpr + ":\nrvk:x\n", 1},
	}
	for _, tt := range tests {
		if got := ParseColons(strings.NewReader(tt.in)); len(got) != tt.want {
			t.Errorf("%s: ParseColons(%q) = %d keys %+v, want %d", tt.name, tt.in, len(got), got, tt.want)
		}
	}
}

// TestParseImport reads the status lines of real imports: a new key by
// gpg, a certificate already there and a .p7c by gpgsm, a problem.
func TestParseImport(t *testing.T) {
	tests := []struct {
		name, in string
		want     Imported
	}{
		{"gpg new key", "[GNUPG:] KEY_CONSIDERED 37CD11B8AA116F608B1B56D567EB8CEB77635694 0\n[GNUPG:] IMPORTED 67EB8CEB77635694 Bob <bob@example.org>\n[GNUPG:] IMPORT_OK 1 37CD11B8AA116F608B1B56D567EB8CEB77635694\n[GNUPG:] IMPORT_RES 1 0 1 0 0 0 0 0 0 0 0 0 0 0 0\n",
			Imported{Keys: []ImportedKey{{Fingerprint: "37CD11B8AA116F608B1B56D567EB8CEB77635694", Flags: 1}}, Considered: 1, New: 1}},
		{"gpgsm unchanged", "[GNUPG:] IMPORT_OK 0 DF13F2963884CD232B5560A81D1BC7159CD2C3C5\n[GNUPG:] IMPORT_OK 0 9702EDDBD02CEE547D1842C6D6E8EA7F2808A58C\n[GNUPG:] IMPORT_RES 1 0 0 0 1 0 0 0 0 0 0 0 0 0\n",
			Imported{Keys: []ImportedKey{{Fingerprint: "DF13F2963884CD232B5560A81D1BC7159CD2C3C5"}, {Fingerprint: "9702EDDBD02CEE547D1842C6D6E8EA7F2808A58C"}}, Considered: 1, Unchanged: 1}},
		// A short IMPORT_RES (old gpgsm) and a problem.
		{"problem", "[GNUPG:] IMPORT_PROBLEM 2\n[GNUPG:] IMPORT_RES 1 0 0\n",
			Imported{Problems: []string{"issuer certificate missing"}, Considered: 1}},
		// A broken IMPORT_OK is no key.
		{"broken", "[GNUPG:] IMPORT_OK x 37CD11B8AA116F608B1B56D567EB8CEB77635694\n[GNUPG:] IMPORT_OK 1 short\n", Imported{}},
	}
	for _, tt := range tests {
		got := parseImport(ParseStatus(strings.NewReader(tt.in)))
		if !importedEqual(got, tt.want) {
			t.Errorf("%s: parseImport = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func importedEqual(a, b Imported) bool {
	return slices.EqualFunc(a.Keys, b.Keys, func(x, y ImportedKey) bool { return x.Fingerprint == y.Fingerprint && x.Flags == y.Flags }) &&
		slices.Equal(a.Problems, b.Problems) && a.Considered == b.Considered && a.New == b.New &&
		a.Unchanged == b.Unchanged && a.NotImported == b.NotImported
}

// TestUserIDOf: the user id of a new key.
func TestUserIDOf(t *testing.T) {
	tests := []struct{ name, addr, want string }{
		{"Alice Example", "alice@example.org", "Alice Example <alice@example.org>"},
		{"", "alice@example.org", "alice@example.org"},
		{"  Zoë  ", " zoe@example.org ", "Zoë <zoe@example.org>"},
		{"Alice", "not an address", ""},
		{"Alice", "Bob <bob@example.org>", ""},    // an address, not a user id
		{"Alice <evil@example.org>", "a@b.c", ""}, // a second address in the name
		{"Alice\nEvil", "a@b.c", ""},              // a control character
		{strings.Repeat("x", MaxUserIDBytes), "a@b.c", ""},
	}
	for _, tt := range tests {
		got, err := UserIDOf(tt.name, tt.addr)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("UserIDOf(%q, %q) = %q, %v, want %q", tt.name, tt.addr, got, err, tt.want)
		}
	}
}

// TestCertificatesOnly: S/MIME import data must be certificates.
func TestCertificatesOnly(t *testing.T) {
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"pem certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", true},
		{"pem private key", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n", false},
		{"pem encrypted key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n", false},
		{"pem other", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQ\n-----END PGP PUBLIC KEY BLOCK-----\n", false},
		{"garbage", "hello", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		if err := certificatesOnly([]byte(tt.in)); (err == nil) != tt.ok {
			t.Errorf("%s: certificatesOnly = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

// FuzzParseColons: any input gives keys within the limits, each named by
// a valid fingerprint, with valid UTF-8 user ids within maxFieldBytes.
func FuzzParseColons(f *testing.F) {
	for _, n := range []string{"gpg-list-keys.colons", "gpg-list-secret-keys.colons", "gpgsm-list-keys.colons"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("pub:u:::K:::::::::::::\nfpr:::::::::ABCDEF0123456789ABCD:\nuid:::::::::\\x3a\\xff\\x0:\n"))
	f.Add([]byte("pub:u:255:22:K:1:::u:::scESC:\nfpr:::::::::3CF2BC8F7F7BB88028581ABE073057F3AA4A5BEB:\nuid:u::::::::A <a@b>:\n"))
	f.Add([]byte("crs::1:1:K:::::::esES:\nfpr:::::::::A3E1640EB2BE4511BA532113EAAF9F09C7D7FCB8:\nuid:::::::::<x@y\\x3e>:\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		keys := ParseColons(strings.NewReader(string(b)))
		if len(keys) > MaxKeys {
			t.Fatalf("%d keys, over MaxKeys", len(keys))
		}
		for _, k := range keys {
			if !isHex(k.Fingerprint) || len(k.UserIDs) > MaxUserIDs || len(k.Subkeys) > MaxSubkeys {
				t.Fatalf("key %+v breaks a bound", k)
			}
			for _, u := range k.UserIDs {
				if len(u.Text) > maxFieldBytes+3 || !utf8Valid(u.Text) {
					t.Fatalf("user id %q: over the bound or not UTF-8", u.Text)
				}
			}
			if strings.ToUpper(k.Fingerprint) != k.Fingerprint {
				t.Fatalf("fingerprint %q not upper case", k.Fingerprint)
			}
			for _, a := range k.Addresses() {
				if strings.Count(a, "@") != 1 || strings.ContainsAny(a, " <>") || strings.ToLower(a) != a || !k.HasAddress(strings.ToUpper(a)) {
					t.Fatalf("address %q", a)
				}
			}
			if k.CanSign() && !k.Secret {
				t.Fatalf("a public key that signs: %+v", k)
			}
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

// TestIsSMIMEData: which program an import goes to.
func TestIsSMIMEData(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"-----BEGIN PGP PUBLIC KEY BLOCK-----\n", false},
		{"\n\nsome text\n-----BEGIN CERTIFICATE-----\n", true},
		{"-----BEGIN PKCS7-----\n", true},
		{"\x30\x82\x01\x00", true},  // DER
		{"\x99\x01\x0d\x04", false}, // an OpenPGP public key packet
		{"", false},
	}
	for _, tt := range tests {
		if got := IsSMIMEData([]byte(tt.in)); got != tt.want {
			t.Errorf("IsSMIMEData(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestCertificatesOnlyDER: a DER certificate is accepted by its shape,
// any DER private key refused, as is a certificate with bytes after it.
func TestCertificatesOnlyDER(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pt"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &ec.PublicKey, ec)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	sec1, err := x509.MarshalECPrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"certificate", cert, true},
		{"certificate and more", append(append([]byte{}, cert...), 0x30, 0x00), false},
		{"PKCS#8 key", pkcs8, false},
		{"SEC 1 key", sec1, false},
		{"PKCS#1 key", x509.MarshalPKCS1PrivateKey(rk), false},
		{"public key", x509.MarshalPKCS1PublicKey(&rk.PublicKey), false},
	}
	for _, tt := range tests {
		if err := certificatesOnly(tt.in); (err == nil) != tt.ok {
			t.Errorf("%s: certificatesOnly = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}
