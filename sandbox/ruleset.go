package sandbox

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	llsys "github.com/landlock-lsm/go-landlock/landlock/syscall"
	"golang.org/x/sys/unix"
)

// The rights of each kind of rule. RW has no execute right (nothing in a
// Maildir is a program) and no right to make devices, sockets, FIFOs or
// symbolic links (only the rules' Symlink directories may get links);
// Sockets adds only the right to make sockets.
const (
	rightsRO = llsys.AccessFSReadFile | llsys.AccessFSReadDir
	rightsRW = rightsRO | llsys.AccessFSWriteFile | llsys.AccessFSTruncate |
		llsys.AccessFSRemoveDir | llsys.AccessFSRemoveFile |
		llsys.AccessFSMakeDir | llsys.AccessFSMakeReg | llsys.AccessFSRefer
	rightsExec = llsys.AccessFSExecute | llsys.AccessFSReadFile

	// rightsTCP are the network rights of Rules.RestrictTCP (ABI 4).
	rightsTCP = llsys.AccessNetBindTCP | llsys.AccessNetConnectTCP

	// rightsOfFile are the rights that apply to a file that is not a
	// directory; the kernel refuses a rule on a file with any other.
	rightsOfFile = llsys.AccessFSExecute | llsys.AccessFSWriteFile |
		llsys.AccessFSReadFile | llsys.AccessFSTruncate | llsys.AccessFSIoctlDev
)

// handled returns the file system rights a ruleset restricts on a kernel
// of Landlock ABI abi: every right of ABI 5 that the kernel knows, so
// what the rules do not allow is refused. ABI 1 cannot allow a rename
// between directories ("refer" arrived with ABI 2, and ABI 1 refuses it
// always), which Maildir needs: there, as without Landlock, 0 (nothing is
// restricted). Later rights (ABI 9's resolve_unix: connecting to a named
// socket, as Postfix's postdrop does to public/pickup) are not handled.
func handled(abi int) uint64 {
	switch {
	case abi >= 5:
		return 1<<16 - 1 // + ioctl_dev
	case abi >= 3:
		return 1<<15 - 1 // + truncate
	case abi == 2:
		return 1<<14 - 1 // the 13 rights of ABI 1, + refer
	}
	return 0
}

// restrict builds the ruleset of r and enforces it on every thread, with
// no_new_privs when nnp.
func restrict(r Rules, nnp bool) error {
	access := handled(ABI())
	if access == 0 {
		return nil
	}
	attr := llsys.RulesetAttr{HandledAccessFS: access}
	net := r.RestrictTCP && ABI() >= 4
	if net {
		attr.HandledAccessNet = rightsTCP
	}
	fd, err := llsys.LandlockCreateRuleset(&attr, 0)
	if err != nil {
		return fmt.Errorf("landlock_create_ruleset: %w", err)
	}
	defer syscall.Close(fd)
	for _, set := range []struct {
		paths  []string
		rights uint64
	}{
		{r.RW, rightsRW},
		{r.RO, rightsRO},
		{r.Exec, rightsExec},
		{r.Symlink, llsys.AccessFSMakeSym},
		{r.Sockets, rightsRW | llsys.AccessFSMakeSock},
		// libpsx lists this directory on each thread right after
		// landlock_restrict_self (go-landlock issue 39).
		{[]string{fmt.Sprintf("/proc/%d/task", os.Getpid())}, llsys.AccessFSReadDir},
	} {
		for _, p := range set.paths {
			if err := addPath(fd, p, set.rights&access); err != nil {
				return err
			}
		}
	}
	if net {
		for _, port := range r.ConnectTCP {
			pa := llsys.NetPortAttr{AllowedAccess: llsys.AccessNetConnectTCP, Port: uint64(port)}
			if err := llsys.LandlockAddNetPortRule(fd, &pa, 0); err != nil {
				return fmt.Errorf("landlock_add_rule tcp port %d: %w", port, err)
			}
		}
	}
	if nnp {
		if err := llsys.AllThreadsPrctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
		}
	}
	if err := llsys.AllThreadsLandlockRestrictSelf(fd, 0); err != nil {
		return fmt.Errorf("landlock_restrict_self: %w", err)
	}
	return nil
}

// addPath allows rights below path (only the rights of a file when it is
// not a directory). A path that cannot be opened is skipped: not allowed.
func addPath(ruleset int, path string, rights uint64) error {
	fd, err := syscall.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return fmt.Errorf("fstat %s: %w", path, err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFDIR {
		rights &= rightsOfFile
	}
	if rights == 0 {
		return nil
	}
	attr := llsys.PathBeneathAttr{ParentFd: fd, AllowedAccess: rights}
	if err := llsys.LandlockAddPathBeneathRule(ruleset, &attr, 0); err != nil {
		if errors.Is(err, syscall.EINVAL) {
			err = fmt.Errorf("rights %#x on %s: %w", rights, path, err)
		}
		return fmt.Errorf("landlock_add_rule %s: %w", path, err)
	}
	return nil
}
