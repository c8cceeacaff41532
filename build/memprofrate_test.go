package build

import (
	"debug/elf"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// memProfileVars reads the initial values of runtime.MemProfileRate and
// runtime.disableMemoryProfiling from a Go program's file; disable is -1
// when the variable is zero-initialised data, not in the file.
func memProfileVars(t *testing.T, path string) (rate uint64, disable int) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string, n int) []byte {
		for _, s := range syms {
			if s.Name != name {
				continue
			}
			for _, p := range f.Progs {
				if p.Type == elf.PT_LOAD && s.Value >= p.Vaddr && s.Value+uint64(n) <= p.Vaddr+p.Filesz {
					b := make([]byte, n)
					if _, err := p.ReadAt(b, int64(s.Value-p.Vaddr)); err != nil {
						t.Fatal(err)
					}
					return b
				}
			}
			return nil
		}
		t.Fatalf("%s: no symbol %s", path, name)
		return nil
	}
	rate = binary.LittleEndian.Uint64(read("runtime.MemProfileRate", 8))
	disable = -1
	if b := read("runtime.disableMemoryProfiling", 1); b != nil {
		disable = int(b[0])
	}
	return rate, disable
}

// TestMemProfRate builds two small Go programs, one that reads a memory
// profile and one that does not, and runs build/memprofrate on each: the
// one without a profile gets MemProfileRate 0 in its file and still runs;
// the one that reads its profile is left byte for byte as it was (the
// linker left profiling on); a second run changes nothing.
func TestMemProfRate(t *testing.T) {
	dir := t.TempDir()
	progs := map[string]string{
		"plain": `package main

import "fmt"

func main() { fmt.Println("ok", len(make([]byte, 100))) }
`,
		"profiled": `package main

import (
	"fmt"
	"runtime"
)

func main() {
	n, _ := runtime.MemProfile(nil, true)
	fmt.Println("ok", n >= 0)
}
`,
	}
	tool := filepath.Join(dir, "memprofrate")
	if out, err := exec.Command("go", "build", "-o", tool, "./memprofrate").CombinedOutput(); err != nil {
		t.Fatalf("go build ./memprofrate: %v\n%s", err, out)
	}
	for name, code := range progs {
		pdir := filepath.Join(dir, name)
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pdir, "go.mod"), []byte("module "+name+"\n\ngo 1.22\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pdir, "main.go"), []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(pdir, name)
		build := exec.Command("go", "build", "-o", bin, ".")
		build.Dir = pdir
		build.Env = append(os.Environ(), "GOFLAGS=", "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", name, err, out)
		}
		before, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		rate, disable := memProfileVars(t, bin)
		if rate != 512*1024 {
			t.Fatalf("%s: MemProfileRate %d in the file before, want the runtime's default 524288", name, rate)
		}
		for run := 1; run <= 2; run++ {
			if out, err := exec.Command(tool, bin).CombinedOutput(); err != nil {
				t.Fatalf("memprofrate %s (run %d): %v\n%s", name, run, err, out)
			}
		}
		after, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		rate, _ = memProfileVars(t, bin)
		switch name {
		case "plain":
			if disable != 1 {
				t.Fatalf("plain: runtime.disableMemoryProfiling = %d, want 1 (the linker's)", disable)
			}
			if rate != 0 {
				t.Errorf("plain: MemProfileRate %d after memprofrate, want 0", rate)
			}
			if len(after) != len(before) || diffBytes(before, after) != 1 {
				t.Errorf("plain: memprofrate changed %d bytes (size %d -> %d), want one byte of the variable", diffBytes(before, after), len(before), len(after))
			}
		case "profiled":
			if disable == 1 {
				t.Fatalf("profiled: the linker turned memory profiling off in a program that reads its profile")
			}
			if string(before) != string(after) {
				t.Errorf("profiled: memprofrate changed a program that reads its memory profile (MemProfileRate now %d)", rate)
			}
		}
		out, err := exec.Command(bin).CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), "ok") {
			t.Errorf("%s after memprofrate: %v, %q", name, err, out)
		}
	}
	// A program without a symbol table (linked with -s, or stripped) is
	// left alone with a warning; the build goes on.
	pdir := filepath.Join(dir, "plain")
	bin := filepath.Join(pdir, "stripped")
	build := exec.Command("go", "build", "-ldflags=-s", "-o", bin, ".")
	build.Dir = pdir
	build.Env = append(os.Environ(), "GOFLAGS=", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -ldflags=-s: %v\n%s", err, out)
	}
	before, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, bin).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "warning") {
		t.Errorf("memprofrate on a program without symbols: %v, %q; want a warning and exit status 0", err, out)
	}
	if after, _ := os.ReadFile(bin); string(after) != string(before) {
		t.Error("memprofrate changed a program without symbols")
	}
}

// diffBytes counts the bytes where a and b differ (a and b of one size).
func diffBytes(a, b []byte) int {
	n := 0
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// TestRequestBinaryMemProfileRate: make postern leaves the request binary
// with MemProfileRate 0 from the start (build/memprofrate), and memory
// profiling off by the linker.
func TestRequestBinaryMemProfileRate(t *testing.T) {
	bin := requestBinary(t)
	rate, disable := memProfileVars(t, bin)
	if disable != 1 || rate != 0 {
		t.Errorf("%s: runtime.disableMemoryProfiling %d, MemProfileRate %d in the file; want 1 and 0 (make postern runs build/memprofrate)", bin, disable, rate)
	}
}
