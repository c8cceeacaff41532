// Package guard is postern's brute-force defence and network allowlist. It
// runs in the root room, before the privilege drop, so it is small, uses
// only the standard library and parses nothing but its own state files and
// the client address.
//
// # Failure counting
//
// Every failed login is counted twice: against the user name that was
// tried and against the client's IP address. A counter is one small file
// in Guard.Dir, a directory owned by the effective user (root) with mode
// 700: "u-" followed by the hex SHA-256 of the user name (so any string an
// attacker sends becomes a fixed, safe file name), or "i-" followed by the
// hex of the address in its 16-byte form. The file holds one line,
// "count last-failure-unix-seconds". Every read-modify-write holds an
// flock(2) on that file, so simultaneous CGI processes never lose a count.
//
// Names that do not exist are counted exactly like real ones, and a locked
// name gets the same answer as a wrong password: the login page never tells
// whether a user exists. A successful login resets the user's counter (not
// the address's, so one valid account does not unlock an address that is
// guessing others).
//
// # Delays and lockout
//
// With n failures on record (for an address, scaled by UserLock/IPLock, so
// that many users behind one NAT are not slowed by each other's typos),
// Check returns a delay of 0 while n <= Limits.Free, then 1 s, 2 s, 4 s, ... up to Limits.MaxDelay; the caller
// sleeps before it asks the backend. From Limits.UserLock failures for a
// name (Limits.IPLock for an address) the name or address is locked: the
// backend is not asked at all. A counter is forgotten Limits.Window after
// its last failure, which also ends a lockout.
//
// # What is not protected against
//
// A distributed guess from many addresses at many names stays under both
// limits; fail2ban on the audit log (dist/fail2ban) blocks addresses at the
// firewall. An attacker can lock a victim's name out on purpose (the price
// of any lockout). Counter files of names that were tried once stay until
// Sweep removes the forgotten ones.
//
// # Network allowlist
//
// ParseAllow reads a list of CIDR prefixes (IPv4 and IPv6, separated by
// commas or white space; a bare address is a /32 or /128). Allowed reports
// whether an address is inside one of them; an empty list allows every
// address. IPv4-mapped IPv6 addresses are compared as IPv4.
package guard
