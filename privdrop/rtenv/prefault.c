// The entry point of the static-pie request binary (doc.go, "The
// relocated pages"). Nothing here may need a relocation, the C library or
// thread-local storage: it runs before _start, so before the program has
// relocated itself and before the C library has set up anything. It reads
// only the program's own headers and relocation table, through the
// linker's hidden __ehdr_start (addressed relative to the instruction
// pointer), and makes system calls itself.

#include <elf.h>
#include <link.h>
#include <stdint.h>

#ifndef DT_RELR
#define DT_RELR 36
#define DT_RELRSZ 35
#endif

extern const ElfW(Ehdr) __ehdr_start __attribute__((visibility("hidden")));

#if defined(__x86_64__)
static long postern_prefault_madvise(uintptr_t addr, uintptr_t len) {
	long r;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(28L /* SYS_madvise */), "D"(addr), "S"(len), "d"(23L /* MADV_POPULATE_WRITE */)
			 : "rcx", "r11", "memory");
	return r;
}

// postern_prefault populates, with one madvise(MADV_POPULATE_WRITE) per
// run of adjacent pages, every page that a relative relocation of the
// packed table (DT_RELR) is about to write. An error (a kernel before
// 5.14 has no MADV_POPULATE_WRITE: EINVAL) leaves the pages to be faulted
// in one by one, as without this function.
__attribute__((used, visibility("hidden"), optimize("no-stack-protector")))
void postern_prefault(void) {
	const ElfW(Ehdr) *eh = &__ehdr_start;
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)((const char *)eh + eh->e_phoff);
	const uintptr_t base = (uintptr_t)eh;
	const ElfW(Dyn) *dyn = 0;
	uintptr_t relr = 0, relrsz = 0, where = 0, lo = 0, hi = 0;
	int i;

	if (eh->e_type != ET_DYN) {
		return;
	}
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (const ElfW(Dyn) *)(base + ph[i].p_vaddr);
		}
	}
	for (; dyn != 0 && dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_RELR) {
			relr = dyn->d_un.d_ptr;
		} else if (dyn->d_tag == DT_RELRSZ) {
			relrsz = dyn->d_un.d_val;
		}
	}
	if (relr == 0) {
		return;
	}
	// An address entry (even) names one word and moves "where" past it; a
	// bitmap entry (odd) names, by bits 1 to 63, the 63 words from "where"
	// on, and moves "where" past them.
	for (const ElfW(Addr) *r = (const ElfW(Addr) *)(base + relr); relrsz >= sizeof *r; r++, relrsz -= sizeof *r) {
		uintptr_t bits = (*r & 1) ? *r >> 1 : 1;
		if ((*r & 1) == 0) {
			where = *r;
		}
		for (i = 0; bits != 0; i++, bits >>= 1) {
			uintptr_t page;
			if ((bits & 1) == 0) {
				continue;
			}
			page = (base + where + (uintptr_t)i * sizeof *r) & ~(uintptr_t)4095;
			if (page >= lo && page < hi) {
				continue;
			}
			if (page == hi) {
				hi += 4096;
				continue;
			}
			if (hi > lo) {
				postern_prefault_madvise(lo, hi - lo);
			}
			lo = page;
			hi = page + 4096;
		}
		where += (*r & 1) ? 63 * sizeof *r : sizeof *r;
	}
	if (hi > lo) {
		postern_prefault_madvise(lo, hi - lo);
	}
}

// postern_entry is the ELF entry point (-Wl,-e,postern_entry): it keeps
// %rdx (the function the ABI lets a loader pass for atexit; 0 from the
// kernel) in a callee-saved register across the call, then goes on to the
// C library's _start with the stack as the kernel left it.
__asm__(".text\n"
	".globl postern_entry\n"
	".hidden postern_entry\n"
	".type postern_entry,@function\n"
	"postern_entry:\n"
	"\tmov %rdx, %r12\n"
	"\tcall postern_prefault\n"
	"\tmov %r12, %rdx\n"
	"\tjmp _start\n"
	".size postern_entry, .-postern_entry\n");
#endif
