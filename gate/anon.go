package gate

// AnonKind is the page of an answer without a valid session.
type AnonKind int

const (
	AnonPage             AnonKind = iota // what the path asks for: the login page, the style sheet, or 404
	AnonError                            // an error page with Status and Message
	AnonLoginFailed                      // the login page again, for User
	AnonExpired                          // the login page: the session is gone (the cookie is cleared)
	AnonNeedHTTPS                        // a password sent without TLS was refused
	AnonRefused                          // the network or client certificate is not allowed
	AnonPasskeyChallenge                 // the options of a passwordless login, with ChallengeID and Challenge
	AnonPasskeyFailed                    // the login page again: a passwordless login was refused
)

// Anon is the answer to a request the root room let through without an
// account.
type Anon struct {
	Kind    AnonKind
	Status  int    // AnonError
	Message string // AnonError: the public text
	User    string // AnonLoginFailed: the name tried

	ChallengeID string // AnonPasskeyChallenge: for the PasskeyCookie
	Challenge   []byte // AnonPasskeyChallenge: the challenge's bytes
}

// HTTP statuses of the root room's refusals.
const (
	statusBadRequest            = 400
	statusForbidden             = 403
	statusLengthRequired        = 411
	statusRequestEntityTooLarge = 413
	statusUnsupportedMediaType  = 415
	statusInternalServerError   = 500
	statusServiceUnavailable    = 503
)

// anonymous drops root (to the caller, or anon_user) for a request that
// has no valid session, and returns its Entry: the app shows the login
// page, the style sheet, or an error.
func (g *room) anonymous(a Anon) *Entry {
	dropAnonymous(g.cfg)
	e := g.entry(nil)
	e.Anon = a
	return e
}

func anonError(status int, msg string) Anon {
	return Anon{Kind: AnonError, Status: status, Message: msg}
}
