package maildir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// msgFile is one message file as found on disk.
type msgFile struct {
	sub   string // "cur" or "new"
	name  string // file name
	key   string
	flags string // info letters after "2,", sorted; "" in new/
}

func (m msgFile) path(dir string) string { return filepath.Join(dir, m.sub, m.name) }

// parseName splits a file name into key and flag letters. A name without
// ":2," info has no flags.
func parseName(name string) (key, flags string) {
	key, info, _ := strings.Cut(name, ":")
	if f, ok := strings.CutPrefix(info, "2,"); ok {
		flags = f
	}
	return key, flags
}

// curName is the file name of a message in cur/.
func curName(key, flags string) string { return key + ":2," + flags }

// applyFlags returns flags with the letters of add set and those of remove
// cleared, sorted in ASCII order without duplicates as the Maildir
// specification requires.
func applyFlags(flags, add, remove string) string {
	var set [128]bool
	for _, c := range []byte(flags + add) {
		if c < 128 {
			set[c] = true
		}
	}
	for _, c := range []byte(remove) {
		if c < 128 {
			set[c] = false
		}
	}
	var b strings.Builder
	for c := 0x21; c < 0x7f; c++ {
		if set[c] && c != ',' && c != ':' && c != '/' {
			b.WriteByte(byte(c))
		}
	}
	return b.String()
}

// scan returns the messages of sub ("cur" or "new") of the folder at dir
// whose key is valid, one per key.
func scan(dir, sub string) ([]msgFile, error) {
	names, err := readNames(filepath.Join(dir, sub))
	if err != nil {
		return nil, err
	}
	msgs := make([]msgFile, 0, len(names))
	// One file per key: a duplicate would be ambiguous; keep the least
	// name so that every process picks the same one.
	at := make(map[string]int, len(names))
	for _, n := range names {
		key, flags := parseName(n)
		if sub == "new" {
			flags = ""
		}
		if ValidKey(key) != nil {
			continue
		}
		if i, dup := at[key]; dup {
			if n < msgs[i].name {
				msgs[i] = msgFile{sub: sub, name: n, key: key, flags: flags}
			}
			continue
		}
		at[key] = len(msgs)
		msgs = append(msgs, msgFile{sub: sub, name: n, key: key, flags: flags})
	}
	return msgs, nil
}

// index maps the keys of the folder at dir to their files, cur/ first.
func index(dir string) (map[string]msgFile, error) {
	cur, err := scan(dir, "cur")
	if err != nil {
		return nil, err
	}
	nw, err := scan(dir, "new")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	idx := make(map[string]msgFile, len(cur)+len(nw))
	for _, m := range append(cur, nw...) {
		if _, dup := idx[m.key]; !dup {
			idx[m.key] = m
		}
	}
	return idx, nil
}

// moveNew moves every message of new/ to cur/ with empty info, as a Maildir
// reader must, keeping its key, and returns the keys it moved. Messages
// another process moved or removed first are skipped and set raced: cur/
// may then hold files this call did not put there.
func moveNew(dir string) (moved []string, raced bool, err error) {
	msgs, err := scan(dir, "new")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	var errs []error
	for _, m := range msgs {
		err := os.Rename(m.path(dir), filepath.Join(dir, "cur", curName(m.key, "")))
		switch {
		case err == nil:
			moved = append(moved, m.key)
		case errors.Is(err, fs.ErrNotExist):
			raced = true
		default:
			errs = append(errs, err)
		}
	}
	if len(moved) > 0 {
		errs = append(errs, syncDir(filepath.Join(dir, "cur")), syncDir(filepath.Join(dir, "new")))
	}
	return moved, raced, errors.Join(errs...)
}

// lookup finds the file of key in the folder at dir, trying the common names
// before reading the directories.
func lookup(dir, key string) (msgFile, bool) {
	if m, ok := guess(dir, key); ok {
		return m, true
	}
	for _, sub := range []string{"cur", "new"} {
		msgs, _ := scan(dir, sub)
		for _, m := range msgs {
			if m.key == key {
				return m, true
			}
		}
	}
	return msgFile{}, false
}

// guess finds the file of key in the folder at dir under its common names
// (in cur/ with the usual flags, or in new/) without reading the
// directories. A file it finds is the one scan would pick for key unless
// another file of the same key sorts before it (which lookup tolerates
// too).
func guess(dir, key string) (msgFile, bool) {
	for _, flags := range []string{"S", "", "RS", "FS", "F", "FRS", "ST"} {
		name := curName(key, flags)
		if fi, err := os.Lstat(filepath.Join(dir, "cur", name)); err == nil && fi.Mode().IsRegular() {
			return msgFile{sub: "cur", name: name, key: key, flags: flags}, true
		}
	}
	if fi, err := os.Lstat(filepath.Join(dir, "new", key)); err == nil && fi.Mode().IsRegular() {
		return msgFile{sub: "new", name: key, key: key}, true
	}
	return msgFile{}, false
}
