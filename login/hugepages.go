package main

// The password hash's memory. yescrypt, the hash Debian's pam_unix
// writes by default ($y$), fills 16 MB of fresh memory per check, and
// pam_unix checks twice (verify_pwd_hash calls crypt twice): 8,200 page
// faults, more than half of a login's CPU on a machine where a fault
// costs 9 µs (issue 19's profile). libxcrypt maps that region with
// mmap(2), and the kernel backs it with 4 KB pages unless the region is
// marked for transparent huge pages (the usual "madvise" setting of
// /sys/kernel/mm/transparent_hugepage/enabled) or the site set "always".
//
// This program therefore defines mmap itself. Its definition interposes on
// the C library's for every shared object the program loads (the dynamic
// linker binds libcrypt's calls, through pam_unix, to the executable's
// symbol first); it makes the system call and marks a mapping of at least
// 2 MB that is anonymous, private and writable MADV_HUGEPAGE. Measured
// (perf stat, `postern-login pam SERVICE auth` for a yescrypt user, three
// runs each): 8,650 page faults and 142-188 ms of CPU before, 340-1,370
// and 60-95 ms after. The Go runtime's own mappings reach the C library
// through runtime/cgo's x_cgo_mmap and get the same hint: for a program
// that lives for one check, that only means fewer faults. The C library's
// internal mappings (malloc's, thread stacks) do not go through this
// symbol. Where the kernel has no huge page to give ("never", or memory
// too fragmented), the hint changes nothing; with the "madvise" defrag
// setting the kernel may compact memory for it first, once per login.
//
// Only the 64-bit machines whose mmap system call takes the offset in
// bytes get the definition; elsewhere the C library's mmap stays.

/*
#define _GNU_SOURCE
#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__aarch64__)
// postern_huge is the smallest mapping that gets the hint: one huge page
// on x86-64 and on arm64 with 4 KB pages.
static const size_t postern_huge = 2u << 20;

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
	long r = syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	if (r == -1) {
		return MAP_FAILED; // syscall(2) has set errno
	}
	if (len >= postern_huge && fd == -1 && (flags & MAP_ANONYMOUS) != 0 &&
	    (flags & MAP_PRIVATE) != 0 && (prot & PROT_WRITE) != 0) {
		(void)madvise((void *)r, len, MADV_HUGEPAGE);
	}
	return (void *)r;
}
#endif
*/
import "C"
