package maildir

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	gomaildir "github.com/emersion/go-maildir"
)

// FlagLetters are the flag letters Flag accepts (Maildir info "2,").
const FlagLetters = string(gomaildir.FlagDraft) + string(gomaildir.FlagFlagged) +
	string(gomaildir.FlagPassed) + string(gomaildir.FlagReplied) +
	string(gomaildir.FlagSeen) + string(gomaildir.FlagTrashed)

// MessagePath returns the path of the file of message key in folder, in cur/
// or else new/. A missing message gives a *NotFoundError.
func (s *Store) MessagePath(folder, key string) (string, error) {
	if err := ValidKey(key); err != nil {
		return "", err
	}
	dir, err := s.existingDir(folder)
	if err != nil {
		return "", err
	}
	m, ok := lookup(dir, key)
	if !ok {
		return "", &NotFoundError{Folder: folder, Key: key}
	}
	return m.path(dir), nil
}

// resolve validates keys and finds their files in the folder at dir. Missing
// keys are reported in the joined error but do not stop the others. Each
// key is looked for under its common names first (guess); the folder's
// directories are read, once, only for the keys not found so.
func resolve(folder, dir string, keys []string) ([]msgFile, error) {
	for _, k := range keys {
		if err := ValidKey(k); err != nil {
			return nil, err
		}
	}
	var msgs []msgFile
	var missed []string
	done := make(map[string]bool, len(keys))
	for _, k := range keys {
		if done[k] {
			continue
		}
		done[k] = true
		if m, ok := guess(dir, k); ok {
			msgs = append(msgs, m)
		} else {
			missed = append(missed, k)
		}
	}
	if len(missed) == 0 {
		return msgs, nil
	}
	idx, err := index(dir)
	if err != nil {
		return nil, fmt.Errorf("maildir: %w", err)
	}
	var errs []error
	for _, k := range missed {
		m, ok := idx[k]
		if !ok {
			errs = append(errs, &NotFoundError{Folder: folder, Key: k})
			continue
		}
		msgs = append(msgs, m)
	}
	return msgs, errors.Join(errs...)
}

// Flag adds the flag letters of add and removes those of remove (letters
// of FlagLetters) on each message; messages still in new/ move to cur/. It
// reports, by key, the name in cur/ of each message it set the flags of
// (renamed or already so named), for a caller that keeps its own view of
// cur/ (the search index). A message it did
// not find, or could not rename, is not in names.
func (s *Store) Flag(folder string, keys []string, add, remove string) (names map[string]string, err error) {
	for _, c := range add + remove {
		if !strings.ContainsRune(FlagLetters, c) {
			return nil, invalidf("flag %q", c)
		}
	}
	dir, err := s.existingDir(folder)
	if err != nil {
		return nil, err
	}
	msgs, err := resolve(folder, dir, keys)
	errs := []error{err}
	names = make(map[string]string, len(msgs))
	for _, m := range msgs {
		flags := applyFlags(m.flags, add, remove)
		if m.sub == "cur" && flags == m.flags {
			names[m.key] = m.name
			continue
		}
		name := curName(m.key, flags)
		if err := os.Rename(m.path(dir), filepath.Join(dir, "cur", name)); err != nil {
			errs = append(errs, fmt.Errorf("maildir: set flags: %w", err))
			continue
		}
		names[m.key] = name
	}
	return names, errors.Join(errs...)
}

// Relocate renames each message into dst/cur keeping its key and flags (a
// message whose key already exists in dst gets a fresh key). Each move is
// one rename(2), so a crash leaves every message in exactly one place. It
// reports what it did, for a caller that keeps its own view of cur/ (the
// search index): out maps the key of every
// message it moved out of src to "", in maps the key of every message it
// moved into dst (a fresh key when its own was taken) to its name in
// dst/cur.
func (s *Store) Relocate(src string, keys []string, dst string) (out, in map[string]string, err error) {
	srcDir, err := s.existingDir(src)
	if err != nil {
		return nil, nil, err
	}
	dstDir, err := s.existingDir(dst)
	if err != nil {
		return nil, nil, err
	}
	msgs, err := resolve(src, srcDir, keys)
	if srcDir == dstDir {
		return nil, nil, err
	}
	out, in = map[string]string{}, map[string]string{}
	errs := []error{err, moveAll(srcDir, msgs, dstDir, out, in)}
	return out, in, errors.Join(errs...)
}

