// Package maildir is postern's safe access to one user's Maildir++ store.
//
// The store is the Maildir at Store.Root (cur/, new/, tmp/), which is the
// INBOX, plus Maildir++ folders (Courier, Dovecot "maildir" layout): each
// folder is a direct child directory of the root named "." followed by the
// folder's components joined by ".", each component in IMAP modified UTF-7
// (RFC 3501 section 5.1.3), e.g. display name "Lists.Entwürfe" is
// ".Lists.Entw&APw-rfe". Every folder holds cur/, new/, tmp/ and an empty
// "maildirfolder" file. Message files follow the Maildir specification
// (https://cr.yp.to/proto/maildir.html): "<key>:2,<flags>" in cur/, "<key>"
// in new/.
//
// The package is built over github.com/emersion/go-maildir, which trusts its
// inputs. Here every folder name and message key coming from a request is
// validated first (ValidFolderName, ValidKey), so that no name can reach
// outside the root: a folder always maps to the root itself or to one
// direct child of it, and a key to one file name inside cur/ or new/.
//
// The process runs as the mail's owner with umask 077; directories are
// created with mode 700 and files with mode 600.
//
// Crash safety: moves are one rename(2) per message, so a crash leaves every
// message in exactly one place; copies are written to tmp/, fsynced and then
// renamed into cur/ under a fresh key, so a crash leaves at most a file in
// tmp/, which SweepTmp removes once it is TmpMaxAge (36 hours) old, as
// every Maildir reader should (a request killed while saving a draft
// leaves one, as does any other writer killed mid-write). Directories are fsynced after renames that must survive. DeleteFolder
// first renames the folder aside (to ".postern-deleting-<random>"), then
// moves its messages to the trash, then removes it: after a crash, any
// message not yet moved is still visible in that folder.
//
// The list cache: List keeps, per folder, the file "postern-list.cache" in
// the folder directory, mapping each message key to its Summary and size, so
// that only messages not seen before are read (at most MaxSummarizeBytes of
// each). It is a private binary format with a checksum, written to tmp/ and
// renamed into place, so concurrent processes never see a partial file; a
// missing, truncated or corrupt cache is silently rebuilt. Flags always come
// from the file names, never from the cache.
//
// Deliberate divergences and limits:
//   - Display names may not use "/" nor control characters, and the first
//     component may not be "INBOX" in any case, even where other software
//     would allow it. Directories whose names do not decode (bad modified
//     UTF-7, non-canonical encoding, forbidden characters) are not listed.
//   - Dovecot's optional UTF-8 folder names on disk and its "LAYOUT=fs" are
//     not supported.
//   - Files whose key is not valid for ValidKey are left alone and not
//     listed; files whose info is not "2," are listed with no flags.
//   - Dovecot keyword letters (a-z) in the flags are kept but not shown.
package maildir
