package gnupg

import (
	"strings"
	"testing"
)

// TestKeyUse reads gpg's and gpgsm's colon listings for what seal
// needs: which keys encrypt, sign, and for which addresses.
func TestKeyUse(t *testing.T) {
	const gpgPub = `tru:o:1:1796546739:1:3:1:5
pub:u:255:22:073057F3AA4A5BEB:1796546739:::u:::scESC:::::ed25519:::0:
fpr:::::::::3CF2BC8F7F7BB88028581ABE073057F3AA4A5BEB:
uid:u::::1796546739::76BD::Alice \x3a A <Alice@Example.org>::::::::::0:
uid:r::::1796546739::76BE::Old <old@example.org>::::::::::0:
uid:u::::1796546739::76BF::alice@example.org::::::::::0:
sub:u:255:18:D0148D76E1E5186A:1796546739::::::e:::::cv25519::
fpr:::::::::E7B872FEF19C6EED698A2ACDD0148D76E1E5186A:
uid:u::::::::sub@example.org:
pub:e:255:22:1111111111111111:1:2::u:::sc:::::ed25519:::0:
fpr:::::::::1111111111111111111111111111111111111111:
uid:e::::::::Exp <exp@example.org>:
pub:u:255:22:2222222222222222:1:::u:::scESCD:::::ed25519:::0:
fpr:::::::::2222222222222222222222222222222222222222:
pub:u:255:22:3333333333333333:1:::u:::scESC:::::ed25519:::0:
uid:u::::::::No fingerprint <nofpr@example.org>:
sec:u:255:22:073057F3AA4A5BEB:1796546739:::u:::scESC:::+::ed25519:::0:
fpr:::::::::3CF2BC8F7F7BB88028581ABE073057F3AA4A5BEB:
crs::2048:1:EAAF9F09C7D7FCB8:20261206T084630:20270105T084630:5D24::15::esES::::
fpr:::::::::A3E1640EB2BE4511BA532113EAAF9F09C7D7FCB8:::1.2.840.113549.1.1.11:
uid:::::::::CN=Alice,EMail=alice@example.org:
uid:::::::::<alice@example.org>:
`
	keys := ParseColons(strings.NewReader(gpgPub))
	type row struct {
		fpr            string
		enc, sign, sec bool
		addrs          string
	}
	want := []row{
		// uid \x3a unescaped, case folded; the revoked uid left out; the
		// subkey's records not the key's.
		{"3CF2BC8F7F7BB88028581ABE073057F3AA4A5BEB", true, false, false, "alice@example.org"},
		{"1111111111111111111111111111111111111111", false, false, false, ""}, // expired
		{"2222222222222222222222222222222222222222", false, false, false, ""}, // disabled (D)
		// 3333: no fingerprint, dropped
		{"3CF2BC8F7F7BB88028581ABE073057F3AA4A5BEB", true, true, true, ""},
		{"A3E1640EB2BE4511BA532113EAAF9F09C7D7FCB8", true, true, true, "alice@example.org"}, // gpgsm: the DN is no address
	}
	if len(keys) != len(want) {
		t.Fatalf("ParseColons = %d keys (%+v), want %d", len(keys), keys, len(want))
	}
	for i, w := range want {
		k := keys[i]
		got := row{k.Fingerprint, k.CanEncrypt(), k.CanSign(), k.Secret, strings.Join(k.Addresses(), " ")}
		if got != w {
			t.Errorf("key %d = %+v, want %+v", i, got, w)
		}
	}
}

// TestParseWrite reads the status lines of signing and encrypting.
func TestParseWrite(t *testing.T) {
	tests := []struct {
		status   string
		sig, enc bool
		ok, bad  bool
		hash     int
	}{
		{"[GNUPG:] SIG_CREATED D 22 8 00 1796546739 3CF2\n", true, false, true, false, 8},
		{"[GNUPG:] BEGIN_ENCRYPTION 2 9\n[GNUPG:] END_ENCRYPTION\n", false, true, true, false, 0},
		{"[GNUPG:] SIG_CREATED S 22 10 00 1 A\n[GNUPG:] END_ENCRYPTION\n", true, true, true, false, 10},
		{"[GNUPG:] END_ENCRYPTION\n", true, true, false, false, 0},                                                  // asked to sign: no SIG_CREATED
		{"[GNUPG:] INV_RECP 0 ABCD\n[GNUPG:] END_ENCRYPTION\n", false, true, false, false, 0},                       // a recipient refused
		{"[GNUPG:] ERROR pkdecrypt_failed 67108875\n[GNUPG:] FAILURE sign 67108875\n", true, false, false, true, 0}, // bad passphrase
		{"[GNUPG:] BAD_PASSPHRASE 1234\n", true, false, false, true, 0},
	}
	for _, tt := range tests {
		res := parseWrite(ParseStatus(strings.NewReader(tt.status)), tt.sig, tt.enc)
		if res.OK != tt.ok || res.BadPassphrase != tt.bad || res.HashAlgo != tt.hash {
			t.Errorf("parseWrite(%q) = %+v, want OK %v, BadPassphrase %v, HashAlgo %d", tt.status, res, tt.ok, tt.bad, tt.hash)
		}
	}
}