// moveAll renames msgs from the folder at srcDir into dstDir/cur and syncs
// the directories, noting each move in out and in (see Relocate).
func moveAll(srcDir string, msgs []msgFile, dstDir string, out, in map[string]string) error {
	if len(msgs) == 0 {
		return nil
	}
	taken, err := index(dstDir)
	if err != nil {
		return fmt.Errorf("maildir: move: %w", err)
	}
	var errs []error
	for _, m := range msgs {
		key := m.key
		if _, dup := taken[key]; dup || key == "" {
			if key, err = newKey(); err != nil {
				return err
			}
		}
		name := curName(key, applyFlags(m.flags, "", ""))
		if err := os.Rename(m.path(srcDir), filepath.Join(dstDir, "cur", name)); err != nil {
			errs = append(errs, fmt.Errorf("maildir: move: %w", err))
			continue
		}
		out[m.key], in[key] = "", name
	}
	errs = append(errs, syncDir(filepath.Join(dstDir, "cur")),
		syncDir(filepath.Join(srcDir, "cur")), syncDir(filepath.Join(srcDir, "new")))
	return errors.Join(errs...)
}

// Copy copies each message into dst under a fresh key, keeping its flags:
// the copy is written to dst/tmp, fsynced, then renamed into dst/cur.
func (s *Store) Copy(src string, keys []string, dst string) error {
	srcDir, err := s.existingDir(src)
	if err != nil {
		return err
	}
	dstDir, err := s.existingDir(dst)
	if err != nil {
		return err
	}
	msgs, err := resolve(src, srcDir, keys)
	errs := []error{err}
	for _, m := range msgs {
		if err := copyFile(m.path(srcDir), dstDir, applyFlags(m.flags, "", "")); err != nil {
			errs = append(errs, err)
		}
	}
	if len(msgs) > 0 {
		errs = append(errs, syncDir(filepath.Join(dstDir, "cur")))
	}
	return errors.Join(errs...)
}

func copyFile(srcPath, dstDir, flags string) (err error) {
	key, err := newKey()
	if err != nil {
		return err
	}
	in, err := os.Open(srcPath)
	if err != nil {
		return fmt.Errorf("maildir: copy: %w", err)
	}
	defer in.Close()
	tmp := filepath.Join(dstDir, "tmp", key)
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("maildir: copy: %w", err)
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = io.Copy(out, in); err != nil {
		return fmt.Errorf("maildir: copy: %w", err)
	}
	if err = out.Sync(); err != nil {
		return fmt.Errorf("maildir: copy: %w", err)
	}
	if err = out.Close(); err != nil {
		return fmt.Errorf("maildir: copy: %w", err)
	}
	if err = os.Rename(tmp, filepath.Join(dstDir, "cur", curName(key, flags))); err != nil {
		return fmt.Errorf("maildir: copy: %w", err)
	}
	return nil
}

// Remove removes the messages permanently, and reports, for a caller that
// keeps its own view of cur/ (the search index), the key of every message
// it removed, mapped to "".
func (s *Store) Remove(folder string, keys []string) (gone map[string]string, err error) {
	dir, err := s.existingDir(folder)
	if err != nil {
		return nil, err
	}
	msgs, err := resolve(folder, dir, keys)
	gone = map[string]string{}
	rerr := removeAll(dir, msgs)
	for _, m := range msgs {
		if _, serr := os.Lstat(m.path(dir)); errors.Is(serr, os.ErrNotExist) {
			gone[m.key] = ""
		}
	}
	return gone, errors.Join(err, rerr)
}

// Empty removes every message of folder permanently.
func (s *Store) Empty(folder string) error {
	dir, err := s.existingDir(folder)
	if err != nil {
		return err
	}
	var msgs []msgFile
	for _, sub := range []string{"cur", "new"} {
		names, err := readNames(filepath.Join(dir, sub))
		if err != nil {
			return fmt.Errorf("maildir: empty: %w", err)
		}
		for _, n := range names {
			msgs = append(msgs, msgFile{sub: sub, name: n})
		}
	}
	return removeAll(dir, msgs)
}

func removeAll(dir string, msgs []msgFile) error {
	var errs []error
	for _, m := range msgs {
		if err := os.Remove(m.path(dir)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("maildir: delete: %w", err))
		}
	}
	if len(msgs) > 0 {
		errs = append(errs, syncDir(filepath.Join(dir, "cur")))
	}
	return errors.Join(errs...)
}

var keyCounter atomic.Uint64

// newKey returns a fresh unique key in the style of Dovecot:
// "<seconds>.M<microseconds>P<pid>Q<counter>R<random>.<host>".
func newKey() (string, error) {
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", fmt.Errorf("maildir: new key: %w", err)
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	var h strings.Builder
	for _, c := range []byte(host) {
		if c == '/' || c == ':' || c == '\\' || c < 0x21 || c > 0x7e {
			fmt.Fprintf(&h, `\%03o`, c)
		} else {
			h.WriteByte(c)
		}
	}
	host = h.String()
	if len(host) > 64 {
		host = host[:64]
	}
	now := time.Now()
	return strconv.FormatInt(now.Unix(), 10) + ".M" + strconv.Itoa(now.Nanosecond()/1000) +
		"P" + strconv.Itoa(os.Getpid()) + "Q" + strconv.FormatUint(keyCounter.Add(1), 10) +
		"R" + hex.EncodeToString(rnd[:]) + "." + host, nil
}
