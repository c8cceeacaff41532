package passkey

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"postern/internal/helperrun"
)

// MaxResponseBytes bounds the JSON of a browser's answer to a ceremony.
const MaxResponseBytes = 16 << 10

// Errors of a ceremony; test with errors.Is.
var (
	ErrCloned   = errors.New("passkey: signature counter went backwards (cloned authenticator?)")
	ErrRefused  = errors.New("passkey: assertion refused")
	ErrNoneLeft = errors.New("passkey: no usable credential")
	// ErrHelper: the helper that checks the browser's answers could not
	// be run or gave no usable answer (the answer was not checked).
	ErrHelper = errors.New("passkey: the ceremony could not be checked")
)

// Config is the site's relying party.
type Config struct {
	ID      string   `json:"id"`      // relying party id: the site's host name, e.g. mail.example.org
	Origins []string `json:"origins"` // allowed origins, e.g. https://mail.example.org
	Name    string   `json:"name"`    // shown by the authenticator: the site's name
	// Helper is the path of postern-helper (config.DefaultHelper); it
	// is not sent to the helper.
	Helper string `json:"-"`
}

// RP is the relying party of one site.
type RP struct {
	c   Config
	now func() time.Time
	// Run runs the helper with a request and returns its answer; New
	// sets it to run Config.Helper (helperrun.Run, HelperTimeout,
	// MaxHelperAnswerBytes). Tests put the helper's code in its place.
	Run func(ctx context.Context, request []byte) ([]byte, error)
}

// New makes the relying party; a relying party id that is not a host
// name (an IP address, a URL) is an error. The helper checks the rest
// (the origins) at every ceremony.
func New(c Config) (*RP, error) {
	if c.Name == "" {
		c.Name = c.ID
	}
	if c.ID == "" || net.ParseIP(c.ID) != nil || strings.ContainsAny(c.ID, ":/?#@[] ") {
		return nil, fmt.Errorf("passkey: relying party id %q is not a host name", c.ID)
	}
	rp := &RP{c: c, now: time.Now}
	rp.Run = func(ctx context.Context, in []byte) ([]byte, error) {
		return helperrun.Run(ctx, c.Helper, "passkey", in, HelperTimeout, MaxHelperAnswerBytes)
	}
	return rp, nil
}

