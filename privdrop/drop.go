package privdrop

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"syscall"
)

// Drop permanently changes the process to uid and gid with exactly groups as
// its supplementary groups (setgroups, setresgid, setresuid: real, effective
// and saved ids all change), then proves root cannot be regained. It refuses
// uid 0, gid 0 and negative ids. Any error means the process is in an
// unknown state and must exit.
func Drop(uid, gid int, groups []int) error {
	if uid <= 0 || gid <= 0 {
		return fmt.Errorf("privdrop: refusing to drop to uid %d gid %d", uid, gid)
	}
	for _, g := range groups {
		if g < 0 {
			return fmt.Errorf("privdrop: invalid supplementary group %d", g)
		}
	}
	if groups == nil {
		groups = []int{}
	}
	// Groups first: once the uid is gone we may no longer change them.
	if err := syscall.Setgroups(groups); err != nil {
		return fmt.Errorf("privdrop: setgroups: %w", err)
	}
	if err := syscall.Setresgid(gid, gid, gid); err != nil {
		return fmt.Errorf("privdrop: setresgid(%d): %w", gid, err)
	}
	if err := syscall.Setresuid(uid, uid, uid); err != nil {
		return fmt.Errorf("privdrop: setresuid(%d): %w", uid, err)
	}
	return verify(uid, gid, groups)
}

// verify proves the drop: root cannot come back and every id is the one
// asked for.
//
// The attempts to regain root are made on this thread alone, with the raw
// system calls: the ids were changed on every thread by then (glibc
// aborts the process when the threads disagree, Go's AllThreadsSyscall
// reports it), so one thread answers for all, and a failing attempt costs
// no signal round to every thread of the process (which, on a loaded
// machine, waits for each of them to be scheduled). Should an attempt
// succeed, this thread is root again and the caller exits.
func verify(uid, gid int, groups []int) error {
	var errs []error
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if _, _, e := syscall.RawSyscall(syscall.SYS_SETUID, 0, 0, 0); e == 0 {
		errs = append(errs, errors.New("privdrop: setuid(0) succeeded after drop"))
	}
	if _, _, e := syscall.RawSyscall(syscall.SYS_SETGID, 0, 0, 0); e == 0 {
		errs = append(errs, errors.New("privdrop: setgid(0) succeeded after drop"))
	}
	if r, e := os.Getuid(), os.Geteuid(); r != uid || e != uid {
		errs = append(errs, fmt.Errorf("privdrop: uid %d euid %d after drop, want %d", r, e, uid))
	}
	if r, e := os.Getgid(), os.Getegid(); r != gid || e != gid {
		errs = append(errs, fmt.Errorf("privdrop: gid %d egid %d after drop, want %d", r, e, gid))
	}
	got, err := syscall.Getgroups()
	if err != nil {
		errs = append(errs, fmt.Errorf("privdrop: getgroups: %w", err))
	} else if !sameSet(got, groups) {
		errs = append(errs, fmt.Errorf("privdrop: groups %v after drop, want %v", got, groups))
	}
	return errors.Join(errs...)
}

// sameSet reports whether a and b hold the same ids, ignoring order and
// repetition (the kernel sorts the list).
func sameSet(a, b []int) bool {
	a = slices.Compact(slices.Sorted(slices.Values(a)))
	b = slices.Compact(slices.Sorted(slices.Values(b)))
	return slices.Equal(a, b)
}

// DropIfRoot calls Drop when the effective uid is 0. Otherwise the process
// has no privilege to give away: it succeeds only when the real and
// effective uid already equal uid (postern installed without setuid, serving
// virtual users under one dedicated account), and fails for anyone else.
func DropIfRoot(uid, gid int, groups []int) error {
	if os.Geteuid() == 0 {
		return Drop(uid, gid, groups)
	}
	if os.Getuid() != uid || os.Geteuid() != uid {
		return fmt.Errorf("privdrop: not root and running as uid %d, cannot become uid %d", os.Getuid(), uid)
	}
	return nil
}
