package passkey

import "time"

// The protocol of `postern-helper passkey` (helper/doc.go): one
// HelperRequest on its stdin, one HelperAnswer on its stdout. Package
// passkey/ceremony answers it.

// Limits of the exchange with the helper.
const (
	// MaxHelperRequestBytes bounds a request: the credentials file, the
	// browser's answer and the ceremony, with room to spare.
	MaxHelperRequestBytes = MaxFileBytes + MaxResponseBytes + 16<<10
	// MaxHelperAnswerBytes bounds an answer: one credential record.
	MaxHelperAnswerBytes = MaxFileBytes
	// HelperTimeout bounds a run of the helper: it parses and checks one
	// signature, reading nothing but its stdin.
	HelperTimeout = 5 * time.Second
)

// Operations of the passkey helper.
const (
	OpRegister = "register" // check a registration, answer the new credential record
	OpLogin    = "login"    // check an assertion against Credentials, answer the used record updated
)

// HelperRequest is what the helper is asked.
type HelperRequest struct {
	Op      string      `json:"op"`
	RP      Config      `json:"rp"`
	User    string      `json:"user"` // the account name: the user handle
	Session SessionData `json:"session"`
	// Credentials of OpLogin: the user's usable ones (not flagged).
	Credentials []Key `json:"credentials,omitempty"`
	// Response is the browser's answer (PublicKeyCredential as JSON), at
	// most MaxResponseBytes.
	Response string `json:"response"`
}

// HelperAnswer is what the helper answers. Refused, when set, is why the
// ceremony failed (for the log); otherwise Key is the new record
// (OpRegister) or the used one with its new counter and flags (OpLogin),
// unless Cloned: the assertion was good but its counter (Counter) did
// not grow.
type HelperAnswer struct {
	Refused string `json:"refused,omitempty"`
	Key     *Key   `json:"key,omitempty"`
	Cloned  bool   `json:"cloned,omitempty"`
	Counter uint32 `json:"counter,omitempty"`
}
