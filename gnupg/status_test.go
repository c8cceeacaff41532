package gnupg

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"postern/internal/testenv"
)

// TestParseVerify reads status lines as doc/DETAILS writes them; the
// real transcripts are in openpgp_test.go and smime_test.go.
func TestParseVerify(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // verdict/validity/key id/user id/error token, per signature
	}{
		{"good", "[GNUPG:] NEWSIG a@example.org\n[GNUPG:] GOODSIG AAAA A %3Ca%40example.org%3E\n[GNUPG:] VALIDSIG FFFF 2026-01-01 1767225600 0 4 0 22 8 00 EEEE\n[GNUPG:] TRUST_FULLY 0 pgp\n",
			"good/full/AAAA/A <a@example.org>/"},
		{"bad", "[GNUPG:] NEWSIG\n[GNUPG:] BADSIG AAAA A\n", "bad/unknown/AAAA/A/"},
		{"no key", "[GNUPG:] NEWSIG\n[GNUPG:] ERRSIG 1234ABCD 22 8 00 1767225600 9 -\n[GNUPG:] NO_PUBKEY 1234ABCD\n", "no-key/unknown/1234ABCD//"},
		{"unknown algorithm", "[GNUPG:] ERRSIG 1234ABCD 99 8 00 1767225600 4\n", "error/unknown/1234ABCD//"},
		{"expired key", "[GNUPG:] NEWSIG\n[GNUPG:] EXPKEYSIG AAAA Old\n", "expired-key/unknown/AAAA/Old/"},
		{"expired signature", "[GNUPG:] NEWSIG\n[GNUPG:] EXPSIG AAAA Old\n", "expired-signature/unknown/AAAA/Old/"},
		{"revoked", "[GNUPG:] NEWSIG\n[GNUPG:] REVKEYSIG AAAA R\n[GNUPG:] TRUST_UNDEFINED\n", "revoked-key/undefined/AAAA/R/"},
		{"gpgsm untrusted", "[GNUPG:] NEWSIG\n[GNUPG:] GOODSIG FP /CN=Bob\n[GNUPG:] VALIDSIG FP 2026-12-06 20261206T064939 20270105T064939 0 0 1 8 00\n[GNUPG:] TRUST_UNDEFINED 98\n",
			"good/undefined/FP//CN=Bob/98"},
		{"two signatures", "[GNUPG:] NEWSIG\n[GNUPG:] GOODSIG A a\n[GNUPG:] NEWSIG\n[GNUPG:] BADSIG B b\n", "good/unknown/A/a/; bad/unknown/B/b/"},
		// Old gpg without NEWSIG: a verdict line starts a signature.
		{"no NEWSIG", "[GNUPG:] GOODSIG A a\n[GNUPG:] BADSIG B b\n", "good/unknown/A/a/; bad/unknown/B/b/"},
		// Human text and unknown keywords are ignored.
		{"noise", "gpg: Good signature from \"x\"\n[GNUPG:] FUTURE_THING 1 2\n[GNUPG:] NEWSIG\n", "unchecked/unknown///"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range parseVerify(ParseStatus(strings.NewReader(tt.in))) {
			got = append(got, strings.Join([]string{s.Verdict.String(), s.Validity.String(), s.KeyID, s.UserID, s.ValidityError}, "/"))
		}
		if g := strings.Join(got, "; "); g != tt.want {
			t.Errorf("%s: parseVerify = %q, want %q", tt.name, g, tt.want)
		}
	}
}

