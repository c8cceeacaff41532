// Package childstart starts the programs postern runs for the user (the
// sendmail wrapper, gpg and gpgsm, sievec and the filter installer,
// sa-learn, postern-helper and postern-login) so that they inherit the
// scheduling settings the process was started with.
//
// The request binary starts its Go runtime on one CPU and gives the
// runtime's first threads 2 ms of timer slack (privdrop/rtenv, "The
// processor count" and "Timer slack"); only the main thread gets its own
// settings back. A goroutine may run on any thread, and a child inherits
// the CPU affinity and the timer slack of the thread that forks it, so a
// program started from one of those threads would run on one CPU, with
// coarse timers, for its whole life: a gpg-agent that gpg starts outlives
// the request. The program sets Start's way to fork (Use, with
// rtenv.Start: from a locked thread that has the process's settings
// back); the packages that run programs call Start or Run. Without Use
// (the tests of those packages, other programs) cmd.Start is all there
// is, and the libraries do not link rtenv's constructor.
package childstart

import "os/exec"

// start is the way set by Use; nil is cmd.Start.
var start func(*exec.Cmd) error

// Use makes Start start programs with f. The program calls it once at
// its start, before any goroutine could run a program.
func Use(f func(*exec.Cmd) error) { start = f }

// Start starts cmd (see the package doc).
func Start(cmd *exec.Cmd) error {
	if start != nil {
		return start(cmd)
	}
	return cmd.Start()
}

// Run is Start, then cmd.Wait.
func Run(cmd *exec.Cmd) error {
	if err := Start(cmd); err != nil {
		return err
	}
	return cmd.Wait()
}
