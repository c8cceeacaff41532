// Package contacts is a user's address book: the contacts, their groups,
// the addresses collected from sent mail, completion of what a user types
// in To/Cc/Bcc, and the formats other mail programs keep addresses in.
//
// # Model
//
// A Contact has a display name, a nickname, typed e-mail addresses (home,
// work, other), typed phone numbers (home, work, cell, other), an
// organisation, a note and the names of the groups it belongs to. A group
// is only a name carried by its members (vCard CATEGORIES); it exists while
// a contact is in it. Every address is an addr-spec that net/mail reads
// back unchanged; two contacts never share an address (compared without
// case), so "the contact of an address" has one answer. A contact keeps
// the vCard properties this package does not edit (ADR, BDAY, URL, ...)
// and writes them back untouched, within the limits below; a PHOTO larger
// than MaxPhotoBytes is dropped.
//
// # Storage
//
// The book is one vCard 4.0 file, BookFile (postern/contacts.vcf in the
// Maildir), mode 600, so that backups and other tools see it. Store reads
// it and changes it under an exclusive lock (BookFile + ".lock"),
// replacing it atomically (temporary file, fsync, rename). Every contact
// has an ETag, a digest of its own vCard: an edit names the ETag it
// started from and is refused with ErrStale when the contact changed
// since (a second tab), never written over. A change that would break a
// limit is refused whole (ErrLimit); nothing is partly written.
//
// The collected addresses (Collected) are a separate file, CollectedFile,
// JSON, at most MaxCollected entries; the least recently used is
// forgotten first. Whether to collect is the caller's switch.
//
// # Formats
//
//   - vCard 3.0 and 4.0 (RFC 2426, RFC 6350) through
//     github.com/emersion/go-vcard. Several cards in one file. Version
//     2.1 cards (QUOTED-PRINTABLE, CHARSET parameters) are skipped with a
//     reason, not misread. Written as 4.0, lines not folded (go-vcard
//     does not fold; RFC 6350 readers unfold, and every reader we know
//     accepts long lines), one CATEGORIES property per group.
//   - CSV (encoding/csv) of Google Contacts (both the current "E-mail 1 -
//     Value"/"Labels" layout and the older "Group Membership" one), Outlook
//     ("E-mail Address", "E-mail 2 Address", "Categories") and Thunderbird
//     ("Primary Email", "Secondary Email"), known by their header row;
//     columns are matched by name, in any order, and missing ones are
//     empty. Input that is not UTF-8 is read as Windows-1252 (the Latin-1
//     superset Outlook and older Thunderbird write); a UTF-8 or UTF-16 byte
//     order mark is honoured; a header with more semicolons than commas
//     is read with ";" (Outlook in some locales). Exported in Google's
//     current layout, which the three programs import.
//   - mutt alias files (ReadMutt): "alias [-group name]... key address,
//     ...", with "\" continuation lines and "#" comments. An alias with
//     several addresses becomes one contact per address, all in a group
//     named after the key. QUIRK: mutt runs `backquoted` commands and
//     follows "source" lines; this package never does either: such lines
//     are skipped and reported, as is every other command.
//   - abook's addressbook file (ReadAbook): INI-like numbered sections with
//     name, email (comma separated), nick, phone, workphone, mobile,
//     notes and groups.
//
// An import is parsed whole (a Result: contacts and the entries skipped,
// each with where and why), previewed against the book (Book.Preview: to
// add, duplicates of an existing contact by address, skipped) and then
// applied in one write (Store.Import), or not at all.
//
// # Completion
//
// Complete returns the candidates for what a user has typed: collected
// addresses first (most used first), then contacts, then groups, which
// expand to their members (ExpandGroups) when the form is sent. It
// matches the start of the name, of any of its words, of the nickname,
// of the address and of the group name, without case.
//
// Reading the vCard file of 10,000 contacts costs more than a hundred
// milliseconds, too much for every compose page of a CGI program. So
// Update also writes IndexFile (contacts.idx, mode 600): one line per
// contact with its UID, name, nickname, organisation, addresses and
// groups, stamped with the book file's inode, size and modification
// time. Store.Complete and Store.Known read it line by line without
// building the book (BenchmarkLoadComplete: under 12 ms of CPU at 10,000
// contacts); LoadIndex gives the lists their contacts from it. When the
// stamp does not match (another program changed the book), the book is
// read and the index written again.
//
// # Limits
//
// MaxContacts, MaxFieldsPerContact, MaxValueBytes, MaxImportBytes,
// MaxBookBytes, MaxCollected and MaxPhotoBytes are the documented bounds;
// every read of untrusted bytes is bounded by one of them.
//
// # Not supported
//
// Postal addresses, birthdays and photos are kept but not edited;
// contacts are not synchronised with CardDAV; no importer runs a program
// or reads another file than the one it is given. A card of the book file
// that this package cannot show (a group card, vCard 2.1) is kept and
// written back; the parts of a shown card it drops (an invalid address,
// a property over the limits) are lost at the next write. CSV export
// writes Google's layout only.
package contacts

// Limits. The book and every import are refused whole beyond them.
const (
	// MaxContacts is the largest number of contacts in a book.
	MaxContacts = 20000
	// MaxFieldsPerContact bounds the properties of one contact (names,
	// addresses, phones, groups and the properties kept untouched).
	MaxFieldsPerContact = 100
	// MaxValueBytes bounds one property's value (a note, a name, ...).
	MaxValueBytes = 8 << 10
	// MaxPhotoBytes is the largest PHOTO kept; a larger one is dropped.
	MaxPhotoBytes = 16 << 10
	// MaxImportBytes bounds a file to import.
	MaxImportBytes = 4 << 20
	// MaxBookBytes bounds the book file.
	MaxBookBytes = 32 << 20
	// MaxCollected is the number of collected addresses kept.
	MaxCollected = 1000
	// MaxGroupBytes bounds a group's name.
	MaxGroupBytes = 64
)
