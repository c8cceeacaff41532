// Command postern-helper does for one request of postern what the
// request binary leaves out so that every other request does not map it:
// it checks the browser's answer to a passkey ceremony (WebAuthn, with
// github.com/go-webauthn/webauthn: package passkey/ceremony) and looks
// people up in the site's directory (LDAP, with github.com/go-ldap/ldap:
// package directory/ldapsearch). Together they bring crypto/tls,
// net/http, CBOR, TPM attestation and X.509 roots parsed at start-up,
// which cost every request page faults when linked into postern.
//
// # Protocol
//
// postern runs it after the privilege drop, as the user, inside the
// request's Landlock domain, only for the requests gate lets execute it
// (gate.RunsHelper: the passkey ceremonies and the directory lookups),
// with a fixed argv and an empty environment:
//
//	postern-helper passkey    < passkey.HelperRequest   > passkey.HelperAnswer
//	postern-helper directory  < directory.HelperRequest > directory.HelperAnswer
//
// The request is one JSON object on stdin, at most MaxRequestBytes; the
// answer one JSON object on stdout, whose size the caller bounds
// (passkey.MaxHelperAnswerBytes, directory.MaxHelperAnswerBytes), as it
// bounds the time (passkey.HelperTimeout; directory_timeout plus
// directory.HelperMargin). A ceremony that fails or a directory that does
// not answer is an answer (Refused, Unavailable), with exit status 0.
//
// # Exit status
//
//	0  an answer was written
//	1  the answer could not be written
//	2  usage: not one argument, or not passkey or directory
//	3  a bad request: too long, not JSON, an unknown operation, a
//	   configuration the libraries refuse
//
// On a status other than 0, one line on stderr says why; postern logs it
// and shows an error page (503 for a passkey; a directory that did not
// answer for a lookup).
//
// # What it does not do
//
// It reads nothing from the environment and takes no option; it is not
// set-ID and gains nothing the request had not (the same user, the same
// Landlock rules, which let a passkey run read nothing it needs and a
// directory lookup reach the directory's port alone). It keeps no state:
// what a ceremony changes (a counter, a new credential) is stored by
// postern, under its lock. It is static and cgo-free: it needs no dynamic
// loader and no library, which the sandbox would have to allow.
package main
