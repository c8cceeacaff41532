// Package gnupg runs the user's own GnuPG (gpg for OpenPGP, gpgsm for
// S/MIME) to verify signatures and decrypt, and reads its answers from
// the status lines only.
//
// # How it runs GnuPG
//
// A Runner runs as the user, after the privilege drop (package app), and
// never as root. Each call has a fixed argv:
//
//	gpg --homedir HOME --batch --no-tty --status-fd 3 --with-colons
//	    --enable-special-filenames --no-greeting --pinentry-mode loopback
//	    [--passphrase-fd 5] OPTIONS COMMAND -- FILES
//
// where FILES are "-" (standard input, the data) and "-&4" (a pipe on
// fd 4, a detached signature). Nothing from a message is ever an
// argument: every byte of mail reaches GnuPG on a pipe. A passphrase is
// written to the pipe on fd 5 and never placed in argv or the
// environment; the environment is PATH=/usr/bin:/bin, LC_ALL=C and
// GNUPGHOME. Verification and decryption add --no-auto-key-retrieve,
// --no-auto-key-locate and --disable-dirmngr (gpg), --disable-dirmngr
// (gpgsm): no key is fetched from the network while a message is read
// (a fetch would tell a key server who reads what) and no dirmngr is
// started. So gpgsm checks no CRL or OCSP: a revoked S/MIME certificate
// is found revoked only when its CRL is already in the user's cache.
//
// Each call runs in its own process group with a time limit
// (Runner.Timeout, default 10 s: the group is killed, ErrTimeout) and a
// size limit on its output (Runner.MaxOutput, default 32 MiB: killed,
// ErrTooLarge, nothing returned). A missing program is ErrMissing.
// Output is kept in memory only; nothing is written to disk. The
// status output is read up to MaxStatusBytes.
//
// GnuPG may start the user's gpg-agent for HOME, which stays running
// after the call (it is the user's own, shared with the user's shell
// sessions, and caches passphrases for as long as the user's
// gpg-agent.conf says). No other process outlives a call.
//
// # What it reads
//
// Only the status lines ("[GNUPG:] KEYWORD ARGS", doc/DETAILS of
// GnuPG, "Format of the --status-fd output"); GnuPG's human messages go
// to the log at most. Unknown keywords and extra arguments are ignored,
// as DETAILS asks. A signature is NEWSIG up to the next NEWSIG; its
// verdict is the one of GOODSIG, BADSIG, EXPSIG, EXPKEYSIG, REVKEYSIG or
// ERRSIG (rc 9: no public key) that DETAILS guarantees for each
// signature; VALIDSIG gives the fingerprints and time, TRUST_* the key's
// validity (gpgsm: the certificate chain; TRUST_UNDEFINED's error token
// says why). A decryption is OK only with DECRYPTION_OKAY and neither
// DECRYPTION_FAILED nor BADMDC.
//
// # EFAIL
//
// gpg writes plaintext to its output before it knows whether the
// integrity check passes (a message without MDC is decrypted, written,
// then failed). Decrypt therefore returns plaintext only when the
// decryption is OK and integrity protected (GOODMDC, or DECRYPTION_INFO
// with an AEAD algorithm), and wipes the output otherwise: a message
// without integrity protection is refused (Decryption.NoIntegrity) even
// from a GnuPG that would let it through. CMS EnvelopedData has no
// integrity check: DecryptSMIME returns its content with Integrity
// false, and the caller must show it as it shows any untrusted mail
// (sanitized, remote content blocked, never merged with other parts).
//
// # Keys
//
// ListKeys and Key read the colon listing (--with-colons --with-secret
// --list-keys; doc/DETAILS, "Format of the colon listings") with
// ParseColons, which keeps pub/sec/crt/crs records with their fpr, uid
// and sub records, within MaxListingBytes, MaxKeys, MaxUserIDs and
// MaxSubkeys, and ignores every record type and field it does not know.
// Keys are named by full fingerprint only (ValidFingerprint), never by
// key id or user id. Key management takes the same no-network options as
// verification (no key fetched, no dirmngr: gpgsm checks no CRL of an
// imported certificate).
//
// Import takes public keys and certificates only, at most
// MaxImportBytes: OpenPGP data is listed first with --import-options
// show-only (a dry run) and refused when it holds a secret key; S/MIME
// data must be certificates (PEM CERTIFICATE/PKCS7 blocks, a DER
// certificate or certs-only CMS), never PKCS#12 nor a private key. What
// was imported is read from IMPORT_OK, IMPORT_PROBLEM and IMPORT_RES.
// Export gives an armored public key (export-minimal) or a PEM
// certificate; ExportMinimal the same OpenPGP key binary, the keydata of
// an Autocrypt header. GenerateKey makes an OpenPGP key pair with
// --quick-gen-key (GenerateAlgo, gpg's future-default: ed25519 with a
// cv25519 subkey), the passphrase on fd 5 (empty: no protection), and
// refuses a user id that a key has already. DeletePublic deletes a
// public key or certificate and refuses one whose secret key is in the
// ring.
//
// Deliberately not done: exporting, importing or deleting a secret key,
// signing a key, changing a passphrase, setting owner trust. These are
// for the user's shell.
//
// # Not done here
//
// Forget reloads the user's agent (gpgconf --reload gpg-agent), which
// drops every cached passphrase: the app calls it after a decryption
// with a typed passphrase, so that the passphrase is not kept for the
// agent's cache time, unless the user asked to keep it for the session
// and AgentCache (gpgconf --list-options gpg-agent: default-cache-ttl,
// max-cache-ttl) shows that the agent forgets it soon enough.
//
// # Writing
//
// For package seal: Sign makes a detached signature (gpg --armor
// --detach-sign, gpgsm --detach-sign: DER), Encrypt encrypts (gpg
// --armor --encrypt, optionally --sign in the same call; gpgsm
// --encrypt: DER EnvelopedData), and Keys lists the user's public or
// secret keys or certificates (--list-keys, --list-secret-keys), parsed
// from the colon listing by ParseColons (fuzzed); the public
// certificates validated (gpgsm --with-validation), so that a chain
// ending at no trusted root shows as validity "i" before an encryption
// that gpgsm would refuse. Signers and
// recipients are fingerprints only (ErrBadKeyID otherwise): an address
// never reaches argv, the caller searches the listing. gpg encrypts with
// --trust-model always: a key the user keeps in the keyring for an
// address is used whether or not it is certified (the compose page says
// which addresses have one); gpgsm checks the certificate chain as
// usual, so a certificate whose root is not in trustlist.txt is an
// invalid recipient. The result is read from SIG_CREATED (the digest,
// for micalg), END_ENCRYPTION (gpg; gpgsm 2.2 writes none and its exit
// status is used), INV_RECP, INV_SGNR, BAD_PASSPHRASE and the ERROR
// lines of a bad passphrase.
package gnupg