func TestParseDecrypt(t *testing.T) {
	tests := []struct {
		name, in string
		want     Decryption
	}{
		{"mdc", "[GNUPG:] BEGIN_DECRYPTION\n[GNUPG:] DECRYPTION_INFO 2 9 0\n[GNUPG:] DECRYPTION_OKAY\n[GNUPG:] GOODMDC\n[GNUPG:] END_DECRYPTION\n",
			Decryption{OK: true, Integrity: true}},
		{"aead", "[GNUPG:] DECRYPTION_INFO 0 9 2\n[GNUPG:] DECRYPTION_OKAY\n", Decryption{OK: true, Integrity: true}},
		// gpg 2.2 fails a message without MDC but writes its plaintext first.
		{"no mdc", "[GNUPG:] DECRYPTION_INFO 0 7 0\n[GNUPG:] PLAINTEXT 62 0\n[GNUPG:] DECRYPTION_FAILED\n", Decryption{NoIntegrity: true}},
		// Older gpg or --ignore-mdc-error: okay, but no integrity.
		{"no mdc but okay", "[GNUPG:] DECRYPTION_INFO 0 7 0\n[GNUPG:] DECRYPTION_OKAY\n", Decryption{OK: true, NoIntegrity: true}},
		{"bad mdc", "[GNUPG:] DECRYPTION_INFO 2 9 0\n[GNUPG:] DECRYPTION_OKAY\n[GNUPG:] BADMDC\n", Decryption{BadMDC: true}},
		{"loopback wrong passphrase", "[GNUPG:] ENC_TO F5B57472D24B6902 18 0\n[GNUPG:] ERROR pkdecrypt_failed 67108875\n[GNUPG:] BEGIN_DECRYPTION\n[GNUPG:] DECRYPTION_FAILED\n",
			Decryption{BadPassphrase: true, EncryptedTo: []string{"F5B57472D24B6902"}}},
		{"no passphrase", "[GNUPG:] NEED_PASSPHRASE F5B5 5165 18 0\n", Decryption{NeedPassphrase: true}},
		{"no secret key", "[GNUPG:] ENC_TO AB 18 0\n[GNUPG:] NO_SECKEY AB\n[GNUPG:] DECRYPTION_FAILED\n",
			Decryption{NoSecretKey: []string{"AB"}, EncryptedTo: []string{"AB"}}},
	}
	for _, tt := range tests {
		got := parseDecrypt(ParseStatus(strings.NewReader(tt.in)))
		got.Signatures = nil
		if !equalDecryption(got, tt.want) {
			t.Errorf("%s: parseDecrypt = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func equalDecryption(a, b Decryption) bool {
	return a.OK == b.OK && a.Integrity == b.Integrity && a.NoIntegrity == b.NoIntegrity && a.BadMDC == b.BadMDC &&
		a.BadPassphrase == b.BadPassphrase && a.NeedPassphrase == b.NeedPassphrase &&
		strings.Join(a.NoSecretKey, ",") == strings.Join(b.NoSecretKey, ",") &&
		strings.Join(a.EncryptedTo, ",") == strings.Join(b.EncryptedTo, ",")
}

func TestUnescape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"J%C3%BCrgen %3Cj%40x%3E", "Jürgen <j@x>"},
		{"100%", "100%"},
		{"%zz", "%zz"},
	}
	for _, tt := range tests {
		if got := unescape(tt.in); got != tt.want {
			t.Errorf("unescape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := uidAddresses([]byte("uid:u::::1::H::Al\\x3ai <A@X.org>::::::::::0:\nuid:r::::1::H::old@x.org::\nuid:-::::::H::/CN=Bob::\nuid:-::::::H::<bob@x.org>::\n")); strings.Join(got, " ") != "a@x.org bob@x.org" {
		t.Errorf("uidAddresses = %v, want [a@x.org bob@x.org] (revoked uid and DN left out)", got)
	}
}

// TestRunLimits: a gpg that hangs is killed at the time limit, one that
// writes too much at the size limit, a missing one is reported, and the
// passphrase reaches fd 5 and never argv or the environment.
func TestRunLimits(t *testing.T) {
	home := t.TempDir()
	r := &Runner{GPG: testenv.Script(t, "gpg", "exec sleep 30"), Home: home, Timeout: 300 * time.Millisecond}
	start := time.Now()
	_, err := r.VerifyDetached(ctx(t), []byte("x"), []byte("y"))
	if !errors.Is(err, ErrTimeout) || time.Since(start) > 5*time.Second {
		t.Errorf("hanging gpg: err %v after %v, want ErrTimeout soon", err, time.Since(start))
	}
	r = &Runner{GPG: testenv.Script(t, "gpg", "head -c 100000 /dev/zero"), Home: home, MaxOutput: 1000}
	if _, _, err := r.Decrypt(ctx(t), []byte("x"), nil); !errors.Is(err, ErrTooLarge) {
		t.Errorf("verbose gpg: err %v, want ErrTooLarge", err)
	}
	r = &Runner{GPG: filepath.Join(home, "nonexistent"), Home: home}
	if _, err := r.VerifyDetached(ctx(t), nil, nil); !errors.Is(err, ErrMissing) {
		t.Errorf("missing gpg: err %v, want ErrMissing", err)
	}
	// The fake prints its argv, its environment and fd 5 as status lines.
	r = &Runner{GPG: testenv.Script(t, "gpg", `echo "[GNUPG:] ARGV $*" >&3; env | sed 's/^/[GNUPG:] ENV /' >&3; echo "[GNUPG:] FD5 $(cat <&5)" >&3; echo "[GNUPG:] FD4 $(cat <&4)" >&3; cat`), Home: home}
	res, err := r.run(ctx(t), r.GPG, []string{"--decrypt"}, []byte("data"), []byte("sig"), []byte("s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	var argv, env []string
	fd4, fd5 := "", ""
	for _, s := range res.status {
		switch s.Keyword {
		case "ARGV":
			argv = s.Args
		case "ENV":
			env = append(env, s.rest(0))
		case "FD4":
			fd4 = s.rest(0)
		case "FD5":
			fd5 = s.rest(0)
		}
	}
	if fd5 != "s3cret" || fd4 != "sig" || string(res.out) != "data" {
		t.Errorf("fd 5 %q, fd 4 %q, stdin %q: want the passphrase, the signature, the data", fd5, fd4, res.out)
	}
	all := strings.Join(argv, " ") + " " + strings.Join(env, " ")
	if strings.Contains(all, "s3cret") {
		t.Errorf("the passphrase is in argv or the environment: %s", all)
	}
	for _, want := range []string{"--batch", "--no-tty", "--status-fd 3", "--with-colons", "--pinentry-mode loopback", "--passphrase-fd 5", "--homedir " + home} {
		if !strings.Contains(strings.Join(argv, " "), want) {
			t.Errorf("argv %q lacks %q", argv, want)
		}
	}
}
