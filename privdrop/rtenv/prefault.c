// The entry point of the static-pie request binary (doc.go, "The
// relocated pages" and "Huge pages of the program file"). Nothing here
// may need a relocation, the C library or thread-local storage: it runs
// before _start, so before the program has relocated itself and before
// the C library has set up anything. It reads only the program's own
// headers, relocation table and memory (and the kernel's transparent
// huge page setting), through the linker's hidden __ehdr_start
// (addressed relative to the instruction pointer), and makes system
// calls itself.

#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <sys/uio.h>

#ifndef DT_RELR
#define DT_RELR 36
#define DT_RELRSZ 35
#endif

extern const ElfW(Ehdr) __ehdr_start __attribute__((visibility("hidden")));

#if defined(__x86_64__)
// POSTERN_START puts the code that runs before the program is relocated
// in a section of its own, which the linker places after the rest of the
// code, in the last, partial 2 MB window of the code segment: its first
// instruction is fetched (and the page around it read into the cache)
// before postern_huge_text has marked the code, so it must not share a
// window that can be a huge page (doc.go, "Huge pages of the program
// file").
#define POSTERN_START __attribute__((section("postern_start")))

// The system calls, made directly: the C library does not exist yet.
// Every call passes six arguments (the unused ones 0): mmap reads its
// offset from the sixth.
POSTERN_START static long postern_sc(long n, long a, long b, long c, long d, long e) {
	long r;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = 0;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

#define POSTERN_SYS_read 0
#define POSTERN_SYS_close 3
#define POSTERN_SYS_mmap 9
#define POSTERN_SYS_munmap 11
#define POSTERN_SYS_mremap 25
#define POSTERN_SYS_madvise 28
#define POSTERN_SYS_getpid 39
#define POSTERN_SYS_openat 257
#define POSTERN_SYS_process_vm_readv 310
#define POSTERN_MADV_HUGEPAGE 14
#define POSTERN_MADV_POPULATE_WRITE 23
#define POSTERN_HUGE ((uintptr_t)2 << 20)
#define POSTERN_PAGE ((uintptr_t)4096)

POSTERN_START static long postern_prefault_madvise(uintptr_t addr, uintptr_t len) {
	return postern_sc(POSTERN_SYS_madvise, (long)addr, (long)len, POSTERN_MADV_POPULATE_WRITE, 0, 0);
}

POSTERN_START static int postern_failed(long r) { return r < 0 && r > -4096; }

// postern_thp_off says whether the kernel will give no transparent huge
// page to a mapping marked MADV_HUGEPAGE: its setting is "never", or it
// has none (no such file).
__attribute__((optimize("no-stack-protector")))
POSTERN_START static int postern_thp_off(void) {
	static const char path[] = "/sys/kernel/mm/transparent_hugepage/enabled";
	char buf[64];
	long fd, n, i;
	fd = postern_sc(POSTERN_SYS_openat, -100 /* AT_FDCWD */, (long)path, 02000000 /* O_RDONLY|O_CLOEXEC */, 0, 0);
	if (postern_failed(fd)) {
		return 1;
	}
	n = postern_sc(POSTERN_SYS_read, fd, (long)buf, sizeof buf - 1, 0, 0);
	postern_sc(POSTERN_SYS_close, fd, 0, 0, 0, 0);
	if (postern_failed(n) || n <= 0) {
		return 1;
	}
	for (i = 0; i + 7 <= n; i++) {
		if (buf[i] == '[' && buf[i + 1] == 'n' && buf[i + 2] == 'e' && buf[i + 3] == 'v' &&
		    buf[i + 4] == 'e' && buf[i + 5] == 'r' && buf[i + 6] == ']') {
			return 1;
		}
	}
	return 0;
}

// postern_huge_text marks the program's read-only segments of 2 MB or
// more (the code, the read-only data and the function tables)
// MADV_HUGEPAGE (doc.go, "Huge pages of the program file"). It changes
// nothing in the page cache as it is; when the kernel next reads the
// file from disk (after install, or after the cache let it go), it reads
// each 2 MB window whole into one huge page of the cache, and from then
// on every process that maps the program maps those windows with one
// page-table entry each instead of 512. The windows the kernel has
// cached in small pages stay small.
__attribute__((optimize("no-stack-protector")))
POSTERN_START static void postern_huge_text(const ElfW(Phdr) *ph, int phnum, uintptr_t base) {
	int i;
	for (i = 0; i < phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !(ph[i].p_flags & PF_W) && ph[i].p_align >= POSTERN_HUGE &&
		    ph[i].p_memsz >= POSTERN_HUGE) {
			uintptr_t lo = (base + ph[i].p_vaddr) & ~(POSTERN_PAGE - 1);
			uintptr_t hi = (base + ph[i].p_vaddr + ph[i].p_memsz + POSTERN_PAGE - 1) & ~(POSTERN_PAGE - 1);
			postern_sc(POSTERN_SYS_madvise, (long)lo, (long)(hi - lo), POSTERN_MADV_HUGEPAGE, 0, 0);
		}
	}
}

