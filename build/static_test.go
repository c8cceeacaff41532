package build

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	bin := os.Getenv("POSTERN_BINARY")
	if bin == "" {
		for _, tool := range []string{"make", "cc"} {
			if _, err := exec.LookPath(tool); err != nil {
				testenv.Lacking(t, "%s: %v", tool, err)
			}
		}
		bin = filepath.Join(t.TempDir(), "postern")
		cmd := exec.Command("make", "-s", "--no-print-directory", "-C", "..", "postern", "POSTERN_OUT="+bin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make postern: %v\n%s", err, out)
		}
	}
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
