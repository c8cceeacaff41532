package build

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"postern/internal/testenv"
)

// forbiddenSymbol matches the functions through which a static glibc
// would load a shared object (NSS modules, iconv's gconv modules) or that
// belong to libpam: the request binary must call none of them, so that
// the set-user-ID program never dlopens anything. (libc.a's dlopen itself
// comes along with gconv, unreached: nothing calls iconv_open, and Go
// never calls setlocale, so the C locale's built-in conversions serve.)
var forbiddenSymbol = regexp.MustCompile(`^(_?_nss_.*|getpw(nam|uid|ent).*|getgr(nam|gid|ent|ouplist).*|initgroups|getaddrinfo|gethostby.*|getservby.*|getprotoby.*|getnetby.*|iconv_open|pam_.*|_cgo_.*_Cfunc_pam_.*)$`)

// TestRequestBinaryStatic builds the request binary as make postern does
// (POSTERN_BINARY names one already built) and checks that it is a
// static PIE: ELF type ET_DYN (ASLR), no PT_INTERP (no dynamic loader), no
// DT_NEEDED (no shared library), and that no NSS, iconv or PAM function
// is linked in.
func TestRequestBinaryStatic(t *testing.T) {
	bin := requestBinary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Type != elf.ET_DYN {
		t.Errorf("%s: ELF type %v, want ET_DYN (a position-independent executable)", bin, f.Type)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s has a PT_INTERP: it is linked dynamically", bin)
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("%s needs shared libraries %q (%v), want none", bin, libs, err)
	}
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range syms {
		if forbiddenSymbol.MatchString(s.Name) {
			t.Errorf("%s links %s", bin, s.Name)
		}
		if s.Name == "crypt_rn" {
			n++
		}
	}
	if n == 0 {
		t.Errorf("%s does not link libxcrypt's crypt_rn: are the symbols there at all?", bin)
	}
}

var (
	requestOnce sync.Once
	requestPath string
	requestErr  error
)

// requestBinary builds the request binary once for the package's tests,
// as make postern does; POSTERN_BINARY names one already built.
func requestBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("POSTERN_BINARY"); bin != "" {
		return bin
	}
	for _, tool := range []string{"make", "cc"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Lacking(t, "%s: %v", tool, err)
		}
	}
	requestOnce.Do(func() {
		dir, err := os.MkdirTemp("", "postern-build-test-")
		if err != nil {
			requestErr = err
			return
		}
		requestPath = filepath.Join(dir, "postern")
		cmd := exec.Command("make", "-s", "--no-print-directory", "-C", "..", "postern", "POSTERN_OUT="+requestPath)
		if out, err := cmd.CombinedOutput(); err != nil {
			requestErr = fmt.Errorf("make postern: %v\n%s", err, out)
		}
	})
	if requestErr != nil {
		t.Fatal(requestErr)
	}
	return requestPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if requestPath != "" {
		os.RemoveAll(filepath.Dir(requestPath))
	}
	os.Exit(code)
}

// The dynamic tags of a packed relocation table (debug/elf does not name
// them).
const (
	dtRELRSZ = 35
	dtRELR   = 36
)

