package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInterpreter(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, head string
		want       string // "" with wantErr false: no interpreter
		wantErr    bool
	}{
		{"sh", "#!/bin/sh\necho hi\n", "/bin/sh", false},
		{"blanks and argument", "#! /bin/sh -eu\n", "/bin/sh", false},
		{"tab, env", "#!\t/usr/bin/env  python3\n", "/usr/bin/env", false},
		{"no newline", "#!/bin/sh", "/bin/sh", false},
		{"CR is part of the name", "#!/bin/sh\r\n", "/bin/sh", false}, // strings.Fields drops \r; the kernel would not, and exec fails anyway
		{"no interpreter", "#!\n", "", true},
		{"relative", "#!sh\n", "", true},
		{"too long", "#!/bin/" + strings.Repeat("x", MaxShebang) + "\n", "", true},
		{"text", "hello\n", "", true},
		{"empty", "", "", true},
		{"ELF magic only", "\x7fELF", "", true}, // a truncated ELF header
	}
	for _, tt := range tests {
		p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
		if err := os.WriteFile(p, []byte(tt.head), 0o755); err != nil {
			t.Fatal(err)
		}
		got, err := interpreter(p)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("interpreter(%q) = %q, %v; want %q, error %v", tt.head, got, err, tt.want, tt.wantErr)
		}
	}
	if _, err := interpreter(filepath.Join(dir, "missing")); err == nil {
		t.Error("interpreter(missing file) = nil error")
	}
}

// TestInterpretersChain follows a script run by a script run by /bin/sh
// down to the dynamic loader of the shell, and stops a loop.
func TestInterpretersChain(t *testing.T) {
	dir := t.TempDir()
	inner := filepath.Join(dir, "inner")
	outer := filepath.Join(dir, "outer")
	loop := filepath.Join(dir, "loop")
	os.WriteFile(inner, []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(outer, []byte("#!"+inner+" -x\n"), 0o755)
	os.WriteFile(loop, []byte("#!"+loop+"\n"), 0o755)

	got, err := Interpreters(outer)
	if err != nil {
		t.Fatalf("Interpreters(outer) = %v, %v", got, err)
	}
	if len(got) != 3 || got[0] != inner || got[1] != "/bin/sh" {
		t.Fatalf("Interpreters(outer) = %q, want [inner /bin/sh <loader>]", got)
	}
	// The shell is dynamically linked: the last is its loader, which
	// exists and has no loader of its own.
	if _, err := os.Stat(got[2]); err != nil || !strings.HasPrefix(filepath.Base(got[2]), "ld") {
		t.Errorf("loader of /bin/sh = %q (%v), want an existing ld*.so", got[2], err)
	}
	if more, err := Interpreters(got[2]); err != nil || len(more) != 0 {
		t.Errorf("Interpreters(%s) = %q, %v; want none", got[2], more, err)
	}
	if got, err := Interpreters(loop); err == nil {
		t.Errorf("Interpreters(loop) = %q, nil; want an error", got)
	}
}
