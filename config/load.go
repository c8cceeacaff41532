package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// Load reads the configuration file at path, after checking that a setuid
// program may trust it: not a symbolic link (opened with O_NOFOLLOW), a
// regular file, not writable by group or others, owned by root or by the
// effective uid. If path does not exist Load returns Default() and no
// error.
func Load(path string) (*Config, error) {
	// O_NONBLOCK: opening a FIFO must not hang; it is refused below.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("config: %s: is a symbolic link", path)
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := trusted(fi, os.Geteuid()); err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	return parse(f, "config: "+path+": ")
}

// trusted checks the type, mode and owner of the configuration file.
func trusted(fi fs.FileInfo, euid int) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("not a regular file (%v)", fi.Mode().Type())
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("mode %#o is group- or world-writable", fi.Mode().Perm())
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return errors.New("cannot read the file owner")
	}
	if st.Uid != 0 && int(st.Uid) != euid {
		return fmt.Errorf("owned by uid %d, want root or %d", st.Uid, euid)
	}
	return nil
}
