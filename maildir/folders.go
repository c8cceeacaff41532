package maildir

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	gomaildir "github.com/emersion/go-maildir"
)

// Folder is one node of the folder tree.
type Folder struct {
	Name          string // display name, UTF-8, "INBOX" or e.g. "Lists.golang" ('.' separates levels)
	Leaf          string // last component, e.g. "golang"
	Depth         int    // 0 for INBOX and top-level folders
	Total, Unread int
	// NoSelect marks a parent that does not exist as a Maildir (only its
	// subfolders do); it has no messages and cannot be listed.
	NoSelect bool
}

// Folders returns INBOX first, then the other folders in tree order: parents
// before children, siblings sorted case-insensitively. Missing parents of
// existing folders are included with NoSelect set. Directories whose names
// do not decode to a valid display name are skipped.
func (s *Store) Folders() ([]Folder, error) {
	return s.FoldersCounted(nil)
}

// Counter gives the message and unread counts of a folder, ok false when
// it does not know them.
type Counter func(name string) (total, unread int, ok bool)

// FoldersCounted is Folders with the counts of known (may be nil) where it
// knows them, such as a search index brought up to date; the other
// folders' directories are read. Reading cur/ of a folder of 100,000
// messages is most of the folder page's cost.
func (s *Store) FoldersCounted(known Counter) ([]Folder, error) {
	counts := func(name, dir string) (int, int) {
		if known != nil {
			if t, u, ok := known(name); ok {
				return t, u
			}
		}
		return count(dir)
	}
	ents, err := os.ReadDir(s.Root)
	if err != nil {
		return nil, fmt.Errorf("maildir: folders: %w", err)
	}
	byName := map[string]*Folder{}
	for _, e := range ents {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), ".") {
			continue
		}
		name, ok := decodeFolder(e.Name())
		if !ok {
			continue
		}
		dir := filepath.Join(s.Root, e.Name())
		f := newFolder(name)
		if isDir(filepath.Join(dir, "cur")) {
			f.Total, f.Unread = counts(name, dir)
		} else {
			f.NoSelect = true
		}
		byName[name] = f
		for p := parent(name); p != ""; p = parent(p) {
			if byName[p] == nil {
				nf := newFolder(p)
				nf.NoSelect = true
				byName[p] = nf
			}
		}
	}
	inbox := Folder{Name: Inbox, Leaf: Inbox}
	inbox.Total, inbox.Unread = counts(Inbox, s.Root)
	out := make([]Folder, 0, len(byName)+1)
	for _, f := range byName {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b Folder) int { return treeCompare(a.Name, b.Name) })
	return append([]Folder{inbox}, out...), nil
}

func newFolder(name string) *Folder {
	parts := strings.Split(name, ".")
	return &Folder{Name: name, Leaf: parts[len(parts)-1], Depth: len(parts) - 1}
}

func parent(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return ""
	}
	return name[:i]
}

// treeCompare orders display names component by component,
// case-insensitively first, so that a parent precedes its children.
func treeCompare(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if c := strings.Compare(strings.ToLower(pa[i]), strings.ToLower(pb[i])); c != 0 {
			return c
		}
		if c := strings.Compare(pa[i], pb[i]); c != 0 {
			return c
		}
	}
	return len(pa) - len(pb)
}

// count returns the number of messages of the folder at dir and how many are
// unread: those without S in cur/ plus all of new/.
func count(dir string) (total, unread int) {
	cur, _ := scan(dir, "cur")
	nw, _ := scan(dir, "new")
	for _, m := range cur {
		if strings.IndexByte(m.flags, 'S') < 0 {
			unread++
		}
	}
	return len(cur) + len(nw), unread + len(nw)
}

// CreateFolder creates the Maildir++ folder name: .<name>/{cur,new,tmp} and
// its "maildirfolder" file. It fails with ErrExists if the folder exists.
func (s *Store) CreateFolder(name string) error {
	if err := ValidFolderName(name); err != nil {
		return err
	}
	dir := filepath.Join(s.Root, encodeFolder(name))
	if err := os.Mkdir(dir, 0o700); errors.Is(err, fs.ErrExist) {
		// A directory without cur/ is a mere parent: make it a folder.
		if isDir(filepath.Join(dir, "cur")) {
			return fmt.Errorf("maildir: create folder %q: %w", name, ErrExists)
		}
	} else if err != nil {
		return fmt.Errorf("maildir: create folder %q: %w", name, err)
	}
	if err := gomaildir.Dir(dir).Init(); err != nil {
		return fmt.Errorf("maildir: create folder %q: %w", name, err)
	}
	mf, err := os.OpenFile(filepath.Join(dir, "maildirfolder"), os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("maildir: create folder %q: %w", name, err)
	}
	mf.Close()
	return syncDir(s.Root)
}

