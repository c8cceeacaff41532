package passkey

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// The options of the ceremonies (navigator.credentials.create and get,
// WebAuthn §5.4 and §5.5) and their SessionData are drawn here, without
// the library: they are a random challenge and the site's settings. The
// JSON is the one github.com/go-webauthn/webauthn v0.18 makes with the
// settings postern gave it (package passkey/ceremony's tests compare
// them), so that the browser and the helper see what they saw before.

// challengeBytes is the length of a drawn challenge (the library's).
const challengeBytes = 32

// SessionData is a ceremony under way, as the library keeps it (its
// SessionData type, the same JSON): the challenge and what it was drawn
// for, until the browser's answer is checked by the helper.
type SessionData struct {
	Challenge            string            `json:"challenge"` // base64url, unpadded
	RelyingPartyID       string            `json:"rpId,omitempty"`
	UserID               []byte            `json:"user_id,omitempty"`
	AllowedCredentialIDs [][]byte          `json:"allowed_credentials,omitempty"`
	Expires              time.Time         `json:"expires"`
	UserVerification     string            `json:"userVerification,omitempty"`
	CredParams           []credentialParam `json:"credParams,omitempty"`
}

// credentialParam is a PublicKeyCredentialParameters (§5.3).
type credentialParam struct {
	Type string `json:"type"`
	Alg  int    `json:"alg"`
}

// credentialParams are the library's defaults: ES256, ES384, ES512,
// RS256, RS384, RS512, PS256, PS384, PS512, EdDSA.
var credentialParams = []credentialParam{
	{"public-key", -7}, {"public-key", -35}, {"public-key", -36}, {"public-key", -257}, {"public-key", -258},
	{"public-key", -259}, {"public-key", -37}, {"public-key", -38}, {"public-key", -39}, {"public-key", -8},
}

// b64url is bytes as base64url without padding in JSON; it reads them
// with or without padding.
type b64url []byte

func (b b64url) MarshalJSON() ([]byte, error) {
	return json.Marshal(base64.RawURLEncoding.EncodeToString(b))
}

func (b *b64url) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	v, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	*b = v
	return err
}

type entity struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName,omitempty"`
	ID          any    `json:"id,omitempty"`
}

type selection struct {
	ResidentKey      string `json:"residentKey,omitempty"`
	UserVerification string `json:"userVerification,omitempty"`
}

type creationOptions struct {
	RP                 entity            `json:"rp"`
	User               entity            `json:"user"`
	Challenge          b64url            `json:"challenge"`
	Params             []credentialParam `json:"pubKeyCredParams,omitempty"`
	Timeout            int               `json:"timeout,omitempty"`
	ExcludeCredentials []descriptor      `json:"excludeCredentials,omitempty"`
	Selection          selection         `json:"authenticatorSelection"`
	Attestation        string            `json:"attestation,omitempty"`
}

type requestOptions struct {
	Challenge        b64url       `json:"challenge"`
	Timeout          int          `json:"timeout,omitempty"`
	RPID             string       `json:"rpId,omitempty"`
	AllowCredentials []descriptor `json:"allowCredentials,omitempty"`
	UserVerification string       `json:"userVerification,omitempty"`
}

// challenge draws a challenge.
func challenge() ([]byte, error) {
	b := make([]byte, challengeBytes)
	_, err := rand.Read(b)
	return b, err
}
