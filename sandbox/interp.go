package sandbox

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Limits of Interpreters.
const (
	// MaxShebang is how much of a script's first line is read: the
	// kernel's own limit (BINPRM_BUF_SIZE).
	MaxShebang = 256
	// MaxInterpreters bounds a chain of interpreters (a script whose
	// interpreter is a script...): the kernel's own limit
	// (BINPRM_MAX_RECURSION).
	MaxInterpreters = 4
)

// Interpreters returns what the kernel also executes when it executes the
// file at path: the interpreter of a script (its "#!" line) and the
// dynamic loader of an ELF program (its PT_INTERP), each followed in turn.
// A Landlock ruleset that lets a program run must let these run too: the
// kernel checks the execute right on each. A statically linked program
// needs none; a file that is neither a script nor ELF is an error.
//
// It reads only the first line of a script and the program headers of an
// ELF file: the files are the configured wrapper and MTA programs, which
// root's configuration names, and the reading happens as root.
func Interpreters(path string) ([]string, error) {
	var out []string
	for range MaxInterpreters {
		next, err := interpreter(path)
		if err != nil {
			return out, err
		}
		if next == "" {
			return out, nil
		}
		out = append(out, next)
		path = next
	}
	return out, fmt.Errorf("sandbox: %s: more than %d interpreters", path, MaxInterpreters)
}

// interpreter returns the interpreter of path, "" for none.
func interpreter(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("sandbox: %w", err)
	}
	defer f.Close()
	head := make([]byte, MaxShebang)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("sandbox: %s: %w", path, err)
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("#!")):
		return shebang(path, head)
	case bytes.HasPrefix(head, []byte(elf.ELFMAG)):
		return elfInterp(path, f)
	}
	return "", fmt.Errorf("sandbox: %s: neither a script (#!) nor an ELF program", path)
}

// shebang parses the "#!" line at the start of head as the kernel does:
// the interpreter is the first word after "#!", blanks around it allowed.
func shebang(path string, head []byte) (string, error) {
	line, _, found := bytes.Cut(head[2:], []byte("\n"))
	if !found && len(head) == MaxShebang {
		return "", fmt.Errorf("sandbox: %s: #! line longer than %d bytes", path, MaxShebang)
	}
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		return "", fmt.Errorf("sandbox: %s: #! names no interpreter", path)
	}
	interp := fields[0]
	if !filepath.IsAbs(interp) {
		return "", fmt.Errorf("sandbox: %s: interpreter %q is not an absolute path", path, interp)
	}
	return interp, nil
}

// elfInterp returns the PT_INTERP of the ELF file f, "" for none (static).
func elfInterp(path string, f *os.File) (string, error) {
	ef, err := elf.NewFile(f)
	if err != nil {
		return "", fmt.Errorf("sandbox: %s: %w", path, err)
	}
	for _, p := range ef.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		if p.Filesz > 4096 { // PATH_MAX
			return "", fmt.Errorf("sandbox: %s: PT_INTERP of %d bytes", path, p.Filesz)
		}
		b, err := io.ReadAll(p.Open())
		if err != nil {
			return "", fmt.Errorf("sandbox: %s: PT_INTERP: %w", path, err)
		}
		interp := string(bytes.TrimRight(b, "\x00"))
		if !filepath.IsAbs(interp) {
			return "", fmt.Errorf("sandbox: %s: loader %q is not an absolute path", path, interp)
		}
		return interp, nil
	}
	return "", nil
}