// relocatedPages returns the pages (offsets from the load address) that
// the packed relative relocations (DT_RELR) of f write to.
func relocatedPages(t *testing.T, f *elf.File) map[uint64]bool {
	t.Helper()
	var relr, relrsz uint64
	ds := f.Section(".dynamic")
	if ds == nil {
		t.Fatal("no .dynamic section")
	}
	d, err := ds.Data()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+16 <= len(d); i += 16 {
		tag, val := binary.LittleEndian.Uint64(d[i:]), binary.LittleEndian.Uint64(d[i+8:])
		switch tag {
		case dtRELR:
			relr = val
		case dtRELRSZ:
			relrsz = val
		}
	}
	if relr == 0 || relrsz == 0 {
		t.Fatal("no DT_RELR table: is the program linked with -z pack-relative-relocs?")
	}
	tab := make([]byte, relrsz)
	var found bool
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && relr >= p.Vaddr && relr+relrsz <= p.Vaddr+p.Filesz {
			if _, err := p.ReadAt(tab, int64(relr-p.Vaddr)); err != nil {
				t.Fatal(err)
			}
			found = true
		}
	}
	if !found {
		t.Fatal("DT_RELR table outside every PT_LOAD segment")
	}
	pages := map[uint64]bool{}
	var where uint64
	for i := 0; i+8 <= len(tab); i += 8 {
		e := binary.LittleEndian.Uint64(tab[i:])
		if e&1 == 0 {
			where = e
			pages[where&^4095] = true
			where += 8
			continue
		}
		for b := 0; b < 63; b++ {
			if e>>(b+1)&1 == 1 {
				pages[(where+uint64(b)*8)&^4095] = true
			}
		}
		where += 63 * 8
	}
	return pages
}

// madviseCall matches strace's line for madvise(addr, len, MADV_POPULATE_WRITE).
var madviseCall = regexp.MustCompile(`madvise\((0x[0-9a-f]+), ([0-9]+), MADV_POPULATE_WRITE\) = 0`)

// entryBinary returns the request binary, open as ELF (closed at the
// end of the test), with the addresses of its symbols by name; it skips
// on a machine other than x86-64, the only one with the entry point
// (privdrop/rtenv/prefault.c).
func entryBinary(t *testing.T) (string, *elf.File, map[string]uint64) {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skip("the entry point is x86-64's (privdrop/rtenv/prefault.c)")
	}
	bin := requestBinary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	list, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	syms := map[string]uint64{}
	for _, s := range list {
		syms[s.Name] = s.Value
	}
	return bin, f, syms
}

// TestRequestBinaryPrefault checks that the request binary enters at
// postern_entry (privdrop/rtenv/prefault.c) and that, before anything
// else, the entry moves the writable segment's 2 MB windows into huge
// pages (where the kernel gives them) and populates every other page its
// relocations write: under strace, one MADV_HUGEPAGE mark of exactly the
// windows this test computes from the file, the copy of the whole
// file-backed part of them, their move into place, and
// MADV_POPULATE_WRITE calls for exactly the relocated pages outside them.
// It also checks the layout the windows need: segments aligned to 2 MB
// and the read-only-after-relocation part (PT_GNU_RELRO) ending on a 2 MB
// boundary.
func TestRequestBinaryPrefault(t *testing.T) {
	bin, f, syms := entryBinary(t)
	entry := syms["postern_entry"]
	if entry == 0 || f.Entry != entry {
		t.Fatalf("%s enters at %#x, want postern_entry (%#x)", bin, f.Entry, entry)
	}
	want := relocatedPages(t, f)
	if len(want) < 100 {
		t.Fatalf("only %d relocated pages: is this a Go PIE?", len(want))
	}
	wlo, whi, seg, fileEnd := hugeWindows(t, f)
	if _, err := exec.LookPath("strace"); err != nil {
		testenv.Lacking(t, "strace: %v", err)
	}
	huge := thpAvailable(t)
	// About one start in a hundred the kernel puts the vDSO in the gap
	// before the writable segment, and the entry leaves the first window
	// alone: such a run is tried again (up to five times).
	// The mark of the new mapping comes right before the copy into it.
	fullMark := func(out []byte) bool {
		lines := bytes.Split(out, []byte("\n"))
		for i := 1; i < len(lines); i++ {
			if bytes.HasPrefix(lines[i], []byte("process_vm_readv(")) {
				m := hugePageHint.FindSubmatch(lines[i-1])
				return m != nil && string(m[2]) == strconv.FormatUint(whi-wlo, 10)
			}
		}
		return false
	}
	var out []byte
	for range 5 {
		var err error
		out, err = exec.Command("strace", "-e", "trace=madvise,mremap,process_vm_readv", bin, "-version").CombinedOutput()
		if err != nil {
			t.Fatalf("strace %s -version: %v\n%s", bin, err, out)
		}
		if !huge || fullMark(out) {
			break
		}
	}
	if huge {
		for p := range want {
			if p >= seg && p < whi {
				delete(want, p)
			}
		}
		if !fullMark(out) {
			t.Errorf("the copy was not made into a mapping of the %d bytes of the writable segment's windows [%#x, %#x) marked MADV_HUGEPAGE:\n%s", whi-wlo, wlo, whi, out)
		}
		copied := strconv.FormatUint(fileEnd-max(seg, wlo), 10)
		if !regexp.MustCompile(`process_vm_readv\(.*\) = ` + copied + `\n`).Match(out) {
			t.Errorf("no process_vm_readv copied the %s bytes of the file-backed part of the windows:\n%s", copied, out)
		}
		if !bytes.Contains(out, []byte("MREMAP_MAYMOVE|MREMAP_FIXED")) {
			t.Errorf("the huge pages were not moved into place (no mremap with MREMAP_FIXED):\n%s", out)
		}
	}
	var got int
	var lines [][]byte
	for _, l := range bytes.Split(out, []byte("\n")) {
		m := madviseCall.FindSubmatch(l)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(string(m[2]))
		got += n / 4096
		lines = append(lines, l)
	}
	if got != len(want) {
		t.Errorf("%s populated %d pages before it started, want the %d its relocations write to outside the huge pages (transparent huge pages on: %v):\n%s", bin, got, len(want), huge, bytes.Join(lines, []byte("\n")))
	}
}

