package build

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
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

// TestRequestBinaryPrefault checks that the request binary enters at
// postern_entry (privdrop/rtenv/prefault.c) and that, before anything
// else runs, it asks the kernel to populate every page its relative
// relocations write to: the populated bytes, seen by strace, cover
// exactly the relocated pages.
func TestRequestBinaryPrefault(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the prefaulting entry point is x86-64's (privdrop/rtenv/prefault.c)")
	}
	bin := requestBinary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	var entry uint64
	for _, s := range syms {
		if s.Name == "postern_entry" {
			entry = s.Value
		}
	}
	if entry == 0 || f.Entry != entry {
		t.Fatalf("%s enters at %#x, want postern_entry (%#x)", bin, f.Entry, entry)
	}
	want := relocatedPages(t, f)
	if len(want) < 100 {
		t.Fatalf("only %d relocated pages: is this a Go PIE?", len(want))
	}
	if _, err := exec.LookPath("strace"); err != nil {
		testenv.Lacking(t, "strace: %v", err)
	}
	out, err := exec.Command("strace", "-e", "trace=madvise", bin, "-version").CombinedOutput()
	if err != nil {
		t.Fatalf("strace %s -version: %v\n%s", bin, err, out)
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
		t.Errorf("%s populated %d pages before it started, want the %d its relocations write to:\n%s", bin, got, len(want), bytes.Join(lines, []byte("\n")))
	}
}

// hugePageHint matches strace's line for madvise(addr, len, MADV_HUGEPAGE).
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
