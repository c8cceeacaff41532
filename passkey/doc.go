// Package passkey is postern's WebAuthn (Web Authentication Level 3)
// factor: passkeys and security keys registered by a user, asked for after
// the password as a second factor and, where the site allows it, instead
// of the password. The ceremonies are those of
// github.com/go-webauthn/webauthn, run in postern-helper (package
// passkey/ceremony; helper/doc.go) and not in the request binary, which
// every request maps; this package keeps the credentials of one user,
// the pending challenges, and the site's relying party.
//
// # The helper
//
// Drawing a ceremony (BeginRegistration, BeginLogin, PasswordlessOptions,
// PasswordlessSession) is a random challenge and the site's settings: it
// is done here, with the JSON the library makes (passkey/ceremony's tests
// compare them byte for byte), and runs nothing. Checking the browser's
// answer (FinishRegistration, Verify, VerifyPasswordless) parses CBOR,
// COSE keys and signatures: RP runs `postern-helper passkey` for it, with
// a fixed argv, the request on a pipe (HelperRequest, at most
// MaxHelperRequestBytes), within HelperTimeout and MaxHelperAnswerBytes
// (package internal/helperrun). What the answer changes (a new
// credential, a counter, the cloned flag, the last use) is stored here,
// under the file's lock. A helper that cannot be run or gives no usable
// answer is ErrHelper: the answer was not checked, which is not a failed
// login.
//
// # Storage
//
// A user's credentials live in their own Maildir, in one JSON file
// (postern/passkeys, mode 600, written through a temporary file and a
// rename under an flock(2), by internal/privfile and internal/lockfile),
// read and written only after the privilege drop, as the user:
//
//	{"version": 1, "credentials": [{"name", "created", "last_used",
//	  "cloned", "key": the library's credential record (id, public key,
//	  sign counter, flags UV/BE/BS, transports, attestation)}]}
//
// The record is kept as the JSON the library wrote (Key), byte for byte;
// this package parses only the id, the public key's length, the counter,
// the flags and the transports. The rest is the helper's to read: a
// record broken there refuses its logins (the helper fails) without
// making the file corrupt.
//
// Parse reads that file from bytes and refuses anything outside its
// limits (MaxFileBytes, MaxCredentials, MaxNameBytes, MaxIDBytes): a
// broken file refuses every passkey login of the user rather than letting
// a half-read one through (fail closed), and is never rewritten blindly.
//
// Pending ceremonies (a registration begun on the Security page, an
// assertion asked for at the second step of a login) live in
// postern/passkey-challenges: at most MaxPending, keyed by the session
// they belong to and their purpose, each single-use (Take removes it
// before it is checked) and expiring ChallengeTTL (two minutes) after it
// was drawn. A passwordless login begins before any user is known; its
// challenge is kept by the root room (package guard, "Passkey
// challenges") and handed to Verify here as plain bytes.
//
// # Relying party
//
// The relying party id and the origins come from postern.conf
// (webauthn_rp_id, webauthn_origins). Attestation is "none": postern
// does not ask which make of authenticator a user has and keeps no
// metadata service. User verification (a PIN or a biometric) is
// "preferred" for the second factor and "required" for a passwordless
// login. The user handle of every credential is the account's user name:
// a passwordless assertion names its account by it, so the root room can
// look the account up without reading any file of the user's. This is a
// deliberate divergence from the specification's advice that the handle
// be random: the name is also the credential's user.name, which the
// authenticator shows anyway.
//
// # Sign counters
//
// A credential whose authenticator keeps a signature counter must show a
// larger counter at every use. A counter that does not grow (the key may
// have been cloned) refuses the login (ErrCloned) and marks the
// credential (Credential.Cloned): the Security page shows the warning
// until the user removes the credential, and every later assertion of it
// is refused too. The flag does not switch the second factor off (the
// app still asks for one; package app, passkeyOn). Authenticators that
// keep no counter (always 0, as synced passkeys do) are not affected.
//
// # What it does not do
//
// No attestation verification against a metadata service, no
// enterprise attestation, no extensions (no PRF, no large blobs), no
// conditional mediation (autofill), no related origins. Whoever can write
// the Maildir can add a credential: the file is the user's, as the TOTP
// key is (package twofactor).
package passkey