// TestRequestBinaryHugeFallbacks runs the request binary with the
// system calls of the huge windows failing (strace's fault injection):
// a seccomp filter that refuses process_vm_readv (the copy is then made
// by a loop), and an mremap that fails (the windows then stay as the
// kernel mapped them). Each time the program must start and answer as
// usual.
func TestRequestBinaryHugeFallbacks(t *testing.T) {
	bin, _, _ := entryBinary(t)
	if _, err := exec.LookPath("strace"); err != nil {
		testenv.Lacking(t, "strace: %v", err)
	}
	if !thpAvailable(t) {
		testenv.Lacking(t, "transparent huge pages are off: the entry makes no huge windows")
	}
	want, err := exec.Command(bin, "-version").Output()
	if err != nil {
		t.Fatalf("%s -version: %v", bin, err)
	}
	for _, inject := range []string{"process_vm_readv:error=EPERM", "mremap:error=ENOMEM"} {
		call := strings.Split(inject, ":")[0]
		cmd := exec.Command("strace", "-o", "/dev/stderr", "-e", "trace="+call, "-e", "inject="+inject, bin, "-version")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		got, err := cmd.Output()
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("with %s: %v, output %q, want %q\n%s", inject, err, got, want, stderr.Bytes())
		}
		if !bytes.Contains(stderr.Bytes(), []byte("(INJECTED)")) {
			t.Errorf("with %s: the call was not made, so the fallback was not tested:\n%s", inject, stderr.Bytes())
		}
	}
}

