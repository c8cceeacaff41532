// The huge page hint of large anonymous mappings (doc.go, "Huge pages").
// This definition of mmap replaces the C library's in every program that
// links this package: in the static request binary the linker takes it
// instead of libc.a's weak mmap, and in a dynamically linked program
// (postern-login) the executable's symbol interposes on libc.so's for
// every shared object, pam_unix's libcrypt among them. The C library's
// own internal mappings (malloc, thread stacks) call __mmap and are not
// affected.

#define _GNU_SOURCE
#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

// Only the 64-bit machines whose mmap system call takes the offset in
// bytes: elsewhere the C library's mmap stays.
#if defined(__x86_64__) || defined(__aarch64__)

// postern_huge is the smallest mapping that gets the hint: one huge page
// on x86-64, and on arm64 with 4 KB pages.
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