// postern_huge_data moves the file-backed part of the writable segment
// (the relocated data, .data, .noptrdata) and the start of its .bss into
// transparent huge pages (doc.go, "The relocated pages"): the 2 MB
// windows of the address space, aligned, that hold some of that part and
// lie wholly inside the segment or the unused gap before it (no other
// segment there; not past the segment's end, where the heap may start)
// become one anonymous mapping marked MADV_HUGEPAGE, filled with a copy
// of what the kernel had mapped there. The copy is made elsewhere and
// then moved into place (one mremap, which keeps huge pages huge); it is
// made by process_vm_readv on the process itself, a copy in the kernel
// that reads the original pages from the page cache without faulting
// them in one by one, and a plain loop copies what that call does not.
// The gap is taken first with a PROT_NONE mapping, so that the new
// mapping cannot land in it, and stays mapped (read and write, zero)
// inside the first huge page. Nothing is done when the kernel gives no
// huge pages, when no window qualifies, or when a system call before the
// move fails (the gap is then given back). It sets [*lo, *hi) to the
// range of the segment it replaced, empty if none, and returns whether
// that range holds all of the segment's file-backed part.
__attribute__((optimize("no-stack-protector", "no-tree-loop-distribute-patterns")))
POSTERN_START static int postern_huge_data(const ElfW(Phdr) *ph, int phnum, uintptr_t base, uintptr_t *lo, uintptr_t *hi) {
	const ElfW(Phdr) *rw = 0;
	uintptr_t seg, file_end, mem_end, wlo, whi, clo, chi, size, nlo;
	long tmp, r;
	int i;

	*lo = *hi = 0;
	for (i = 0; i < phnum; i++) {
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_W)) {
			if (rw != 0) {
				return 0;
			}
			rw = &ph[i];
		}
	}
	if (rw == 0 || rw->p_filesz == 0) {
		return 0;
	}
	seg = (base + rw->p_vaddr) & ~(POSTERN_PAGE - 1);
	file_end = base + rw->p_vaddr + rw->p_filesz;
	mem_end = (base + rw->p_vaddr + rw->p_memsz + POSTERN_PAGE - 1) & ~(POSTERN_PAGE - 1);
	wlo = seg & ~(POSTERN_HUGE - 1);
	for (i = 0; i < phnum && wlo < seg; i++) {
		uintptr_t a = base + ph[i].p_vaddr, b = a + ph[i].p_memsz;
		if (ph[i].p_type == PT_LOAD && &ph[i] != rw && a < seg && b > wlo) {
			wlo += POSTERN_HUGE;
		}
	}
	whi = (file_end + POSTERN_HUGE - 1) & ~(POSTERN_HUGE - 1);
	while (whi > wlo && whi > mem_end) {
		whi -= POSTERN_HUGE;
	}
	if (whi <= wlo || whi <= seg || postern_thp_off()) {
		return 0;
	}
	// The gap before the segment is taken first, so that no mapping made
	// here lands in it. The kernel may have put something there already
	// (the vDSO, about one start in a hundred): the first window is then
	// left as it is, and the others are still made.
	if (wlo < seg) {
		r = postern_sc(POSTERN_SYS_mmap, (long)wlo, (long)(seg - wlo), 0 /* PROT_NONE */,
			       0x100022 /* MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE */, -1);
		if (r != (long)wlo) {
			if (!postern_failed(r)) {
				postern_sc(POSTERN_SYS_munmap, r, (long)(seg - wlo), 0, 0, 0);
			}
			wlo += POSTERN_HUGE;
		}
	}
	clo = wlo > seg ? wlo : seg;
	chi = whi < file_end ? whi : file_end;
	if (whi <= wlo || chi <= clo) {
		goto gap;
	}
	size = whi - wlo;
	// The new pages are made elsewhere, 2 MB aligned, filled, and then
	// moved over the old ones in one mremap, which keeps huge pages huge.
	tmp = postern_sc(POSTERN_SYS_mmap, 0, (long)(size + POSTERN_HUGE), 3 /* PROT_READ|PROT_WRITE */,
			 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1);
	if (postern_failed(tmp)) {
		goto gap;
	}
	nlo = ((uintptr_t)tmp + POSTERN_HUGE - 1) & ~(POSTERN_HUGE - 1);
	if (nlo > (uintptr_t)tmp) {
		postern_sc(POSTERN_SYS_munmap, tmp, (long)(nlo - (uintptr_t)tmp), 0, 0, 0);
	}
	if ((uintptr_t)tmp + size + POSTERN_HUGE > nlo + size) {
		postern_sc(POSTERN_SYS_munmap, (long)(nlo + size), (long)((uintptr_t)tmp + size + POSTERN_HUGE - nlo - size), 0, 0, 0);
	}
	postern_sc(POSTERN_SYS_madvise, (long)nlo, (long)size, POSTERN_MADV_HUGEPAGE, 0, 0);
	{
		struct iovec local = {(void *)(nlo + (clo - wlo)), chi - clo}, remote = {(void *)clo, chi - clo};
		long pid = postern_sc(POSTERN_SYS_getpid, 0, 0, 0, 0, 0);
		r = postern_sc(POSTERN_SYS_process_vm_readv, pid, (long)&local, 1, (long)&remote, 1);
	}
	if (r < 0) {
		r = 0;
	}
	{
		const volatile unsigned char *from = (const unsigned char *)clo;
		unsigned char *to = (unsigned char *)(nlo + (clo - wlo));
		for (uintptr_t k = (uintptr_t)r; k < chi - clo; k++) {
			to[k] = from[k];
		}
	}
	r = postern_sc(POSTERN_SYS_mremap, (long)nlo, (long)size, (long)size, 3 /* MREMAP_MAYMOVE|MREMAP_FIXED */, (long)wlo);
	if (r != (long)wlo) {
		postern_sc(POSTERN_SYS_munmap, (long)nlo, (long)size, 0, 0, 0);
		goto gap;
	}
	*lo = seg > wlo ? seg : wlo;
	*hi = whi;
	return *lo == seg && whi >= file_end;