// hugeWindows computes, from the file, what postern_huge_data does at
// run time (the kernel loads the program at a 2 MB boundary, so link-time
// addresses have the same alignment): the 2 MB windows [wlo, whi) that
// hold the writable segment's file-backed part, the segment's first page
// and the end of its file-backed part. It fails the test when the layout
// does not allow them.
func hugeWindows(t *testing.T, f *elf.File) (wlo, whi, seg, fileEnd uint64) {
	t.Helper()
	const huge = 2 << 20
	var rw, relro *elf.Prog
	for _, p := range f.Progs {
		switch {
		case p.Type == elf.PT_LOAD && p.Flags&elf.PF_W != 0:
			if rw != nil {
				t.Fatal("more than one writable PT_LOAD segment")
			}
			rw = p
		case p.Type == elf.PT_GNU_RELRO:
			relro = p
		}
	}
	if rw == nil || relro == nil {
		t.Fatal("no writable PT_LOAD segment or no PT_GNU_RELRO")
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && p.Align < huge {
			t.Errorf("a PT_LOAD segment at %#x is aligned to %#x, want 2 MB (-z max-page-size)", p.Vaddr, p.Align)
		}
	}
	if end := relro.Vaddr + relro.Memsz; end%huge != 0 {
		t.Errorf("PT_GNU_RELRO ends at %#x, not on a 2 MB boundary (-z common-page-size)", end)
	}
	seg = rw.Vaddr &^ 4095
	fileEnd = rw.Vaddr + rw.Filesz
	memEnd := (rw.Vaddr + rw.Memsz + 4095) &^ 4095
	wlo = seg &^ (huge - 1)
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && p != rw && p.Vaddr < seg && p.Vaddr+p.Memsz > wlo {
			t.Fatalf("the segment at %#x shares the writable segment's first 2 MB window", p.Vaddr)
		}
	}
	whi = (fileEnd + huge - 1) &^ (huge - 1)
	for whi > wlo && whi > memEnd {
		whi -= huge
	}
	if whi <= seg {
		t.Fatalf("no 2 MB window fits the writable segment [%#x, %#x)", seg, memEnd)
	}
	return wlo, whi, seg, fileEnd
}

// thpAvailable says whether the kernel gives transparent huge pages to
// mappings marked MADV_HUGEPAGE (the setting is not "never").
func thpAvailable(t *testing.T) bool {
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil {
		t.Logf("no transparent huge pages: %v", err)
		return false
	}
	return !bytes.Contains(b, []byte("[never]"))
}

var hugePageHint = regexp.MustCompile(`madvise\((0x[0-9a-f]+), ([0-9]+), MADV_HUGEPAGE\) = 0`)

// TestRequestBinaryHugePages checks that the request binary's own mmap
// (privdrop/rtenv/hugepages.c) replaced the C library's: under strace, the
// Go heap, mapped through it, is marked MADV_HUGEPAGE before use, and no
// mapping under 2 MB is.
func TestRequestBinaryHugePages(t *testing.T) {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("the mmap of privdrop/rtenv/hugepages.c is x86-64's and arm64's")
	}
	bin := requestBinary(t)
	if _, err := exec.LookPath("strace"); err != nil {
		testenv.Lacking(t, "strace: %v", err)
	}
	out, err := exec.Command("strace", "-f", "-e", "trace=madvise", bin, "-version").CombinedOutput()
	if err != nil {
		t.Fatalf("strace %s -version: %v\n%s", bin, err, out)
	}
	n := 0
	for _, m := range hugePageHint.FindAllSubmatch(out, -1) {
		size, _ := strconv.Atoi(string(m[2]))
		if size < 2<<20 {
			t.Errorf("a mapping of %d bytes was marked MADV_HUGEPAGE, want only those of 2 MB or more", size)
		}
		n++
	}
	if n == 0 {
		t.Errorf("%s marked no mapping MADV_HUGEPAGE:\n%s", bin, out)
	}
}

// TestRequestBinaryGodebug checks the runtime settings compiled into the
// request binary: the runtime must not start its goroutine that raises
// GOMAXPROCS after privdrop/rtenv started the program with one P
// (updatemaxprocs=0, cgi/main.go).
func TestRequestBinaryGodebug(t *testing.T) {
	bin := requestBinary(t)
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var godebug string
	for _, s := range info.Settings {
		if s.Key == "DefaultGODEBUG" {
			godebug = s.Value
		}
	}
	if !slices.Contains(strings.Split(godebug, ","), "updatemaxprocs=0") {
		t.Errorf("%s: DefaultGODEBUG %q, want updatemaxprocs=0 in it", bin, godebug)
	}
}
