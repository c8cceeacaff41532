// Package rtenv keeps the caller's Go runtime settings out of a setuid
// program: every environment variable whose name starts with "GO" is
// removed before the Go runtime starts, and Check proves at the start of
// main that none reached it.
//
// # Why privdrop.Sanitize is too late
//
// The Go runtime reads its settings from the environment in schedinit,
// before any package is initialised and long before main: GOMAXPROCS (the
// number of Ps, each with its own caches: GOMAXPROCS=1000000 made one
// setuid run take 21.8 GB and 2,660 threads as root for 19 minutes),
// GOGC and GOMEMLIMIT (collector pacing), GODEBUG (inittrace, gctrace,
// schedtrace print traces; other settings change the behaviour of
// internal/cpu, crypto, net, os ...), GOTRACEBACK (what a crash prints).
// Others are read later by the runtime or its packages: GOROOT
// (runtime.GOROOT, time's zoneinfo fallback), GOCOVERDIR and GOCOVERDEBUG
// (coverage builds), GORACE (race builds), GOENTROPYSOURCEACVP. Go reads
// them from its own copy of the environment, made in goenvs from the
// array the kernel put on the initial stack (argv+argc+1), not from the C
// library's environ.
//
// # Design
//
//   - Which variables: every name that starts with "GO", not a list. The
//     runtime and standard packages add new ones from release to release,
//     and a prefix covers those too. No CGI/1.1 meta-variable starts with
//     "GO" (GATEWAY_INTERFACE does not: "GA"), request headers arrive as
//     HTTP_*, and privdrop.CleanEnv drops every GO* name later anyway, so
//     a CGI request loses nothing.
//   - When: always, not only when the auxiliary vector's AT_SECURE says
//     the process is setuid. The rule is then the same for a web request,
//     `postern index` run by the administrator and the tests, and it can
//     be tested without a setuid binary. The price: GODEBUG, GOMAXPROCS,
//     GOGC, GOMEMLIMIT and GOCOVERDIR cannot tune or instrument this
//     program (nor a test binary of a package that imports this one).
//   - How: a C constructor (scrub.go), which the C library runs before it
//     calls main, the symbol through which an externally linked Go program
//     enters its runtime (rt0_go). It replaces each GO* entry of the
//     initial envp array, in place, by a pointer to an empty string. The
//     array keeps its length on purpose: the runtime finds the auxiliary
//     vector (page size, AT_RANDOM, the vDSO) by walking to the first NULL
//     after envp, so shortening the array would leave a NULL where it
//     expects the vector and make it fall back to reading /proc/self/auxv
//     (which glibc's own unsetenv of LD_* in a setuid start already
//     provokes). An empty entry is what Go's own Unsetenv leaves behind:
//     the runtime's getenv never matches it and os.Environ skips it. The
//     constructor receives envp from glibc (an extension of the ELF
//     initialisation ABI) and also cleans the array environ points to when
//     that is another one; with a C library that passes no arguments
//     (musl) it cleans the array environ points to at that time, which is
//     the initial one unless an earlier constructor called setenv.
//   - Check, at the start of main, reads both the runtime's view
//     (os.Environ) and the C library's (environ) and returns an error
//     naming each GO* variable it finds. A program that gets one must
//     exit: the runtime has already used what it found. One entry is
//     accepted: GOTRACEBACK=none, which the runtime's own secure mode
//     (runtime/security_unix.go) adds to its copy of the environment in
//     a setuid start, replacing any GOTRACEBACK the caller set. That is
//     the only runtime variable Go itself guards in a setuid program.
//
// # Build requirements
//
// The constructor is C: it needs cgo and a C compiler, which postern needs
// anyway (PAM, libcrypt, SQLite). A build with CGO_ENABLED=0, or a future
// cgo-free static build, loses it: the package still compiles, but then
// nothing removes the variables before the runtime reads them, and Check
// makes every run that has one fail (closed, not open). A static build
// that still uses cgo keeps the constructor (the static C start-up code
// runs constructors too). The program must be linked externally, the
// default whenever a package outside the standard library uses cgo, as
// this one does; under -linkmode=internal the C library's start-up code,
// which runs the constructor, is not the entry point.
//
// This package imports only the standard library.
package rtenv
