// Package filters is a user's mail rules and vacation reply, kept as
// postern's own structured file and written out in the language of the
// site's delivery agent, which runs them when mail arrives (postern runs
// only when the user clicks, so it never filters mail itself).
//
// # Model
//
// A Set is an ordered list of Rules and one Vacation. A Rule is enabled or
// not, and matches when all (or any) of its Conditions hold; a rule with
// no condition matches every message. A Condition tests a header (From,
// To, Cc, Subject, or any other header named by the user) with contains,
// is or matches (wildcards '*' and '?'), each of them negatable, or the
// message's size (over or under a number of bytes). Header tests ignore
// case (Sieve's default i;ascii-casemap comparator; maildrop's patterns
// are case-insensitive). Actions, in the order they run:
//
//   - read, flag: mark the message \Seen or \Flagged in every delivery
//     that follows (Sieve addflag, RFC 5232; maildrop FLAGS);
//   - copy to a folder, forward keeping a copy: deliver there too and go
//     on with the next rule (Sieve fileinto :copy and redirect :copy,
//     RFC 3894; maildrop cc);
//   - move to a folder, discard, forward without a copy: the message's
//     end; no later rule runs (Sieve fileinto/discard/redirect then stop;
//     maildrop to and exit);
//   - stop: keep the message in the Inbox and run no later rule.
//
// A rule has at most one of the ending actions, which always runs last.
// The Vacation (RFC 5230) answers mail addressed to one of the user's own
// addresses, at most once per sender in Days days (default 7), between an
// optional start and end date (inclusive, the delivery host's local
// time), with the user's subject and text. It runs before the rules, so
// that mail a rule files away is answered too, and never answers (RFC
// 3834 section 2): mail with an Auto-Submitted header other than "no",
// Precedence bulk, list or junk, a List-Id header, an empty envelope
// sender (Sieve's envelope "from"; maildrop's FROM, which is
// MAILER-DAEMON without one, and an empty Return-Path:), or a spam
// verdict (X-Spam-Flag: YES). The Sieve interpreter
// (Pigeonhole) and mailbot both add "Auto-Submitted: auto-replied" to the
// reply. Pigeonhole answers the envelope sender; mailbot answers the
// Reply-To or From address (its -f does not change the reply's To).
//
// # Storage
//
// The Set lives in <Maildir>/postern/filters.json, mode 600, replaced
// atomically (privfile.WriteAtomic) under <Maildir>/postern/filters.lock
// (lockfile). Load and Save check it with Set.Validate; a file that fails
// is an error, never half-applied.
//
// # Generated scripts
//
// Sieve (RFC 5228, with fileinto, copy RFC 3894, imap4flags RFC 5232,
// vacation RFC 5230, envelope, date RFC 5260, relational RFC 5231 and
// mailbox RFC 5490 for fileinto :create, since a fileinto to a missing
// folder makes Pigeonhole drop every action of the script) for Dovecot's
// Pigeonhole; folders are named with '.' between levels, as Dovecot's
// Maildir++ layout does. maildrop cannot create a folder, and a delivery
// to a missing one fails: the caller creates the folders of a Set
// (Set.Folders) before it installs it. maildrop(1) filter language
// (~/.mailfilter, as SqWebMail writes it), which first sets DEFAULT to
// the Maildir (maildrop's compiled-in default is the mbox in /var/mail,
// which postern does not read), folders named by their
// Maildir++ directory, the vacation through mailbot(1) with -d/-D (the
// once-per-sender database needs maildrop's GDBM support, as Debian's
// has), -r for the own addresses and the text and subject from files
// beside filters.json; maildrop matches raw header lines, so a condition
// with non-ASCII text does not match an RFC 2047-encoded header.
//
// Every user string is written as a literal: Sieve quoted strings with
// '"' and '\' escaped (no "variables" extension is required, so "${...}"
// is text), and for :matches the wildcard's own '\' escape; maildrop
// patterns with every ASCII character other than letters, digits and
// space escaped by a backslash (so regular-expression specials, '/', '$'
// variable substitution and backticks are literal), and maildrop strings
// single-quoted (no substitution) with backslash and apostrophe escaped
// by a backslash. What cannot
// be written as a literal is refused by Validate with a message that says
// what: control characters (line breaks included) in a condition, a
// folder name, an address or the vacation subject; an address that is not
// a plain local@domain; a header name outside RFC 5322's field-name
// characters; a maildrop path with a character that would need quoting
// in the shell mailbot is run from.
//
// # Hand-written scripts
//
// postern never edits a file it did not write. Each generated script
// starts with Marker; Install writes the script file only when it is
// missing or starts with Marker, and otherwise refuses with ErrNotOurs,
// leaving the user's file as it is. For Sieve, postern's script is a file
// of its own (by default ~/sieve/postern.sieve) and the active script
// (~/.dovecot.sieve) is made a symbolic link to it only when there is no
// active script yet, or the link already points to it; a user with a
// hand-written active script keeps it and can run postern's rules from it
// with `require "include"; include :personal "postern";`. This is safer
// than editing a managed block inside the user's file: no parse of a
// hand-written script, no chance of losing a line, and the user decides
// where postern's rules run. maildrop reads one ~/.mailfilter, so postern
// writes it only when it is missing or its own; a user who wants both
// includes postern's file from a hand-written one (maildrop include).
//
// Before a script replaces the old one it is compiled by the site's own
// compiler (Checker): sievec(1) into a temporary binary, or maildrop in
// manual mode on a copy whose first statement is exit (maildrop parses the
// whole file before it runs any of it, so a syntax error is found and
// nothing is delivered; maildrop reads /etc/maildroprc before it, so a
// site whose maildroprc delivers by itself cannot use this check). If it
// does not compile the old script stays and the error, with the
// compiler's output, goes to the user.
//
// Not supported: body tests, regular expressions typed by the user,
// header tests on decoded MIME parts, more than one vacation text, rules
// that reject (bounce) mail, and reading back scripts written by others.
package filters
