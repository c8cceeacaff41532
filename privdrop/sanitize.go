package privdrop

import (
	"os"
	"strings"
	"syscall"
)

// Sanitize prepares a possibly setuid process before anything else runs:
// umask 077, fds 0-2 open, environment reduced by CleanEnv and PATH set to
// SafePath. It reports whether the process runs setuid or setgid (effective
// id different from the real one).
//
// Sanitize panics if it cannot make fds 0-2 exist: a process that cannot
// open /dev/null must not go on.
func Sanitize() (setuid bool) {
	syscall.Umask(0o077)
	if err := openStdFds(); err != nil {
		panic(err)
	}
	env := CleanEnv(os.Environ())
	os.Clearenv()
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		os.Setenv(name, value)
	}
	return os.Geteuid() != os.Getuid() || os.Getegid() != os.Getgid()
}

// openStdFds opens /dev/null on each of fds 0, 1 and 2 that is closed.
func openStdFds() error {
	for fd := 0; fd < 3; fd++ {
		_, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD, 0)
		if errno == 0 {
			continue
		}
		if errno != syscall.EBADF {
			return &os.SyscallError{Syscall: "privdrop: fcntl", Err: errno}
		}
		nfd, err := syscall.Open("/dev/null", syscall.O_RDWR, 0)
		if err != nil {
			return &os.PathError{Op: "privdrop: open", Path: "/dev/null", Err: err}
		}
		if nfd != fd {
			// Only reachable if something holds a lower fd closed; move it.
			err := syscall.Dup3(nfd, fd, 0)
			syscall.Close(nfd)
			if err != nil {
				return &os.SyscallError{Syscall: "privdrop: dup3", Err: err}
			}
		}
	}
	return nil
}