// subdirs returns the directory names in the root of the folder at dirName
// (".x") and of its subfolders, the folder itself first if it exists.
func (s *Store) subdirs(dirName string) (self bool, children []string, err error) {
	ents, err := os.ReadDir(s.Root)
	if err != nil {
		return false, nil, fmt.Errorf("maildir: %w", err)
	}
	for _, e := range ents {
		switch {
		case e.Name() == dirName && e.IsDir():
			self = true
		case strings.HasPrefix(e.Name(), dirName+".") && e.IsDir():
			children = append(children, e.Name())
		}
	}
	slices.Sort(children)
	return self, children, nil
}

// isTrashOrAncestor reports whether name is the trash or one of its parents.
func (s *Store) isTrashOrAncestor(name string) bool {
	t := s.TrashFolder()
	return name == t || strings.HasPrefix(t, name+".")
}

// RenameFolder renames oldName and its subfolders to newName. INBOX and the
// trash cannot be renamed nor become the target; an existing target (or
// target subfolder) gives ErrExists.
func (s *Store) RenameFolder(oldName, newName string) error {
	if oldName == Inbox || s.isTrashOrAncestor(oldName) || newName == s.TrashFolder() {
		return refusedf("rename folder %q", oldName)
	}
	if err := ValidFolderName(oldName); err != nil {
		return err
	}
	if err := ValidFolderName(newName); err != nil {
		return err
	}
	oldDir, newDir := encodeFolder(oldName), encodeFolder(newName)
	self, children, err := s.subdirs(oldDir)
	if err != nil {
		return err
	}
	if !self && len(children) == 0 {
		return &NotFoundError{Folder: oldName}
	}
	if oldName == newName {
		return nil
	}
	from := children
	if self {
		from = append([]string{oldDir}, children...)
	}
	to := make([]string, len(from))
	for i, d := range from {
		to[i] = newDir + d[len(oldDir):]
		if len(to[i]) > MaxNameBytes {
			return invalidf("folder name %q too long for its subfolders", newName)
		}
		if _, err := os.Lstat(filepath.Join(s.Root, to[i])); err == nil {
			return fmt.Errorf("maildir: rename folder to %q: %w", newName, ErrExists)
		}
	}
	for i := range from {
		if err := os.Rename(filepath.Join(s.Root, from[i]), filepath.Join(s.Root, to[i])); err != nil {
			return errors.Join(fmt.Errorf("maildir: rename folder %q: %w", oldName, err), syncDir(s.Root))
		}
	}
	return syncDir(s.Root)
}

// DeleteFolder moves the messages of name to the trash, then removes it.
// INBOX, the trash and folders with subfolders are refused. The folder is
// first renamed aside to ".postern-deleting-<random>" so that no delivery
// can land in it meanwhile; if a message cannot be moved, that folder is
// left in place (and listed) with what remains.
func (s *Store) DeleteFolder(name string) error {
	if name == Inbox || s.isTrashOrAncestor(name) {
		return refusedf("delete folder %q", name)
	}
	if err := ValidFolderName(name); err != nil {
		return err
	}
	dirName := encodeFolder(name)
	self, children, err := s.subdirs(dirName)
	if err != nil {
		return err
	}
	if len(children) > 0 {
		return refusedf("delete folder %q: it has subfolders", name)
	}
	if !self {
		return &NotFoundError{Folder: name}
	}
	trash := s.TrashFolder()
	if err := s.CreateFolder(trash); err != nil && !errors.Is(err, ErrExists) {
		return err
	}
	trashDir, err := s.existingDir(trash)
	if err != nil {
		return err
	}
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return fmt.Errorf("maildir: delete folder: %w", err)
	}
	tomb := filepath.Join(s.Root, ".postern-deleting-"+hex.EncodeToString(rnd[:]))
	if err := os.Rename(filepath.Join(s.Root, dirName), tomb); err != nil {
		return fmt.Errorf("maildir: delete folder %q: %w", name, err)
	}
	if err := syncDir(s.Root); err != nil {
		return err
	}
	msgs, err := allFiles(tomb)
	if err != nil {
		return fmt.Errorf("maildir: delete folder %q: %w", name, err)
	}
	if err := moveAll(tomb, msgs, trashDir, map[string]string{}, map[string]string{}); err != nil {
		return err
	}
	if left, err := allFiles(tomb); err != nil || len(left) > 0 {
		return fmt.Errorf("maildir: delete folder %q: messages left in %s", name, tomb)
	}
	if err := os.RemoveAll(tomb); err != nil {
		return fmt.Errorf("maildir: delete folder %q: %w", name, err)
	}
	return syncDir(s.Root)
}

// allFiles returns every message file of cur/ and new/ of the folder at dir,
// including those with a key ValidKey refuses (key left empty).
func allFiles(dir string) ([]msgFile, error) {
	var msgs []msgFile
	for _, sub := range []string{"cur", "new"} {
		names, err := readNames(filepath.Join(dir, sub))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, err
		}
		for _, n := range names {
			key, flags := parseName(n)
			if sub == "new" {
				flags = ""
			}
			if ValidKey(key) != nil {
				key = ""
			}
			msgs = append(msgs, msgFile{sub: sub, name: n, key: key, flags: flags})
		}
	}
	return msgs, nil
}
