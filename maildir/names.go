package maildir

import (
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-imap/utf7"
	"github.com/emersion/go-maildir/maildirpp"
)

// Inbox is the display name of the Maildir root.
const Inbox = "INBOX"

// MaxNameBytes bounds a folder's display name and its directory name, and a
// message key (NAME_MAX on Linux).
const MaxNameBytes = 255

// ValidFolderName reports whether name is acceptable as the display name of
// a new folder: valid UTF-8, at most MaxNameBytes both as given and once
// encoded on disk, components separated by '.' none of which is empty (so no
// leading, trailing or doubled '.'), no '/', no control characters (C0, DEL,
// C1), and a first component other than "INBOX" in any case.
func ValidFolderName(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	first, _, _ := strings.Cut(name, ".")
	if strings.EqualFold(first, Inbox) {
		return invalidf("folder name %q is reserved", name)
	}
	return nil
}

// checkName is ValidFolderName without the INBOX rule.
func checkName(name string) error {
	switch {
	case name == "":
		return invalidf("empty folder name")
	case len(name) > MaxNameBytes:
		return invalidf("folder name too long")
	case !utf8.ValidString(name):
		return invalidf("folder name %q is not UTF-8", name)
	}
	for _, r := range name {
		if r == '/' || isControl(r) {
			return invalidf("folder name %q has a forbidden character", name)
		}
	}
	for _, c := range strings.Split(name, ".") {
		if c == "" {
			return invalidf("folder name %q has an empty component", name)
		}
	}
	if len(encodeFolder(name)) > MaxNameBytes {
		return invalidf("folder name too long")
	}
	return nil
}

// ValidKey reports whether key can name a message: not empty, at most
// MaxNameBytes, valid UTF-8, no '/', ':' nor control characters, and not
// starting with '.' (so neither "." nor "..", and never a hidden file).
func ValidKey(key string) error {
	switch {
	case key == "":
		return invalidf("empty key")
	case len(key) > MaxNameBytes:
		return invalidf("key too long")
	case key[0] == '.':
		return invalidf("key %q starts with a dot", key)
	case !utf8.ValidString(key):
		return invalidf("key %q is not UTF-8", key)
	}
	for _, r := range key {
		if r == '/' || r == ':' || isControl(r) {
			return invalidf("key %q has a forbidden character", key)
		}
	}
	return nil
}

func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f)
}

// encodeFolder returns the directory name of a checked, non-INBOX display
// name: "." + the components in modified UTF-7 joined by ".".
func encodeFolder(name string) string {
	parts := strings.Split(name, ".")
	enc := utf7.Encoding.NewEncoder()
	for i, p := range parts {
		e, err := enc.String(p)
		if err != nil {
			// Unreachable for valid UTF-8; never let it name a directory.
			return strings.Repeat(".", MaxNameBytes+1)
		}
		parts[i] = e
	}
	dir, err := maildirpp.Join(parts)
	if err != nil {
		return strings.Repeat(".", MaxNameBytes+1)
	}
	return dir
}

// decodeFolder returns the display name of a directory name found in the
// root, or ok false if it is not a folder this package would have created:
// the decoding must be valid, canonical (encoding it again gives dir back)
// and pass checkName.
func decodeFolder(dir string) (name string, ok bool) {
	if len(dir) < 2 || len(dir) > MaxNameBytes {
		return "", false
	}
	parts, err := maildirpp.Split(dir)
	if err != nil {
		return "", false
	}
	dec := utf7.Encoding.NewDecoder()
	for i, p := range parts {
		if p == "" {
			return "", false
		}
		d, err := dec.String(p)
		if err != nil {
			return "", false
		}
		parts[i] = d
	}
	name = strings.Join(parts, ".")
	if checkName(name) != nil || strings.EqualFold(parts[0], Inbox) || encodeFolder(name) != dir {
		return "", false
	}
	return name, true
}

// folderDir returns the directory of folder (INBOX or a display name), after
// validating the name. The result is Root or a direct child of Root.
func (s *Store) folderDir(folder string) (string, error) {
	if folder == Inbox {
		return s.Root, nil
	}
	if err := ValidFolderName(folder); err != nil {
		return "", err
	}
	return filepath.Join(s.Root, encodeFolder(folder)), nil
}

// FolderPath returns the directory under root that holds the folder with
// display name name (root itself for INBOX), whether or not it exists yet:
// what a delivery agent writes to (package filters names it in maildrop
// rules). name must pass ValidFolderName, or be INBOX.
func FolderPath(root, name string) (string, error) {
	if name == Inbox {
		return root, nil
	}
	if err := ValidFolderName(name); err != nil {
		return "", err
	}
	return filepath.Join(root, encodeFolder(name)), nil
}
