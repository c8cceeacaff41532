package app

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"postern/auth"
	"postern/compose"
	"postern/config"
	"postern/identity"
	"postern/maildir"
	"postern/seal"
	"postern/templates"
)

// TestSplitBcc: the Bcc addresses that are not also in To or Cc are the
// hidden ones; an address is compared without case.
func TestSplitBcc(t *testing.T) {
	for _, tt := range []struct {
		to, cc, bcc   string
		visible, hide string
	}{
		{"a@x.org", "b@x.org", "c@x.org", "a@x.org b@x.org", "c@x.org"},
		{"a@x.org", "", "A@X.org, d@x.org", "a@x.org", "d@x.org"}, // in To already: not hidden
		{"", "", "e@x.org", "", "e@x.org"},
		{"a@x.org, a@x.org", "", "", "a@x.org", ""},
	} {
		v, h := splitBcc(&compose.Draft{To: tt.to, Cc: tt.cc, Bcc: tt.bcc})
		if got := strings.Join(v, " "); got != tt.visible || strings.Join(h, " ") != tt.hide {
			t.Errorf("splitBcc(To %q, Cc %q, Bcc %q) = %q, %q, want %q, %q", tt.to, tt.cc, tt.bcc, v, h, tt.visible, tt.hide)
		}
	}
}

// TestCryptoFromForm: the form's choice counts only with the fieldset
// and a method the site enables; crypto = no offers nothing.
func TestCryptoFromForm(t *testing.T) {
	on := config.Default()
	on.Crypto, on.CryptoSMIME = true, false
	off := config.Default()
	for _, tt := range []struct {
		cfg  *config.Config
		form url.Values
		want cryptoChoice
	}{
		{on, url.Values{"crypto_form": {"1"}, "sign": {"1"}, "crypto_method": {"openpgp"}}, cryptoChoice{sign: true, method: seal.OpenPGP}},
		// S/MIME disabled on this site: the first enabled method.
		{on, url.Values{"crypto_form": {"1"}, "encrypt": {"1"}, "crypto_method": {"smime"}}, cryptoChoice{encrypt: true, method: seal.OpenPGP}},
		// No fieldset in the form: nothing chosen.
		{on, url.Values{"sign": {"1"}, "encrypt": {"1"}}, cryptoChoice{}},
		{off, url.Values{"crypto_form": {"1"}, "sign": {"1"}, "crypto_method": {"openpgp"}}, cryptoChoice{}},
	} {
		a := &app{cfg: tt.cfg}
		if got := a.cryptoFromForm(tt.form); got != tt.want {
			t.Errorf("cryptoFromForm(%v) with crypto %v = %+v, want %+v", tt.form, tt.cfg.Crypto, got, tt.want)
		}
	}
	if c := (&app{cfg: off}).composeCrypto(cryptoChoice{sign: true, method: seal.OpenPGP}); c != nil {
		t.Errorf("composeCrypto with crypto = no = %+v, want no fieldset", c)
	}
}

// TestComposeCryptoForm: the compose page shows the fieldset with the
// choice, the passphrase field empty, and the recipients without a key.
func TestComposeCryptoForm(t *testing.T) {
	set, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	c := &templates.ComposeData{Token: "t", Crypto: &templates.ComposeCrypto{Sign: true, Method: "smime",
		Methods: []templates.Choice{{Value: "openpgp", Label: "OpenPGP"}, {Value: "smime", Label: "S/MIME"}},
		Checked: true, Missing: []string{"nokey@x.org"}, Found: []string{"b@x.org"}}}
	b, err := set.Bytes("compose", &templates.Page{Site: "postern", Title: "t", Compose: c})
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{`name="crypto_form"`, `id="sign" name="sign" value="1" checked`, `<option value="smime" selected>`,
		`id="passphrase" name="passphrase" autocomplete="off">`, `<strong>nokey@x.org</strong>`, `Keys found for: b@x.org`} {
		if !strings.Contains(page, want) {
			t.Errorf("the compose page lacks %s", want)
		}
	}
	if strings.Contains(page, `id="encrypt" name="encrypt" value="1" checked`) {
		t.Errorf("Encrypt is checked, want not")
	}
}

func TestIdentityCrypto(t *testing.T) {
	for _, c := range []struct {
		sign, encrypt identity.Crypto
		want          cryptoChoice
	}{
		{identity.Off, identity.Off, cryptoChoice{}},
		{identity.OpenPGP, identity.Off, cryptoChoice{sign: true, method: seal.OpenPGP}},
		{identity.Off, identity.SMIME, cryptoChoice{encrypt: true, method: seal.SMIME}},
		{identity.SMIME, identity.SMIME, cryptoChoice{sign: true, encrypt: true, method: seal.SMIME}},
		{identity.SMIME, identity.OpenPGP, cryptoChoice{encrypt: true, method: seal.OpenPGP}},
	} {
		if got := identityCrypto(c.sign, c.encrypt); got != c.want {
			t.Errorf("identityCrypto(%s, %s) = %+v, want %+v", c.sign, c.encrypt, got, c.want)
		}
	}
}

// TestCryptoDefaults: an identity's own defaults win over the
// preferences', option by option; Inherit takes the preferences'.
func TestCryptoDefaults(t *testing.T) {
	root := t.TempDir()
	t.Chdir(root)
	if err := os.MkdirAll("postern", 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prefsFile, []byte(`{"sign":true,"crypto_method":"smime"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	a := &app{
		cfg:   &config.Config{Crypto: true, CryptoOpenPGP: true, CryptoSMIME: true, Identities: "alias@example.org, other@example.org"},
		acct:  &auth.Account{User: "ptuser", Address: "ptuser@example.org"},
		store: &maildir.Store{Root: root},
	}
	allowed := a.identities()
	err := a.idStore().Update(func(s *identity.Set) error {
		if err := s.Add(identity.Identity{Address: "alias@example.org", Encrypt: identity.OpenPGP}, allowed); err != nil {
			return err
		}
		return s.Add(identity.Identity{Address: "other@example.org", Sign: identity.Off}, allowed)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		from string
		want cryptoChoice
	}{
		{"ptuser@example.org", cryptoChoice{sign: true, method: seal.SMIME}},     // no identity stored: the preferences
		{"alias@example.org", cryptoChoice{encrypt: true, method: seal.OpenPGP}}, // its Encrypt; Sign inherited with S/MIME, not the same method
		{"other@example.org", cryptoChoice{method: seal.SMIME}},                  // its Sign off; the preferences' method kept
	} {
		if got := a.cryptoDefaults(c.from); got != c.want {
			t.Errorf("cryptoDefaults(%s) = %+v, want %+v", c.from, got, c.want)
		}
	}
}
