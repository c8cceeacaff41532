// Package ceremony is the passkey half of postern-helper: it checks the
// browser's answers to WebAuthn ceremonies (Web Authentication Level 3,
// §7.1 registration and §7.2 assertion) with
// github.com/go-webauthn/webauthn, for package passkey, which runs it
// through `postern-helper passkey` (protocol: passkey.HelperRequest and
// passkey.HelperAnswer; helper/doc.go). The library is linked into the
// helper alone, so that the request binary, which every request maps,
// does not carry it (its protocol package alone parses six X.509 roots
// at start-up).
//
// Serve reads one request and answers it; it reads no file, no
// environment and no network, and keeps nothing. Its settings are the
// ones package passkey's doc names: attestation "none", the ceremonies
// expire (ChallengeTTL), the user handle is the account's name. A
// registration's answer is the library's credential record (passkey.Key
// keeps it as JSON); an assertion's is the used record with its new
// counter and flags, or Cloned when the counter did not grow.
//
// What it does not do: it never decides what to store (package passkey
// does, under its lock), never sees a credential it was not given, and
// does no attestation verification against a metadata service.
package ceremony

import (
	"encoding/json"
	"errors"
	"fmt"

	"postern/passkey"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// ErrRequest is a request that is not one: not JSON, an unknown
// operation, or a relying party the library refuses.
var ErrRequest = errors.New("ceremony: bad request")

// Serve answers one request of the passkey helper (a
// passkey.HelperRequest as JSON) with a passkey.HelperAnswer as JSON. A
// ceremony that fails is an answer (Refused); an error is a request that
// cannot be answered.
func Serve(in []byte) ([]byte, error) {
	if len(in) > passkey.MaxHelperRequestBytes {
		return nil, fmt.Errorf("%w: %d bytes", ErrRequest, len(in))
	}
	var req passkey.HelperRequest
	if err := json.Unmarshal(in, &req); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRequest, err)
	}
	w, err := relyingParty(req.RP)
	if err != nil {
		return nil, err
	}
	var sd webauthn.SessionData
	if err := convert(req.Session, &sd); err != nil {
		return nil, fmt.Errorf("%w: session: %v", ErrRequest, err)
	}
	var a *passkey.HelperAnswer
	switch req.Op {
	case passkey.OpRegister:
		a, err = register(w, req.User, sd, []byte(req.Response))
	case passkey.OpLogin:
		a, err = login(w, req.User, sd, req.Credentials, []byte(req.Response))
	default:
		return nil, fmt.Errorf("%w: operation %q", ErrRequest, req.Op)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(a)
}

// relyingParty is the library's relying party of c.
func relyingParty(c passkey.Config) (*webauthn.WebAuthn, error) {
	if err := protocol.ValidateRPID(c.ID); err != nil {
		return nil, fmt.Errorf("%w: relying party id %q: %v", ErrRequest, c.ID, err)
	}
	w, err := webauthn.New(&webauthn.Config{
		RPID:                  c.ID,
		RPDisplayName:         c.Name,
		RPOrigins:             c.Origins,
		AttestationPreference: protocol.PreferNoAttestation,
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: passkey.ChallengeTTL, TimeoutUVD: passkey.ChallengeTTL},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: passkey.ChallengeTTL, TimeoutUVD: passkey.ChallengeTTL},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRequest, err)
	}
	return w, nil
}

// convert moves a value between package passkey's mirror of a library
// type and the library's own, through their common JSON.
func convert(from, to any) error {
	b, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, to)
}

// user is an account as the library sees it: the handle is the name.
type user struct {
	name  string
	creds []webauthn.Credential
}

func (u *user) WebAuthnID() []byte                         { return []byte(u.name) }
func (u *user) WebAuthnName() string                       { return u.name }
func (u *user) WebAuthnDisplayName() string                { return u.name }
func (u *user) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// register checks a registration (§7.1) and answers the new record.
func register(w *webauthn.WebAuthn, name string, sd webauthn.SessionData, resp []byte) (*passkey.HelperAnswer, error) {
	if len(resp) > passkey.MaxResponseBytes {
		return &passkey.HelperAnswer{Refused: fmt.Sprintf("answer of %d bytes", len(resp))}, nil
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(resp)
	if err != nil {
		return refused(err), nil
	}
	c, err := w.CreateCredential(&user{name: name}, sd, parsed)
	if err != nil {
		return refused(err), nil
	}
	if len(c.ID) > passkey.MaxIDBytes || len(c.PublicKey) > passkey.MaxKeyBytes {
		return &passkey.HelperAnswer{Refused: "credential too large"}, nil
	}
	return answerKey(c)
}

// login checks an assertion (§7.2) against creds.
func login(w *webauthn.WebAuthn, name string, sd webauthn.SessionData, keys []passkey.Key, resp []byte) (*passkey.HelperAnswer, error) {
	if len(resp) > passkey.MaxResponseBytes {
		return &passkey.HelperAnswer{Refused: fmt.Sprintf("answer of %d bytes", len(resp))}, nil
	}
	creds := make([]webauthn.Credential, len(keys))
	for i := range keys {
		if err := convert(keys[i], &creds[i]); err != nil {
			return nil, fmt.Errorf("%w: credential %d: %v", ErrRequest, i, err)
		}
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(resp)
	if err != nil {
		return refused(err), nil
	}
	c, err := w.ValidateLogin(&user{name: name, creds: creds}, sd, parsed)
	if err != nil {
		return refused(err), nil
	}
	if c.Authenticator.CloneWarning {
		return &passkey.HelperAnswer{Cloned: true, Counter: parsed.Response.AuthenticatorData.Counter}, nil
	}
	return answerKey(c)
}

// answerKey is the answer of a record.
func answerKey(c *webauthn.Credential) (*passkey.HelperAnswer, error) {
	var k passkey.Key
	if err := convert(c, &k); err != nil {
		return nil, fmt.Errorf("ceremony: %w", err)
	}
	return &passkey.HelperAnswer{Key: &k}, nil
}

// refused is the answer of a failed ceremony: the library's error with
// its developer detail, for the log.
func refused(err error) *passkey.HelperAnswer {
	var pe *protocol.Error
	switch {
	case errors.As(err, &pe) && pe.DevInfo != "":
		return &passkey.HelperAnswer{Refused: pe.Details + ": " + pe.DevInfo}
	case errors.As(err, &pe) && pe.Details != "":
		return &passkey.HelperAnswer{Refused: pe.Details}
	}
	return &passkey.HelperAnswer{Refused: err.Error()}
}
