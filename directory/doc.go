// Package directory is the site's directory: an optional, read-only
// lookup of people in an LDAP server (RFC 4511) the administrator names
// in postern.conf, offered to users in compose's completion and on a
// directory search page. The lookup itself runs in postern-helper
// (package directory/ldapsearch, with github.com/go-ldap/ldap/v3 for the
// protocol, the filters and the DNs; helper/doc.go), not in the request
// binary, which every request maps: this package keeps the
// configuration, the filter's escaping, and the result, and Search runs
// `postern-helper directory` with a fixed argv, the request on a pipe
// (HelperRequest), within Config.Timeout plus HelperMargin and
// MaxHelperAnswerBytes (package internal/helperrun). A helper that cannot
// be run, or does not answer, is ErrUnavailable like a directory that
// does not.
//
// # What it does
//
// Search connects to Config.URI (ldap://host[:port], or ldaps:// for TLS
// from the start; Config.StartTLS upgrades an ldap:// connection with
// the StartTLS operation, RFC 4513 section 3), binds, searches the
// subtree of Config.Base with Config.Filter and returns the entries that
// have at least one usable e-mail address, as Entry values (name,
// addresses, organisation, phone), read from the attributes of
// Config.Attributes. Then it unbinds and closes: one connection a
// lookup, nothing cached, nothing kept.
//
//   - Bind: anonymous when Config.BindDN is empty (the default: most
//     site directories let anyone read names and addresses); otherwise a
//     simple bind with the DN and the password read from
//     Config.BindPasswordFile (its first line). The lookup runs after the
//     privilege drop, as the user, so that file must be readable by the
//     users of the webmail (a group they share, or everyone): whoever can
//     log in can read it, and can search the directory as that account.
//     Give it an account that may read only what every user may read
//     anyway. A simple bind is refused over a connection without TLS
//     unless the URI is a loopback address: the password would cross the
//     network in the clear.
//   - TLS: certificates verified against the system's roots, or only
//     against the PEM file Config.CAFile when set; the host name of the
//     URI must match. There is no switch to turn verification off.
//   - Filter: Config.Filter is a template in which every "%s" stands for
//     the user's text, escaped with the LDAP library's ldap.EscapeFilter
//     (RFC 4515 section 3: '*', '(', ')', '\', NUL and every byte outside
//     ASCII become \XX) by the helper (ldapsearch.BuildFilter), so that a
//     search can never change the filter's structure: "*" finds the people
//     whose name starts with a star, not everyone (an LDAP injection).
//     This package checks only the template (CheckFilter).
//   - Limits: at most Config.SizeLimit entries (asked of the server as
//     the search's size limit and enforced here), at most MaxQuery bytes
//     of text, at most MaxValueBytes a value and MaxMails addresses an
//     entry (longer values are dropped). The whole lookup, dial, TLS
//     handshake, bind and search, has one deadline, Config.Timeout (a
//     server's time limit, in whole seconds, is asked too): a directory
//     that does not answer costs at most that, and the caller shows its
//     page without directory results.
//
// # Errors
//
// Every failure to reach or use the directory wraps ErrUnavailable (the
// error text says what failed, for the log; the user is told only that
// the directory did not answer). A server that found more than the size
// limit is not a failure: Result.Truncated says so. A configuration
// that cannot work (a URI that does not parse, a base that is not a
// DN, a filter that does not compile, an attribute map without mail)
// wraps ErrConfig: Config.Check reports what needs no LDAP parsing,
// Config.CheckAll (which -check-config runs) the rest too, through the
// helper.
//
// # What it does not do
//
// It never writes to the directory, never follows referrals, does not
// page (RFC 2696) beyond the size limit, does not read photos or
// certificates, and does not use SASL binds (GSSAPI, EXTERNAL) or the
// ldapi:// scheme. Nothing is cached between requests. Whether a
// request may reach the network at all is the sandbox's decision
// (package gate), not this package's.
package directory
