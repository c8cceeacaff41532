package passkey

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// MaxResponseBytes bounds the JSON of a browser's answer to a ceremony.
const MaxResponseBytes = 16 << 10

// Errors of a ceremony; test with errors.Is.
var (
	ErrCloned   = errors.New("passkey: signature counter went backwards (cloned authenticator?)")
	ErrRefused  = errors.New("passkey: assertion refused")
	ErrNoneLeft = errors.New("passkey: no usable credential")
)

// Config is the site's relying party.
type Config struct {
	ID      string   // relying party id: the site's host name, e.g. mail.example.org
	Origins []string // allowed origins, e.g. https://mail.example.org
	Name    string   // shown by the authenticator: the site's name
}

// RP is the relying party of one site.
type RP struct {
	w   *webauthn.WebAuthn
	now func() time.Time
}

// New makes the relying party; a relying party id that is not a domain
// name (an IP address, a URL) or an origin that is not a URL is an error.
func New(c Config) (*RP, error) {
	if c.Name == "" {
		c.Name = c.ID
	}
	w, err := webauthn.New(&webauthn.Config{
		RPID:                  c.ID,
		RPDisplayName:         c.Name,
		RPOrigins:             c.Origins,
		AttestationPreference: protocol.PreferNoAttestation,
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: ChallengeTTL, TimeoutUVD: ChallengeTTL},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: ChallengeTTL, TimeoutUVD: ChallengeTTL},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("passkey: %w", err)
	}
	if err := protocol.ValidateRPID(c.ID); err != nil {
		return nil, fmt.Errorf("passkey: relying party id %q: %w", c.ID, err)
	}
	return &RP{w: w, now: time.Now}, nil
}

// user is an account as the library sees it: the handle is the name.
type user struct {
	name  string
	creds []Credential
}

func (u *user) WebAuthnID() []byte          { return []byte(u.name) }
func (u *user) WebAuthnName() string        { return u.name }
func (u *user) WebAuthnDisplayName() string { return u.name }
func (u *user) WebAuthnCredentials() []webauthn.Credential {
	out := make([]webauthn.Credential, 0, len(u.creds))
	for _, c := range u.creds {
		if c.Cloned.IsZero() {
			out = append(out, c.Key)
		}
	}
	return out
}

// BeginRegistration draws a registration challenge for the account name
// that already has creds (excluded, so one authenticator is not
// registered twice): the options for navigator.credentials.create as
// JSON, and the ceremony to keep until FinishRegistration. The
// credential is asked to be discoverable (resident key "preferred", so
// that it can also serve a passwordless login) and to verify its user
// ("preferred").
func (rp *RP) BeginRegistration(name string, creds []Credential) ([]byte, webauthn.SessionData, error) {
	u := &user{name: name, creds: creds}
	var excl []protocol.CredentialDescriptor
	for _, c := range creds {
		excl = append(excl, c.Key.Descriptor())
	}
	opts, sd, err := rp.w.BeginRegistration(u,
		webauthn.WithConveyancePreference(protocol.PreferNoAttestation),
		webauthn.WithExclusions(excl),
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementPreferred,
			UserVerification: protocol.VerificationPreferred,
		}))
	if err != nil {
		return nil, webauthn.SessionData{}, fmt.Errorf("passkey: %w", err)
	}
	js, err := json.Marshal(opts.Response)
	if err != nil {
		return nil, webauthn.SessionData{}, fmt.Errorf("passkey: %w", err)
	}
	return js, *sd, nil
}

