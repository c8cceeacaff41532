// Package rtenv keeps the caller's Go runtime settings out of a setuid
// program: every environment variable whose name starts with "GO" is
// removed before the Go runtime starts, and Check proves at the start of
// main that none reached it. It also starts the runtime with one P
// (GOMAXPROCS 1) by narrowing the CPU affinity until main (Unpin).
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
// # The processor count
//
// The same constructor also fixes the one runtime setting that pays for
// a program that lives for one request: GOMAXPROCS 1. The runtime takes
// its default in schedinit from the process's CPU affinity, so when the
// affinity allows more than one CPU the constructor narrows it to the CPU
// it is running on (sched_getcpu; the kernel chose it at execve for its
// load), and the runtime starts with one P. A CGI request is one
// goroutine: a second P only spreads the first allocations over a second
// set of per-P caches and spans and wakes a spinning thread for it.
// Measured on the installed setuid program (bench/abcgi.py, interleaved
// runs, two runs): 20 to 80 fewer page faults of about 1,000 and 11 to
// 18% less CPU for the login page, a warm list and a message, 6% for a
// login.
// A call of runtime.GOMAXPROCS(1) after start-up does not do it: it
// costs a stop of the world and more faults than it saves. Nor can the
// constructor add GOMAXPROCS=1 to the environment: the runtime reads the
// initial envp array, which has no free entry (see How above).
//
// Unpin, called by gate.Prepare at the start of main, gives the calling
// thread (the main thread, where the request runs) the affinity the
// process started with, so that the scheduler may move it to another CPU
// under load; GOMAXPROCS stays 1 (the request binary turns off the
// runtime's periodic update of it, which would follow the affinity back
// to more: //go:debug updatemaxprocs=0 in cgi/main.go). The runtime's
// threads started before (sysmon, cgo's template thread, an idle M) keep
// the one CPU, as do threads they start. A program the request runs
// (sendmail, gpg) would inherit it from such a thread, so it is started
// with Start (through internal/childstart), from a locked thread that
// has the process's affinity back. CPUs returns the count the process
// started with.
// The affinity is inherited over execve like the environment, so a
// caller could always have started the program on one CPU: narrowing it
// gives the caller nothing.
//
// # Timer slack
//
// The runtime's monitor thread (sysmon) sleeps 20 µs between its first
// fifty rounds, and again after any round that finds work, and only then
// doubles the sleep round by round: in a process that lives 10 to 20 ms it woke about sixty
// times, and on the one CPU it shares with the main thread (above) each
// wake was a switch away from the request and back (half of a warm
// list's hundred context switches). The constructor therefore sets the
// timer slack of the process's one thread to 2 ms (prctl
// PR_SET_TIMERSLACK), which every thread the runtime starts inherits:
// the kernel may then end each of sysmon's sleeps up to 2 ms late, and
// groups the wakes. Unpin gives the main thread its own slack back, so
// that the request's timeouts (SQLite's busy waits) are as precise as
// before. What a later sysmon round would do sooner is take the
// processor from a thread blocked in a system call for another goroutine
// (the one that feeds a child's pipe while the request waits for it):
// the runtime itself lets that wait grow to 10 ms once sysmon has been
// idle, and 2 ms is below it. A larger slack is not: with 20 ms a login,
// which waits for the login helper, took 25 ms longer. Measured on the
// installed setuid program (bench/abcgi.py, 20 interleaved rounds, 1,000
// messages): context switches of a warm list 94 -> 44, of a login 220 ->
// 90; CPU 5 to 13% less for the login page, a warm list, the folder list
// and a message, 5% for a login, whose wall time fell too (72.6 -> 68.2
// ms). A program the request runs gets the process's own slack, as it
// gets its affinity (Start). Where the kernel has no timer slack (prctl
// fails) nothing changes.
//
// # The relocated pages
//
// The request binary is a static PIE (the Makefile, STATIC): at every
// start it writes the load address into each pointer of its own data
// before anything else runs (glibc's _dl_relocate_static_pie, reading
// the packed DT_RELR table). Go's type descriptors, itabs and static
// tables are full of pointers: about 300 pages, 1.1 MB, each copied from
// the file on its first write. A fresh private page costs 4 to 10 µs on
// the virtual machines postern was measured on (the guest's fault, then
// the host's first mapping of the page), so these pages were a third of
// a warm request's faults. prefault.c is the program's ELF entry point
// (-Wl,-e,postern_entry); before it jumps to the C library's _start it
// does two things, in this order:
//
//   - The huge windows. The writable segment's file-backed part (the
//     relocated data, .data, .noptrdata: 2.1 MB) and the start of its
//     .bss lie in two 2 MB windows of the address space. The Makefile
//     links the program with its segments aligned to 2 MB (-z
//     max-page-size, so the kernel loads it at a 2 MB boundary) and the
//     read-only-after-relocation part (PT_GNU_RELRO) ending on a 2 MB
//     boundary (-z common-page-size), so the first window holds only the
//     unused gap before the segment and the relocated data, and the
//     second the rest. The entry makes one anonymous mapping of both
//     windows elsewhere, 2 MB aligned and marked MADV_HUGEPAGE, copies
//     into it what the kernel had mapped there (process_vm_readv on
//     itself: the kernel copies from the page cache; a plain loop copies
//     whatever that call does not), and moves it over the windows with
//     one mremap(MREMAP_FIXED), which keeps the huge pages huge. The
//     relocation then writes into two huge pages instead of 300 small
//     ones. The gap stays mapped, read and write, 1 MB of zeros that
//     nothing uses (unmapping it would split the huge page before the
//     relocation writes to it). After the relocation the C library makes
//     the relocated part read-only as before (RELRO), which splits the
//     first huge page into small mappings of the same memory. When the
//     kernel has already put something in the gap (the vDSO, about one
//     start in a hundred), the first window is left as it mapped it and
//     only the second is made. Nothing is done when the kernel gives no
//     huge pages ("never" in
//     /sys/kernel/mm/transparent_hugepage/enabled), when no window fits
//     (another layout), or when the first system call fails; once the
//     new mapping exists, every path ends with the data in place. Where
//     the kernel has no free huge page at the moment, the mapping gets
//     small pages and costs what the relocation would have.
//   - The populate. For every relocated page outside the windows (none
//     with the Makefile's layout and huge pages on; all of them without),
//     it reads the same DT_RELR table and asks the kernel, with one
//     madvise(MADV_POPULATE_WRITE) per run of adjacent pages, for exactly
//     the pages the relocation will write: the kernel copies them in one
//     pass without a trap each. A kernel without MADV_POPULATE_WRITE
//     (before 5.14) answers EINVAL and the pages fault in as before.
//
// Measured with bench/abcgi.py (interleaved rounds): the populate alone
// took 9 to 12% off the CPU of the login page, a warm list and a
// message; the huge windows another 7 to 12%, with about 300 fewer
// faults a request and 2-3 MB more resident memory. The price of the
// alignment: the load address keeps the kernel's randomisation above 2
// MB (19 bits on x86-64 with the default mmap_rnd_bits, against 28),
// and the file has holes where its segments are padded to 2 MB (its
// size on disk does not change). The code runs before the program is
// relocated and before the C library exists: it uses no relocated
// pointer, no thread-local storage (so no stack protector), no C library
// function and nothing the compiler could turn into one (memcpy), and
// reads nothing the caller controls but its own memory. A dynamically
// linked PIE cannot do this: its loader relocates it before its entry
// point runs. build/TestRequestBinaryPrefault checks the layout, the
// entry point and, under strace, the windows' mark, copy and move and
// that the populated pages are exactly the relocated ones outside them.
//
// # Huge pages of the program file
//
// A request runs code from all over the program: about 900 of its 1,600
// pages of code, and hundreds of pages of read-only data and function
// tables. On the virtual machines postern was measured on, the first
// touch of each page by a new process costs 1.5 to 2 µs even when the
// file is in the page cache (the host maps each page table entry anew),
// about 10% of a warm request. The kernel maps a file's 2 MB window with
// one entry (a huge page) when its page cache holds that window as one
// 2 MB folio and the mapping is aligned: touching 6 MB of code then cost
// 150 µs instead of 3 ms. prefault.c's entry point, before anything
// else, marks the program's read-only segments of 2 MB or more
// MADV_HUGEPAGE (postern_huge_text). That does not change what is cached
// already; but when the kernel reads the file from disk (after an
// install, or after the cache let it go) it reads each window of a
// marked mapping whole, into one 2 MB folio, and from then on every
// process maps those windows whole, marked or not. The Makefile links
// the program with 2 MB aligned segments (-z max-page-size, as for the
// writable segment), and make install and the Debian package write the
// installed program out and drop it from the page cache
// (build/hugefile.sh), so that the first request reads it this way. The
// entry point's own code is in a section of its own (postern_start),
// which the linker places after the rest of the code, in the last,
// partial window: its first instruction is fetched before the mark, and
// the pages read around it are cached small. What the kernel reads
// before the program runs stays small too: at exec it clears the end of
// the last page of the writable data, and the readahead around that
// fault (read_ahead_kb of the disk, 8 MB where measured) caches the
// window of the function tables below it in small pages; with the
// Makefile's layout, 8 of 10 MB of code and read-only data are mapped in
// huge pages. Measured with
// bench/abcgi.py (interleaved, 25 rounds): 20 to 26% less CPU for the
// login page, a warm list and a message. It needs a kernel and a file
// system whose page cache holds large folios (ext4 and XFS on recent
// kernels; measured on ext4 and Linux 6.18); elsewhere nothing changes. The pages are the file's,
// shared by every process; a process's resident size counts them whole
// (about 2 MB more). build/TestRequestBinaryHugeText checks the section,
// the marks, and that the cache holds the code in 2 MB pages after one
// run.
//
// # Huge pages
//
// Most of what a request costs on the machines postern was measured on is
// page faults: about 9 µs each, half the trap and half the host backing
// a fresh page, against about 0.25 µs per 4 KB when the kernel backs a
// region with 2 MB transparent huge pages. The kernel does that for a
// mapping marked MADV_HUGEPAGE under its usual setting ("madvise" in
// /sys/kernel/mm/transparent_hugepage/enabled). hugepages.c defines mmap
// for the programs that link this package, and marks every anonymous,
// private, writable mapping of 2 MB or more. Two kinds get the mark:
//
//   - the Go heap: with cgo, the runtime maps its heap through the C
//     library's mmap (runtime/cgo's x_cgo_mmap), before it touches it, so
//     a request's first megabytes of heap come in one or two huge pages
//     instead of several hundred faults. bench/abcgi.py (interleaved, 20
//     rounds): 22 to 25% less CPU and about 290 fewer faults for the login
//     page, a warm list and a message, with the relocation prefault below;
//     the peak RSS grows by 3 MB (to 15-17 MB);
//   - the password hash's memory: yescrypt, Debian's default hash ($y$),
//     fills 16 MB per check through libxcrypt's mmap, and pam_unix checks
//     twice. In postern-login, a PAM check went from 8,650 faults and
//     142-188 ms of CPU to 340-1,370 faults and 60-95 ms (perf stat, three
//     runs each); the same holds for the shadow and webpass backends in
//     the request binary.
//
// The runtime's own later MADV_NOHUGEPAGE marks (on its metadata) still
// apply. The hint is only a hint: where the kernel has no huge page to
// give (fragmented memory, or the site's "never") the pages come one by
// one as before. With the kernel's usual defrag setting ("madvise") a
// marked fault may first compact memory; a site that prefers never to
// wait for that sets /sys/kernel/mm/transparent_hugepage/defrag to
// "defer" (or THP to "never"), and postern follows. The mappings that are
// not anonymous (SQLite's files, the program itself) are not marked.
// build/TestRequestBinaryHugePages and login/TestHugePageHint check the
// marks under strace.
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
