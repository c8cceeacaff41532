// Package privdrop is the first and last thing postern does as root: it
// makes a setuid process safe to continue (Sanitize) and then gives root
// away for good (Drop), proving afterwards that it cannot be regained.
//
// The design follows Apache suexec, qmail and Postfix postdrop: a setuid
// program trusts nothing it inherits from its caller.
//
//   - File mode creation mask: set to 077, so every file and directory the
//     process creates is private to its owner.
//   - Standard descriptors: fds 0, 1 and 2 are made to exist (on /dev/null)
//     so that a file opened later can never become "standard error" of a
//     caller who closed it. The Go runtime already does this at start-up
//     (runtime.checkfds, Go 1.22+); Sanitize does it again so the guarantee
//     does not depend on the runtime version.
//   - Environment: everything is removed except an allowlist of CGI/1.1 and
//     common web server variables, modelled on suexec's safe_env_lst (see
//     CleanEnv). Loader, locale, shell and proxy variables (LD_*, GCONV_PATH,
//     BASH_FUNC_*, HTTP_PROXY per "httpoxy") never survive; neither does
//     POSTERN_CONFIG, which only a non-setuid run may use and which the
//     caller must read before calling Sanitize. PATH is set to a fixed value.
//     The Go runtime's own variables (GOMAXPROCS, GODEBUG, ...) are read
//     before main, too early for Sanitize: package privdrop/rtenv removes
//     them before the runtime starts.
//
// Drop uses setgroups, setresgid and setresuid from package syscall. Since
// Go 1.16 these apply to every thread of the process on Linux, so no thread
// keeps root. After the change Drop verifies the result: setuid(0) and
// setgid(0) must fail (tried with the raw system calls on the calling
// thread, since every thread now has the same ids: a broadcast to all
// threads would cost two more signal rounds), and the real, effective and
// saved ids and the supplementary group list must be exactly what was
// asked for. Any difference is an error and the caller must exit.
//
// Not covered: resource limits, signal dispositions and the inherited
// working directory are left as they are (the caller chdirs to the
// Maildir); capabilities are not handled separately because a process that
// changes all its uids away from 0 loses them (capabilities(7)).
//
// This package imports only the standard library.
package privdrop
