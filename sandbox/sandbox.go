// Package sandbox restricts the running process with Landlock (Linux 5.13
// and later), through the system calls of
// github.com/landlock-lsm/go-landlock/landlock/syscall.
//
// The process may then read and write only below the paths of Rules.RW
// (the user's Maildir; with the "refer" right, so that Maildir's rename
// from new/ to cur/ and between folders works), read only below Rules.RO
// (the configuration, the templates, time-zone and MIME data), and
// execute only the files of Rules.Exec. Everything else of the file
// system, including other users' Maildirs, /etc/shadow and files reached
// through a symbolic link out of the Maildir, is refused by the kernel
// with EACCES whatever the Unix permissions say, to root as well. Landlock
// cannot be undone, and it is inherited by every thread created later and
// by every child, across execve, set-ID programs included.
//
// There are two ways in:
//
//   - Restrict, after the privilege drop, when the process is not root
//     (postern installed without setuid). Landlock then demands
//     no_new_privs, which Restrict sets: no program the process runs can
//     gain privileges.
//   - RestrictAsRoot, before the privilege drop, as root. The MTA's
//     sendmail runs a set-group-id program (Postfix's postdrop, which
//     writes the queue as group postdrop), and no_new_privs would take its
//     group away. The kernel lets a process with CAP_SYS_ADMIN restrict
//     itself without no_new_privs; postern has it only while it is root,
//     so the restriction comes first and the drop after it. This is sound
//     because a ruleset only removes rights: root is confined from that
//     moment on, the drop then removes root's, and a set-ID program run
//     later gains its IDs but not one path more than the rules give. The
//     ruleset is postern's, fixed by root's configuration, not the user's:
//     the kernel demands no_new_privs without CAP_SYS_ADMIN so that an
//     unprivileged process cannot deny a set-ID program the files it
//     relies on, and that is not the case here. postern uses it for every
//     request it serves as root, not only a send: a ruleset without
//     Exec runs no program at all, set-ID or not, and it saves the
//     round to every thread that no_new_privs costs.
//
// Both apply the ruleset to every thread of the process at once (the Go
// runtime has several before the first line of main, and cgo's threads
// too): landlock_restrict_self(2) and prctl(2) run on each thread through
// libcap's psx, as go-landlock does itself on kernels older than Landlock
// ABI 8. Threads created afterwards inherit the restriction.
//
// The execute right governs execve(2): which programs can be started. A
// program already running can still map readable code itself; Landlock
// does not govern mmap.
//
// With Rules.RestrictTCP the ruleset also governs TCP (Landlock's network
// rights, ABI 4): binding any TCP port is refused, and connecting to any
// port but those of Rules.ConnectTCP. Without it, as Landlock itself,
// the rules leave the network alone. It governs what the program and its
// libraries do through ordinary TCP sockets (net.Dial, a library's
// client); it is not a wall against code that takes the process over:
// the kernel's TCP rights cover neither Multipath TCP sockets (which Go
// uses for listeners by default) nor UDP (Landlock's UDP rights, ABI 8,
// are not handled).
//
// It is best effort: on a kernel without Landlock, or whose Landlock
// cannot allow renames between directories (ABI 1, no "refer"), nothing is
// restricted and ABI reports what was found, so that the caller can log
// it. Rights of later ABIs than the kernel's are left out. A path that
// cannot be opened (missing, not searchable) is skipped: it is then not
// allowed, which only makes the sandbox stricter.
package sandbox

import (
	"fmt"

	llsys "github.com/landlock-lsm/go-landlock/landlock/syscall"
)

// Rules are the paths a sandboxed process may use. A path may name a
// directory (the rule covers everything below it) or a single file.
type Rules struct {
	RW   []string // read, write, create, remove, rename (refer); not execute
	RO   []string // read only
	Exec []string // files that may be executed (and read)
	// Symlink are directories below which symbolic links may be made
	// (the link of Dovecot's active Sieve script); removing and
	// renaming them needs RW too.
	Symlink []string
	// Sockets are directories with the rights of RW and also that of
	// making named sockets in them (bind(2) of a Unix socket): a GnuPG
	// home, where gpg-agent makes its sockets.
	Sockets []string
	// RestrictTCP: the process may bind no TCP port and connect only to
	// the TCP ports of ConnectTCP, on any address (Landlock ABI 4 and
	// later; an older kernel leaves TCP unrestricted). UDP is not
	// restricted, so name lookups work; the C library's TCP fallback to
	// a name server needs port 53 in ConnectTCP.
	RestrictTCP bool
	ConnectTCP  []uint16
}

// ABI returns the Landlock ABI version of the running kernel, 0 when
// Landlock is not available.
func ABI() int {
	v, err := llsys.LandlockGetABIVersion()
	if err != nil {
		return 0
	}
	return v
}

// Restrict applies r to the whole process (all threads) and sets
// no_new_privs, which Landlock requires of a process without
// CAP_SYS_ADMIN. Call it after the privilege drop.
func Restrict(r Rules) error {
	if err := restrict(r, true); err != nil {
		return fmt.Errorf("sandbox: landlock: %w", err)
	}
	return nil
}

// RestrictAsRoot applies r to the whole process (all threads) without
// setting no_new_privs, so that a set-user-ID or set-group-ID program run
// later keeps its privileges, within r. The kernel allows it only with
// CAP_SYS_ADMIN: call it as root, right before the privilege drop; as
// anyone else it fails with EPERM and restricts nothing. The paths of r
// are opened as root, so a rule may name what the user could not reach
// (through a symbolic link of theirs, say): that grants nothing, since
// the Unix permissions still apply after the drop.
func RestrictAsRoot(r Rules) error {
	if err := restrict(r, false); err != nil {
		return fmt.Errorf("sandbox: landlock as root: %w", err)
	}
	return nil
}
