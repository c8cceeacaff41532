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
}

// TOTPLoginData is the second step of a login.
type TOTPLoginData struct {
	Failed bool
}

// HistoryRow is one event of the login history on the security page.
type HistoryRow struct {
	Time, What, IP, Browser string
	Factors                 string // of a login: "password", "password+totp", ...
	Why                     string // of a failed login: "wrong password", ...
	Failed                  bool
}