gap:
	if (wlo < seg) {
		postern_sc(POSTERN_SYS_munmap, (long)wlo, (long)(seg - wlo), 0, 0, 0);
	}
	return 0;
}

// postern_prefault populates, with one madvise(MADV_POPULATE_WRITE) per
// run of adjacent pages, every page that a relative relocation of the
// packed table (DT_RELR) is about to write. An error (a kernel before
// 5.14 has no MADV_POPULATE_WRITE: EINVAL) leaves the pages to be faulted
// in one by one, as without this function.
__attribute__((used, visibility("hidden"), optimize("no-stack-protector"))) POSTERN_START
void postern_prefault(void) {
	const ElfW(Ehdr) *eh = &__ehdr_start;
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)((const char *)eh + eh->e_phoff);
	const uintptr_t base = (uintptr_t)eh;
	const ElfW(Dyn) *dyn = 0;
	uintptr_t relr = 0, relrsz = 0, where = 0, lo = 0, hi = 0, hlo, hhi;
	int i, textrel = 0;

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
		} else if (dyn->d_tag == DT_TEXTREL || (dyn->d_tag == DT_FLAGS && (dyn->d_un.d_val & DF_TEXTREL))) {
			textrel = 1;
		}
	}
	postern_huge_text(ph, eh->e_phnum, base);
	if (relr == 0) {
		return;
	}
	// When the huge windows hold the whole file-backed part of the
	// writable segment, every page a relocation writes is in them (a
	// program without text relocations writes only that segment): the
	// table need not be read.
	if (postern_huge_data(ph, eh->e_phnum, base, &hlo, &hhi) && !textrel) {
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
			if ((page >= lo && page < hi) || (page >= hlo && page < hhi)) {
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
__asm__(".section postern_start,\"ax\",@progbits\n"
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
