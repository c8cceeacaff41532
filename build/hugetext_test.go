package build

import (
	"bufio"
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"postern/internal/testenv"
)

const hugePage = 2 << 20

// TestRequestBinaryHugeText checks the huge pages of the program file
// (privdrop/rtenv, doc.go): the entry point's code lies in the last,
// partial 2 MB window of the code segment, where no huge page can be;
// at start the program marks each of its read-only segments of 2 MB or
// more MADV_HUGEPAGE, whole; and after it has run once from a file out of the
// page cache, the cache holds that file in 2 MB pages, which another
// process mapping it maps whole (FilePmdMapped) without asking.
func TestRequestBinaryHugeText(t *testing.T) {
	bin, f, syms := entryBinary(t)
	var code *elf.Prog
	var readOnly []*elf.Prog
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD || p.Flags&elf.PF_W != 0 {
			continue
		}
		readOnly = append(readOnly, p)
		if p.Flags&elf.PF_X != 0 {
			code = p
		}
	}
	if code == nil {
		t.Fatal("no executable PT_LOAD segment")
	}
	codeEnd := code.Vaddr + code.Memsz
	for _, name := range []string{"postern_entry", "postern_prefault"} {
		a := syms[name]
		if a < code.Vaddr || a >= codeEnd || a&^(hugePage-1)+hugePage <= codeEnd {
			t.Errorf("%s is at %#x, not in the last, partial 2 MB window of the code [%#x, %#x)", name, a, code.Vaddr, codeEnd)
		}
	}

	if _, err := exec.LookPath("strace"); err != nil {
		testenv.Lacking(t, "strace: %v", err)
	}
	out, err := exec.Command("strace", "-e", "trace=madvise", bin, "-version").CombinedOutput()
	if err != nil {
		t.Fatalf("strace %s -version: %v\n%s", bin, err, out)
	}
	marked := map[uint64]bool{}
	for _, m := range hugePageHint.FindAllSubmatch(out, -1) {
		n, _ := strconv.ParseUint(string(m[2]), 10, 64)
		marked[n] = true
	}
	for _, p := range readOnly {
		if p.Align < hugePage || p.Memsz < hugePage {
			continue
		}
		size := (p.Vaddr+p.Memsz+4095)&^4095 - p.Vaddr&^4095
		if !marked[size] {
			t.Errorf("the read-only segment at %#x (%d bytes) was not marked MADV_HUGEPAGE:\n%s", p.Vaddr, size, out)
		}
	}

	// The page cache: first whether this kernel and file system cache a
	// file in huge pages at all, then whether postern makes them.
	dir := t.TempDir()
	if !thpAvailable(t) {
		testenv.Lacking(t, "transparent huge pages are off")
	}
	ctl := filepath.Join(dir, "control")
	if err := os.WriteFile(ctl, bytes.Repeat([]byte("postern "), 4*hugePage/8), 0o600); err != nil {
		t.Fatal(err)
	}
	dropCache(t, ctl)
	if got := pmdMapped(t, ctl, 0, 2*hugePage, true); got == 0 {
		testenv.Lacking(t, "the page cache of %s does not hold files in 2 MB pages (kernel %s)", dir, kernelRelease())
	}
	copyBin := filepath.Join(dir, "postern")
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(copyBin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	dropCache(t, copyBin)
	if out, err := exec.Command(copyBin, "-version").CombinedOutput(); err != nil {
		t.Fatalf("%s -version: %v\n%s", copyBin, err, out)
	}
	start := (code.Off + hugePage - 1) &^ (hugePage - 1)
	end := (code.Off + code.Filesz) &^ (hugePage - 1)
	if end <= start {
		t.Fatalf("the code segment [%#x, %#x) holds no whole 2 MB window", code.Off, code.Off+code.Filesz)
	}
	if got := pmdMapped(t, copyBin, int64(start), int(end-start), false); got == 0 {
		t.Errorf("after one run, the code of %s [%#x, %#x) is not in 2 MB pages of the cache", copyBin, start, end)
	}
}

// touchSink keeps pmdMapped's reads of the mapping from being optimised
// away.
var touchSink byte

// dropCache writes path out and drops it from the page cache, as make
// install does.
func dropCache(t *testing.T, path string) {
	t.Helper()
	if out, err := exec.Command("sh", "hugefile.sh", path).CombinedOutput(); err != nil {
		t.Fatalf("hugefile.sh %s: %v\n%s", path, err, out)
	}
}

// pmdMapped maps size bytes of path from off at a 2 MB boundary, private
// and read-only, marked MADV_HUGEPAGE when advise, touches every page and
// returns the mapping's FilePmdMapped (bytes).
func pmdMapped(t *testing.T, path string, off int64, size int, advise bool) int {
	t.Helper()
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	// Reserve room for a 2 MB aligned address, then map over it.
	res, err := unix.MmapPtr(-1, 0, nil, uintptr(size+hugePage), unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.MunmapPtr(res, uintptr(size+hugePage))
	at := unsafe.Pointer((uintptr(res) + hugePage - 1) &^ (hugePage - 1))
	p, err := unix.MmapPtr(fd, off, at, uintptr(size), unix.PROT_READ, unix.MAP_PRIVATE|unix.MAP_FIXED)
	if err != nil {
		t.Fatal(err)
	}
	b := unsafe.Slice((*byte)(p), size)
	if advise {
		if err := unix.Madvise(b, unix.MADV_HUGEPAGE); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < size; i += 4096 {
		touchSink += b[i]
	}
	return smapsField(t, uintptr(p), "FilePmdMapped")
}

// smapsField returns a field (in bytes) of the mapping that starts at
// addr in /proc/self/smaps.
func smapsField(t *testing.T, addr uintptr, field string) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := regexp.MustCompile(`^([0-9a-f]+)-[0-9a-f]+ `)
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if m := head.FindStringSubmatch(line); m != nil {
			a, _ := strconv.ParseUint(m[1], 16, 64)
			in = uintptr(a) == addr
			continue
		}
		if in && strings.HasPrefix(line, field+":") {
			kb, err := strconv.Atoi(strings.Fields(line)[1])
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no mapping at %#x in /proc/self/smaps", addr)
	return 0
}

func kernelRelease() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return "?"
	}
	return unix.ByteSliceToString(u.Release[:])
}
