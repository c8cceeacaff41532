package templates

// KeysData is the Keys page: the user's keys and certificates, the
// result of the last action, and the forms to import, generate and
// delete (package gnupg does the work).
type KeysData struct {
	OpenPGP, SMIME bool   // the site's protocols
	Notice         string // what the last action did
	Problem        string // why it did not
	// Imported lists what an import brought (IMPORT_OK).
	Imported []ImportedKey
	// Own are the keys and certificates with their secret key; Others
	// the public ones.
	Own, Others []KeyRow
	// Confirm is the key a delete asks about, before it is deleted.
	Confirm *KeyRow
	// The import form: the pasted text, kept after an error, and the
	// size limit.
	Armor, MaxImport string
	// The generation form: the addresses the user may use, the name,
	// the expiry choices.
	Addresses []string
	Name      string
	Address   string
	Expiries  []string
	Expire    string
}

// KeyRow is one key or certificate.
type KeyRow struct {
	Protocol    string // "OpenPGP" or "S/MIME"
	SMIME       bool
	Fingerprint string
	Algorithm   string
	UserIDs     []string // revoked ones are left out
	Issuer      string   // a certificate's issuer
	Created     string
	Expires     string // "never" when it does not
	Validity    string // "full", "expired", "revoked", ...
	State       string // class: ok, expired, revoked, invalid
	Secret      bool
	ExportURL   string // download of the public key or certificate
}

// ImportedKey is one key an import brought, and what was new.
type ImportedKey struct {
	Fingerprint, What string
	UserIDs           []string
}

// AutocryptOffer is the message page's offer to import the key that
// the sender's Autocrypt header carries.
type AutocryptOffer struct {
	Addr   string
	Mutual bool // prefer-encrypt=mutual
}
