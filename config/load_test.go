package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"postern/internal/testenv"
)

func writeConf(t *testing.T, text string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "postern.conf")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad(t *testing.T) {
	p := writeConf(t, "auth = shadow\n", 0o644)
	c, err := Load(p)
	if err != nil {
		t.Fatalf("Load(%s) error %v", p, err)
	}
	if c.Auth != "shadow" || c.PageSize != 50 {
		t.Errorf("Load(%s) = %+v, want auth shadow and defaults", p, c)
	}
}

func TestLoadMissing(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nonexistent.conf")
	c, err := Load(p)
	if err != nil {
		t.Fatalf("Load(missing) error %v, want nil", err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("Load(missing) = %+v, want Default()", c)
	}
}

func TestLoadRefuses(t *testing.T) {
	dir := t.TempDir()
	good := writeConf(t, "auth = pam\n", 0o600)
	link := filepath.Join(dir, "link.conf")
	if err := os.Symlink(good, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.conf")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want string
	}{
		{writeConf(t, "", 0o620), "group- or world-writable"},
		{writeConf(t, "", 0o602), "group- or world-writable"},
		// a symbolic link is refused even to a good file
		{link, "symbolic link"},
		{dir, "not a regular file"},
		// a FIFO must neither hang nor be read
		{fifo, "not a regular file"},
		{writeConf(t, "auth = none\n", 0o600), `: line 1: auth: "none"`},
	}
	for _, tt := range tests {
		c, err := Load(tt.path)
		if err == nil {
			t.Errorf("Load(%s) = %+v, want error", tt.path, c)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "config: ") {
			t.Errorf("Load(%s) error = %q, want config: ... %q", tt.path, err, tt.want)
		}
	}
}

func TestLoadOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		testenv.Lacking(t, "test needs root to chown")
	}
	p := writeConf(t, "", 0o644)
	if err := os.Chown(p, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if c, err := Load(p); err == nil || !strings.Contains(err.Error(), "owned by uid 65534") {
		t.Errorf("Load(file of uid 65534) = %+v, %v, want owner error", c, err)
	}
	// The running user's own file is accepted even when it is not root.
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := trusted(fi, 65534); err != nil {
		t.Errorf("trusted(file of 65534, euid 65534) = %v, want nil", err)
	}
	if err := trusted(fi, 1000); err == nil {
		t.Errorf("trusted(file of 65534, euid 1000) = nil, want error")
	}
}
