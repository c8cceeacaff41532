package passkey

import (
	"encoding/json"
	"errors"
)

// Key is a credential record as github.com/go-webauthn/webauthn keeps
// it (its Credential type), held as the JSON the library wrote, byte for
// byte: this package never rewrites a record, it only stores the one the
// helper returns. The fields postern reads are parsed from it; every
// other (the attestation, the AAGUID) is left to the helper, which
// parses the whole record with the library at every ceremony.
type Key struct {
	ID        []byte   // the credential id
	PublicKey []byte   // the COSE public key
	Transport []string // "usb", "nfc", "ble", "internal", "hybrid"
	Flags     Flags
	SignCount uint32 // the last signature counter seen
	raw       json.RawMessage
}

// Flags are the credential's flags as the library records them.
type Flags struct {
	UserPresent    bool `json:"userPresent"`
	UserVerified   bool `json:"userVerified"`
	BackupEligible bool `json:"backupEligible"`
	BackupState    bool `json:"backupState"`
}

// record is the part of the library's Credential JSON that Key parses.
type record struct {
	ID            []byte   `json:"id"`
	PublicKey     []byte   `json:"publicKey"`
	Transport     []string `json:"transport"`
	Flags         Flags    `json:"flags"`
	Authenticator struct {
		SignCount uint32 `json:"signCount"`
	} `json:"authenticator"`
}

// UnmarshalJSON keeps data and parses the fields of Key from it.
func (k *Key) UnmarshalJSON(data []byte) error {
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return err
	}
	*k = Key{ID: r.ID, PublicKey: r.PublicKey, Transport: r.Transport, Flags: r.Flags,
		SignCount: r.Authenticator.SignCount, raw: append(json.RawMessage(nil), data...)}
	return nil
}

// MarshalJSON is the record as it was read.
func (k Key) MarshalJSON() ([]byte, error) {
	if len(k.raw) == 0 {
		return nil, errors.New("passkey: a key without its record")
	}
	return k.raw, nil
}

// descriptor is a PublicKeyCredentialDescriptor (WebAuthn §5.8.3) of k,
// for the options' allowCredentials and excludeCredentials.
type descriptor struct {
	Type       string   `json:"type"`
	ID         b64url   `json:"id"`
	Transports []string `json:"transports,omitempty"`
}

func (k *Key) descriptor() descriptor {
	return descriptor{Type: "public-key", ID: k.ID, Transports: k.Transport}
}
