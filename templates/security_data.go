package templates

// SessionRow is one of the user's sessions on the security page.
type SessionRow struct {
	ID, IP, Created, Last, Browser string
	Current, Public, Bound         bool
}

// SecurityData is the security page: sessions, password, second factor.
type SecurityData struct {
	Sessions []SessionRow
	History  []HistoryRow // newest first

	// CanChangePassword: the backend changes passwords here (webpass);
	// otherwise PasswordHint says where to change it.
	CanChangePassword bool
	PasswordHint      string

	TOTPOff       bool     // the administrator turned TOTP off
	TOTPRequired  bool     // the administrator requires it (no disabling)
	TOTPEnabled   bool     // enrolled and confirmed
	TOTPEnrolling bool     // a key was drawn, waiting for the first code
	TOTPSecret    string   // the key in base32, to type into an app
	QRURL         string   // the QR code image of the key
	Recovery      []string // recovery codes, shown once after confirmation
	RecoveryLeft  int

	PasskeysOn     bool         // the site offers passkeys (webauthn = yes)
	PasskeysBroken bool         // the credentials file cannot be read
	Passkeys       []PasskeyRow // registered, oldest first
	PasskeyOptions string       // JSON options of a new registration, for passkey.js; "" when none can be added
}

// PasskeyRow is one registered passkey on the security page.
type PasskeyRow struct {
	ID                      string // base64url credential id, for removal
	Name, Created, LastUsed string
	Cloned                  string // when its counter went backwards; "" if never
	UV                      bool   // the authenticator verified its user
	Synced                  bool   // backup eligible: a synced passkey
	Transports              string // how the browser reaches it: "usb, nfc", "internal", ...
}

// TOTPLoginData is the second step of a login.
type TOTPLoginData struct {
	Failed         bool   // the last code was wrong
	Code           bool   // the user has TOTP: show the code form
	Passkey        bool   // the user has a usable passkey
	PasskeyOptions string // JSON options of the assertion, for passkey.js
	PasskeyFailed  string // why the last assertion was refused
}

// HistoryRow is one event of the login history on the security page.
type HistoryRow struct {
	Time, What, IP, Browser string
	Factors                 string // of a login: "password", "password+totp", ...
	Why                     string // of a failed login: "wrong password", ...
	Failed                  bool
}
