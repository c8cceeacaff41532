// Command memprofrate sets the initial value of runtime.MemProfileRate to
// 0 in a linked Go program that does not use memory profiling:
//
//	go run ./build/memprofrate PROGRAM
//
// The Makefile runs it on the request binary right after it is linked.
//
// Why: a Go program that never reads a memory profile still samples its
// first allocations. The linker sees that nothing consumes the profile
// and sets runtime.disableMemoryProfiling, and schedinit then sets
// MemProfileRate to 0, but only after cpuinit has made the program's
// first allocation with the default rate (512 KB) still in place. The
// allocator sees the rate differ from its cache's (0) and records that
// allocation as a sample (a traceback and the profile's bucket table),
// and records the next one again when the rate has become 0. Together
// with the pages of the bucket table that is about 2% of a warm list's
// CPU in the request binary (perf, 200 runs), spent on a profile nobody
// reads. With the variable's initial value 0 the runtime starts as it
// ends up anyway: no sample is taken.
//
// It changes the program only when the linker did turn memory profiling
// off (runtime.disableMemoryProfiling holds 1 in the file): a program
// that links runtime.MemProfile, pprof say, keeps its profile. It checks
// that both variables are file-backed data of the program, and that
// MemProfileRate holds the default it expects. A program it does not
// recognise (no symbol table, another runtime's names or default) is
// left alone with a warning and the build goes on: the program works
// the same, it only samples its first allocations (the request binary's
// test, TestRequestBinaryMemProfileRate, notices). A file it cannot read
// or write is an error. Run twice, the second run finds 0 and does
// nothing. The program keeps its size and layout, so the build stays
// reproducible (the same input gives the same output).
package main

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

const (
	rateSym    = "runtime.MemProfileRate"
	disableSym = "runtime.disableMemoryProfiling"
	// defaultRate is MemProfileRate's initial value in the runtime
	// (runtime/mprof.go).
	defaultRate = 512 * 1024
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: memprofrate PROGRAM")
		os.Exit(2)
	}
	changed, err := patch(os.Args[1])
	var unknown unknownError
	switch {
	case errors.As(err, &unknown):
		fmt.Fprintf(os.Stderr, "memprofrate: warning: %s left as it is: %v\n", os.Args[1], err)
	case err != nil:
		fmt.Fprintln(os.Stderr, "memprofrate:", err)
		os.Exit(1)
	case !changed:
		fmt.Fprintf(os.Stderr, "memprofrate: %s left as it is\n", os.Args[1])
	}
}

// unknownError is a program this tool does not recognise: not an error
// of the build.
type unknownError struct{ msg string }

func (e unknownError) Error() string { return e.msg }

func unknown(format string, a ...any) error { return unknownError{fmt.Sprintf(format, a...)} }

// patch sets runtime.MemProfileRate's initial value to 0 in the program
// at path when its linker turned memory profiling off, and reports
// whether it wrote to the file.
func patch(path string) (bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false, err
	}
	defer f.Close()
	ef, err := elf.NewFile(f)
	if err != nil {
		return false, err
	}
	if ef.Class != elf.ELFCLASS64 || ef.ByteOrder != binary.LittleEndian {
		return false, unknown("not a 64-bit little-endian ELF program")
	}
	syms, err := ef.Symbols()
	if err != nil {
		return false, unknown("no symbol table (a stripped program? run it before strip): %v", err)
	}
	find := func(name string, size uint64) (int64, error) {
		for _, s := range syms {
			if s.Name != name {
				continue
			}
			if s.Size != size {
				return 0, unknown("%s is %d bytes, want %d", name, s.Size, size)
			}
			for _, p := range ef.Progs {
				if p.Type == elf.PT_LOAD && s.Value >= p.Vaddr && s.Value+size <= p.Vaddr+p.Filesz {
					return int64(p.Off + s.Value - p.Vaddr), nil
				}
			}
			return -1, nil // zero-initialised data (.bss): not in the file
		}
		return 0, unknown("no symbol %s", name)
	}
	disableAt, err := find(disableSym, 1)
	if err != nil {
		return false, err
	}
	if disableAt < 0 {
		return false, nil // false: the linker left memory profiling on
	}
	var b [8]byte
	if _, err := f.ReadAt(b[:1], disableAt); err != nil {
		return false, err
	}
	if b[0] != 1 {
		return false, nil
	}
	rateAt, err := find(rateSym, 8)
	if err != nil {
		return false, err
	}
	if rateAt < 0 {
		return false, unknown("%s is not in the file's data", rateSym)
	}
	if _, err := f.ReadAt(b[:], rateAt); err != nil {
		return false, err
	}
	switch v := binary.LittleEndian.Uint64(b[:]); v {
	case 0:
		return false, nil
	case defaultRate:
	default:
		return false, unknown("%s holds %d, not the default %d: a runtime this tool does not know", rateSym, v, defaultRate)
	}
	if _, err := f.WriteAt(make([]byte, 8), rateAt); err != nil {
		return false, err
	}
	return true, f.Sync()
}
