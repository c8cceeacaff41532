// Package sandbox restricts the running process with Landlock (Linux 5.13
// and later) after the privilege drop, through
// github.com/landlock-lsm/go-landlock.
//
// The process may then read and write only below the directories of
// Rules.RW (the user's Maildir; with the "refer" right, so that Maildir's
// rename from new/ to cur/ and between folders works), read only below Rules.RO (the
// configuration, the templates, time-zone and MIME data), and execute only
// the files of Rules.Exec (the sendmail wrapper). Everything else of the
// file system, including other users' Maildirs, /etc/shadow and files
// reached through a symbolic link out of the Maildir, is refused by the
// kernel with EACCES whatever the Unix permissions say. Landlock cannot be
// undone, and it is inherited by every child.
//
// It is best effort: on a kernel without Landlock, or with an older ABI,
// Restrict applies what the kernel supports (possibly nothing) and reports
// the ABI it found, so the caller can log it. Paths that do not exist are
// skipped.
package sandbox

import (
	"fmt"
	"os"

	"github.com/landlock-lsm/go-landlock/landlock"
	llsys "github.com/landlock-lsm/go-landlock/landlock/syscall"
)

// Rules are the paths a sandboxed process may use.
type Rules struct {
	RW   []string // directories: read, write, create, remove
	RO   []string // directories or files: read only
	Exec []string // files that may be executed (and read)
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

// Restrict applies r to the whole process (all threads).
func Restrict(r Rules) error {
	var rules []landlock.Rule
	var roDirs, roFiles []string
	for _, p := range r.RO {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			roDirs = append(roDirs, p)
		} else if err == nil {
			roFiles = append(roFiles, p)
		}
	}
	if len(r.RW) > 0 {
		rules = append(rules, landlock.RWDirs(r.RW...).WithRefer().IgnoreIfMissing())
	}
	if len(roDirs) > 0 {
		rules = append(rules, landlock.PathAccess(roAccess, roDirs...).IgnoreIfMissing())
	}
	if len(roFiles) > 0 {
		rules = append(rules, landlock.ROFiles(roFiles...).IgnoreIfMissing())
	}
	if len(r.Exec) > 0 {
		rules = append(rules, landlock.PathAccess(execAccess, r.Exec...).IgnoreIfMissing())
	}
	if err := landlock.V7.BestEffort().RestrictPaths(rules...); err != nil {
		return fmt.Errorf("sandbox: landlock: %w", err)
	}
	return nil
}

// Access rights of read-only directories and of executable files.
const (
	roAccess   = landlock.AccessFSSet(llsys.AccessFSReadFile | llsys.AccessFSReadDir)
	execAccess = landlock.AccessFSSet(llsys.AccessFSExecute | llsys.AccessFSReadFile)
)
