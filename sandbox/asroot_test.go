package sandbox

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The set-group-id program of TestRestrictAsRoot: a copy of id(1), group
// setgidGroup, run by setgidUser after the drop.
const (
	setgidGroup = 4242
	setgidUser  = 65534 // nobody
)

// TestRestrictAsRoot: root restricts itself without no_new_privs, is
// confined at once, drops to nobody, and then a set-group-id program the
// rules allow runs with its group (as Postfix's postdrop must), while a
// program the rules do not name cannot be executed. After the drop the
// process can no longer restrict itself without no_new_privs.
func TestRestrictAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		lacking(t, "RestrictAsRoot needs root")
	}
	if handled(ABI()) == 0 {
		lacking(t, "kernel without usable Landlock (ABI %d)", ABI())
	}
	a, b, c := dirs(t)
	// A directory nobody can reach, on the same file system as the test's
	// temporary files (not mounted nosuid: the test checks below).
	bin, err := os.MkdirTemp("", "sandbox-asroot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(bin) })
	os.Chmod(bin, 0o755)
	prog := filepath.Join(bin, "id")
	if err := copyFile("/usr/bin/id", prog); err != nil {
		lacking(t, "no id(1) to copy: %v", err)
	}
	if err := os.Chown(prog, 0, setgidGroup); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(prog, 0o755|os.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(bin, &st); err == nil && st.Flags&0x2 != 0 { // ST_NOSUID
		lacking(t, "%s is on a nosuid file system", bin)
	}
	runChild(t, "asroot", "A="+a, "B="+b, "C="+c, "PROG="+prog)
}

// asRootChild runs as root: RestrictAsRoot, checks, drop, checks.
func asRootChild() int {
	a, b, c, prog := os.Getenv("A"), os.Getenv("B"), os.Getenv("C"), os.Getenv("PROG")
	r, err := rules(a, b, c, "/bin/sh", prog)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 10
	}
	if err := RestrictAsRoot(r); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 11
	}
	// Root is confined from now on, before the drop.
	probes := fileProbes(a, b, c)
	_, readShadow := os.ReadFile("/etc/shadow")
	probes = append(probes, probe{"read /etc/shadow as root", readShadow, true})
	nnp, _, _ := syscall.RawSyscall(syscall.SYS_PRCTL, prGetNoNewPrivs, 0, 0)
	if nnp != 0 {
		probes = append(probes, probe{"no_new_privs", fmt.Errorf("is %d, want 0", nnp), false})
	}

	// The drop, as privdrop does it.
	if err := drop(setgidUser, setgidUser); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 12
	}
	out, err := run(prog, "-g")
	probes = append(probes, probe{"run the set-group-id program", err, false})
	if got := strings.TrimSpace(string(out)); err == nil && got != strconv.Itoa(setgidGroup) {
		probes = append(probes, probe{"its effective group", fmt.Errorf("is %s, want %d (no_new_privs?)", got, setgidGroup), false})
	}
	probes = append(probes, probe{"run a program not in Exec", second(run("/usr/bin/true")), true})
	if err := RestrictAsRoot(r); !errors.Is(err, syscall.EPERM) {
		probes = append(probes, probe{"RestrictAsRoot after the drop", fmt.Errorf("%v, want EPERM", err), false})
	}
	return report(probes)
}

// drop sets the groups, gid and uid of every thread to uid and gid.
func drop(uid, gid int) error {
	if err := syscall.Setgroups([]int{gid}); err != nil {
		return err
	}
	if err := syscall.Setresgid(gid, gid, gid); err != nil {
		return err
	}
	return syscall.Setresuid(uid, uid, uid)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func second(_ []byte, err error) error { return err }