// usable are the credentials an assertion may use: not flagged.
func usable(creds []Credential) []Key {
	var out []Key
	for _, c := range creds {
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
// ("preferred"). It runs no helper.
func (rp *RP) BeginRegistration(name string, creds []Credential) ([]byte, SessionData, error) {
	ch, err := challenge()
	if err != nil {
		return nil, SessionData{}, fmt.Errorf("passkey: %w", err)
	}
	o := creationOptions{
		RP:        entity{Name: rp.c.Name, ID: rp.c.ID},
		User:      entity{Name: name, DisplayName: name, ID: b64url(name)},
		Challenge: ch, Params: credentialParams, Timeout: int(ChallengeTTL.Milliseconds()),
		Selection:   selection{ResidentKey: "preferred", UserVerification: "preferred"},
		Attestation: "none",
	}
	for i := range creds {
		o.ExcludeCredentials = append(o.ExcludeCredentials, creds[i].Key.descriptor())
	}
	js, err := json.Marshal(o)
	if err != nil {
		return nil, SessionData{}, fmt.Errorf("passkey: %w", err)
	}
	return js, SessionData{
		Challenge: base64.RawURLEncoding.EncodeToString(ch), RelyingPartyID: rp.c.ID, UserID: []byte(name),
		Expires: rp.now().Add(ChallengeTTL), UserVerification: "preferred", CredParams: credentialParams,
	}, nil
}

// FinishRegistration has the helper check the browser's answer (resp,
// JSON) to the ceremony sd of account name and returns the new
// credential's record.
func (rp *RP) FinishRegistration(name string, sd SessionData, resp []byte) (Key, error) {
	if len(resp) > MaxResponseBytes {
		return Key{}, fmt.Errorf("%w: answer of %d bytes", ErrRefused, len(resp))
	}
	a, err := rp.ask(HelperRequest{Op: OpRegister, User: name, Session: sd, Response: string(resp)})
	if err != nil {
		return Key{}, err
	}
	if a.Key == nil {
		return Key{}, fmt.Errorf("%w: the helper answered no credential", ErrHelper)
	}
	if len(a.Key.ID) == 0 || len(a.Key.ID) > MaxIDBytes || len(a.Key.PublicKey) == 0 || len(a.Key.PublicKey) > MaxKeyBytes {
		return Key{}, fmt.Errorf("%w: credential too large", ErrRefused)
	}
	return *a.Key, nil
}

// BeginLogin draws the challenge of a second-factor assertion for the
// account name: the options for navigator.credentials.get as JSON (the
// allowed credentials are the user's unflagged ones; user verification
// "preferred"), and the ceremony to keep until Verify. No usable
// credential is ErrNoneLeft. It runs no helper.
func (rp *RP) BeginLogin(name string, creds []Credential) ([]byte, SessionData, error) {
	keys := usable(creds)
	if len(keys) == 0 {
		return nil, SessionData{}, ErrNoneLeft
	}
	ch, err := challenge()
	if err != nil {
		return nil, SessionData{}, fmt.Errorf("passkey: %w", err)
	}
	o := requestOptions{Challenge: ch, Timeout: int(ChallengeTTL.Milliseconds()), RPID: rp.c.ID, UserVerification: "preferred"}
	sd := SessionData{
		Challenge: base64.RawURLEncoding.EncodeToString(ch), RelyingPartyID: rp.c.ID, UserID: []byte(name),
		Expires: rp.now().Add(ChallengeTTL), UserVerification: "preferred",
	}
	for i := range keys {
		o.AllowCredentials = append(o.AllowCredentials, keys[i].descriptor())
		sd.AllowedCredentialIDs = append(sd.AllowedCredentialIDs, keys[i].ID)
	}
	js, err := json.Marshal(o)
	if err != nil {
		return nil, SessionData{}, fmt.Errorf("passkey: %w", err)
	}
	return js, sd, nil
}

// PasswordlessOptions are the options for navigator.credentials.get of a
// passwordless login whose challenge (drawn by the root room) is
// challenge: no allowed credentials (the authenticator offers its
// discoverable ones), user verification required. It runs no helper.
func (rp *RP) PasswordlessOptions(challenge []byte) ([]byte, error) {
	return json.Marshal(requestOptions{Challenge: challenge, Timeout: int(ChallengeTTL.Milliseconds()),
		RPID: rp.c.ID, UserVerification: "required"})
}

// PasswordlessSession is the ceremony of a passwordless login with
// challenge, drawn at issued, whose assertion names the account name.
func (rp *RP) PasswordlessSession(challenge []byte, name string, issued time.Time) SessionData {
	return SessionData{
		Challenge:        base64.RawURLEncoding.EncodeToString(challenge),
		RelyingPartyID:   rp.c.ID,
		UserID:           []byte(name),
		Expires:          issued.Add(ChallengeTTL),
		UserVerification: "required",
	}
}

// assertion is what Verify reads of the browser's answer itself: the
// credential it names and the user handle.
type assertion struct {
	RawID    b64url `json:"rawId"`
	Response struct {
		UserHandle b64url `json:"userHandle"`
	} `json:"response"`
}

func parseAssertion(resp []byte) (*assertion, error) {
	if len(resp) > MaxResponseBytes {
		return nil, fmt.Errorf("%w: answer of %d bytes", ErrRefused, len(resp))
	}
	var a assertion
	if err := json.Unmarshal(resp, &a); err != nil || len(a.RawID) == 0 {
		return nil, fmt.Errorf("%w: not an assertion: %v", ErrRefused, err)
	}
	return &a, nil
}

// Verify has the helper check the browser's assertion (resp, JSON) for
// the ceremony sd against the credentials of account name in store, and
// records the credential's new counter and last use. The returned
// credential is the one used. A counter that did not grow marks the
// credential and is ErrCloned; a helper that could not check is
// ErrHelper; every other refusal is ErrRefused.
func (rp *RP) Verify(store *Store, name string, sd SessionData, resp []byte) (*Credential, error) {
	as, err := parseAssertion(resp)
	if err != nil {
		return nil, err
	}
	creds, err := store.List()
	if err != nil {
		return nil, err
	}
	var used *Credential
	for i := range creds {
		if bytes.Equal(creds[i].Key.ID, as.RawID) {
			used = &creds[i]
		}
	}
	if used == nil {
		return nil, fmt.Errorf("%w: unknown credential", ErrRefused)
	}
	if !used.Cloned.IsZero() {
		return used, fmt.Errorf("%w: credential %q was flagged on %s", ErrCloned, used.Name, used.Cloned.Format(time.DateTime))
	}
	a, err := rp.ask(HelperRequest{Op: OpLogin, User: name, Session: sd, Credentials: usable(creds), Response: string(resp)})
	if err != nil {
		return used, err
	}
	if a.Cloned {
		if err := store.markCloned(used.Key.ID); err != nil {
			return used, err
		}
		return used, fmt.Errorf("%w: credential %q: counter %d after %d", ErrCloned, used.Name, a.Counter, used.SignCount())
	}
	if a.Key == nil || !bytes.Equal(a.Key.ID, used.Key.ID) {
		return used, fmt.Errorf("%w: the helper answered another credential", ErrHelper)
	}
	if err := store.used(*a.Key); err != nil {
		return used, err
	}
	used.Key = *a.Key
	used.LastUsed = store.now().UTC().Truncate(time.Second)
	return used, nil
}

// VerifyPasswordless is Verify for a passwordless login (the ceremony of
// PasswordlessSession): the assertion must carry the user handle, which
// must name the account (the helper checks it against the ceremony too),
// and the authenticator must have verified its user (the ceremony
// requires it).
func (rp *RP) VerifyPasswordless(store *Store, name string, sd SessionData, resp []byte) (*Credential, error) {
	as, err := parseAssertion(resp)
	if err != nil {
		return nil, err
	}
	if string(as.Response.UserHandle) != name {
		return nil, fmt.Errorf("%w: user handle %q is not %q", ErrRefused, as.Response.UserHandle, name)
	}
	if sd.UserVerification != "required" {
		return nil, fmt.Errorf("%w: a passwordless ceremony must require user verification", ErrRefused)
	}
	return rp.Verify(store, name, sd, resp)
}

// ask runs the helper with req (the site's relying party added) and
// reads its answer; a refusal is ErrRefused.
func (rp *RP) ask(req HelperRequest) (*HelperAnswer, error) {
	req.RP = rp.c
	in, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("passkey: %w", err)
	}
	if len(in) > MaxHelperRequestBytes {
		return nil, fmt.Errorf("%w: a request of %d bytes", ErrRefused, len(in))
	}
	out, err := rp.Run(context.Background(), in)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrHelper, err)
	}
	var a HelperAnswer
	if err := json.Unmarshal(out, &a); err != nil {
		return nil, fmt.Errorf("%w: unreadable answer: %v", ErrHelper, err)
	}
	if a.Refused != "" {
		return nil, fmt.Errorf("%w: %s", ErrRefused, a.Refused)
	}
	return &a, nil
}
