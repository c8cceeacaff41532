package rtenv

import (
	"os/exec"
	"runtime"
)

// Start starts cmd from a thread that has the CPU affinity and the timer
// slack the process started with, so that the program inherits those,
// not the one CPU and the 2 ms of slack the constructor gave the
// runtime's first threads (doc.go, "The processor count" and "Timer
// slack"). A goroutine may run on any of the process's threads, and a
// child inherits both settings from the thread that forks it: without
// this a gpg-agent that gpg starts for a request (a daemon, which
// outlives it) could have run on one CPU for good. The thread is locked
// while it forks and gets the settings back for good (Unpin); should
// that fail, cmd starts anyway, as before.
func Start(cmd *exec.Cmd) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	_ = Unpin()
	return cmd.Start()
}