// FinishRegistration checks the browser's answer (resp, JSON) to the
// ceremony sd of account name and returns the new credential.
func (rp *RP) FinishRegistration(name string, sd webauthn.SessionData, resp []byte) (webauthn.Credential, error) {
	if len(resp) > MaxResponseBytes {
		return webauthn.Credential{}, fmt.Errorf("%w: answer of %d bytes", ErrRefused, len(resp))
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(resp)
	if err != nil {
		return webauthn.Credential{}, fmt.Errorf("%w: %v", ErrRefused, detail(err))
	}
	c, err := rp.w.CreateCredential(&user{name: name}, sd, parsed)
	if err != nil {
		return webauthn.Credential{}, fmt.Errorf("%w: %v", ErrRefused, detail(err))
	}
	if len(c.ID) > MaxIDBytes || len(c.PublicKey) > MaxKeyBytes {
		return webauthn.Credential{}, fmt.Errorf("%w: credential too large", ErrRefused)
	}
	return *c, nil
}

// BeginLogin draws the challenge of a second-factor assertion for the
// account name: the options for navigator.credentials.get as JSON (the
// allowed credentials are the user's unflagged ones; user verification
// "preferred"), and the ceremony to keep until Verify. No usable
// credential is ErrNoneLeft.
func (rp *RP) BeginLogin(name string, creds []Credential) ([]byte, webauthn.SessionData, error) {
	u := &user{name: name, creds: creds}
	if len(u.WebAuthnCredentials()) == 0 {
		return nil, webauthn.SessionData{}, ErrNoneLeft
	}
	opts, sd, err := rp.w.BeginLogin(u, webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		return nil, webauthn.SessionData{}, fmt.Errorf("passkey: %w", err)
	}
	js, err := json.Marshal(opts.Response)
	if err != nil {
		return nil, webauthn.SessionData{}, fmt.Errorf("passkey: %w", err)
	}
	return js, *sd, nil
}

// PasswordlessOptions are the options for navigator.credentials.get of a
// passwordless login whose challenge (drawn by the root room) is
// challenge: no allowed credentials (the authenticator offers its
// discoverable ones), user verification required.
func (rp *RP) PasswordlessOptions(challenge []byte) ([]byte, error) {
	return json.Marshal(protocol.PublicKeyCredentialRequestOptions{
		Challenge:        challenge,
		Timeout:          int(ChallengeTTL.Milliseconds()),
		RelyingPartyID:   rp.w.Config.RPID,
		UserVerification: protocol.VerificationRequired,
	})
}

// PasswordlessSession is the ceremony of a passwordless login with
// challenge, drawn at issued, whose assertion names the account name.
func (rp *RP) PasswordlessSession(challenge []byte, name string, issued time.Time) webauthn.SessionData {
	return webauthn.SessionData{
		Challenge:        base64.RawURLEncoding.EncodeToString(challenge),
		RelyingPartyID:   rp.w.Config.RPID,
		UserID:           []byte(name),
		Expires:          issued.Add(ChallengeTTL),
		UserVerification: protocol.VerificationRequired,
	}
}

// Verify checks the browser's assertion (resp, JSON) for the ceremony sd
// against the credentials of account name in store, and records the
// credential's new counter and last use. The returned credential is the
// one used. A counter that did not grow marks the credential and is
// ErrCloned; every other refusal is ErrRefused.
func (rp *RP) Verify(store *Store, name string, sd webauthn.SessionData, resp []byte) (*Credential, error) {
	if len(resp) > MaxResponseBytes {
		return nil, fmt.Errorf("%w: answer of %d bytes", ErrRefused, len(resp))
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(resp)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRefused, detail(err))
	}
	creds, err := store.List()
	if err != nil {
		return nil, err
	}
	var used *Credential
	for i := range creds {
		if bytes.Equal(creds[i].Key.ID, parsed.RawID) {
			used = &creds[i]
		}
	}
	if used == nil {
		return nil, fmt.Errorf("%w: unknown credential", ErrRefused)
	}
	if !used.Cloned.IsZero() {
		return used, fmt.Errorf("%w: credential %q was flagged on %s", ErrCloned, used.Name, used.Cloned.Format(time.DateTime))
	}
	key, err := rp.w.ValidateLogin(&user{name: name, creds: creds}, sd, parsed)
	if err != nil {
		return used, fmt.Errorf("%w: %v", ErrRefused, detail(err))
	}
	if key.Authenticator.CloneWarning {
		if err := store.markCloned(key.ID); err != nil {
			return used, err
		}
		return used, fmt.Errorf("%w: credential %q: counter %d after %d", ErrCloned, used.Name,
			parsed.Response.AuthenticatorData.Counter, used.SignCount())
	}
	if err := store.used(*key); err != nil {
		return used, err
	}
	used.Key = *key
	used.LastUsed = store.now().UTC().Truncate(time.Second)
	return used, nil
}

// VerifyPasswordless is Verify for a passwordless login (the ceremony of
// PasswordlessSession): the assertion must carry the user handle, which
// must name the account (the library checks that it is name), and the
// authenticator must have verified its user (the ceremony requires it).
func (rp *RP) VerifyPasswordless(store *Store, name string, sd webauthn.SessionData, resp []byte) (*Credential, error) {
	if len(resp) > MaxResponseBytes {
		return nil, fmt.Errorf("%w: answer of %d bytes", ErrRefused, len(resp))
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(resp)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRefused, detail(err))
	}
	if string(parsed.Response.UserHandle) != name {
		return nil, fmt.Errorf("%w: user handle %q is not %q", ErrRefused, parsed.Response.UserHandle, name)
	}
	if sd.UserVerification != protocol.VerificationRequired {
		return nil, fmt.Errorf("%w: a passwordless ceremony must require user verification", ErrRefused)
	}
	return rp.Verify(store, name, sd, resp)
}

// detail is the library's error with its developer detail, for the log.
func detail(err error) string {
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.DevInfo != "" {
		return pe.Details + ": " + pe.DevInfo
	}
	if errors.As(err, &pe) && pe.Details != "" {
		return pe.Details
	}
	return err.Error()
}
