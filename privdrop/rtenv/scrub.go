package rtenv

/*
#define _GNU_SOURCE
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>

extern char **environ;

// postern_rtenv_cpus is the CPU affinity the process started with;
// postern_rtenv_pinned says whether postern_rtenv_pin narrowed it.
static cpu_set_t postern_rtenv_cpus;
static int postern_rtenv_ncpus;
static int postern_rtenv_pinned;

// postern_rtenv_pin narrows the affinity of the process (its one thread
// so far) to the CPU it runs on, when it may run on more than one: the
// runtime's schedinit takes its default GOMAXPROCS from the affinity mask
// (see doc.go, "The processor count"). A mask larger than cpu_set_t
// (more than 1,024 CPUs) makes sched_getaffinity fail: nothing is done.
static void postern_rtenv_pin(void) {
	cpu_set_t one;
	int cpu;
	if (sched_getaffinity(0, sizeof postern_rtenv_cpus, &postern_rtenv_cpus) != 0) {
		return;
	}
	postern_rtenv_ncpus = CPU_COUNT(&postern_rtenv_cpus);
	if (postern_rtenv_ncpus < 2) {
		return;
	}
	cpu = sched_getcpu();
	if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &postern_rtenv_cpus)) {
		return;
	}
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof one, &one) == 0) {
		postern_rtenv_pinned = 1;
	}
}

// postern_rtenv_slack_ns is the timer slack the runtime's first threads
// get (doc.go, "Timer slack"); postern_rtenv_slack_was is the main
// thread's own before postern_rtenv_slow set it, or -1 when the kernel
// has no timer slack to set.
#define POSTERN_RTENV_SLACK_NS 2000000UL
static long postern_rtenv_slack_was = -1;

// postern_rtenv_slow gives the process's one thread a timer slack of
// POSTERN_RTENV_SLACK_NS, which every thread it starts inherits: the Go
// runtime's monitor thread (sysmon) then wakes about every 2 ms instead
// of every 20 µs at first.
static void postern_rtenv_slow(void) {
	int was = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	if (was < 0) {
		return;
	}
	if (prctl(PR_SET_TIMERSLACK, POSTERN_RTENV_SLACK_NS, 0, 0, 0) == 0) {
		postern_rtenv_slack_was = was;
	}
}

// postern_rtenv_unslow gives the calling thread the timer slack the
// process started with.
static int postern_rtenv_unslow(void) {
	if (postern_rtenv_slack_was < 0) {
		return 0;
	}
	return prctl(PR_SET_TIMERSLACK, (unsigned long)postern_rtenv_slack_was, 0, 0, 0);
}

static long postern_rtenv_slack(void) {
	return prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
}

static int postern_rtenv_started_cpus(void) {
	return postern_rtenv_ncpus;
}

// postern_rtenv_unpin gives the calling thread the affinity the process
// started with.
static int postern_rtenv_unpin(void) {
	if (!postern_rtenv_pinned) {
		return 0;
	}
	return sched_setaffinity(0, sizeof postern_rtenv_cpus, &postern_rtenv_cpus);
}

// postern_rtenv_blank is what a removed entry points to: an empty string,
// as Go's own Unsetenv leaves behind. Two bytes, so a C library that
// compares the first two bytes of an entry at once never reads past it.
static char postern_rtenv_blank[2];

static int postern_rtenv_is_go(const char *e) {
	return e[0] == 'G' && e[1] == 'O';
}

static void postern_rtenv_blank_array(char **env) {
	if (env == NULL) {
		return;
	}
	for (; *env != NULL; env++) {
		if (postern_rtenv_is_go(*env)) {
			*env = postern_rtenv_blank;
		}
	}
}

// postern_rtenv_scrub runs before main, so before the Go runtime's
// rt0_go copies the environment and schedinit counts the CPUs (see
// doc.go). Priority 101 runs it before every constructor of this program
// without one.
#ifdef __GLIBC__
__attribute__((constructor(101)))
static void postern_rtenv_scrub(int argc, char **argv, char **envp) {
	(void)argc;
	(void)argv;
	postern_rtenv_blank_array(envp);
	if (environ != envp) {
		postern_rtenv_blank_array(environ);
	}
	postern_rtenv_pin();
	postern_rtenv_slow();
}
#else
__attribute__((constructor(101)))
static void postern_rtenv_scrub(void) {
	postern_rtenv_blank_array(environ);
	postern_rtenv_pin();
	postern_rtenv_slow();
}
#endif

// postern_rtenv_count and postern_rtenv_entry read the C library's view
// for Check.
static size_t postern_rtenv_count(void) {
	size_t n = 0;
	if (environ != NULL) {
		while (environ[n] != NULL) {
			n++;
		}
	}
	return n;
}

static const char *postern_rtenv_entry(size_t i) {
	return environ[i];
}
*/
import "C"

import "fmt"

// Unpin gives the calling thread back the CPU affinity the process
// started with, which the constructor narrowed to one CPU so that the Go
// runtime started with GOMAXPROCS 1 (doc.go, "The processor count").
// It also gives the calling thread back the timer slack the process
// started with, which the constructor raised to 2 ms (doc.go, "Timer
// slack"). The runtime's threads started before keep the one CPU and
// the 2 ms. gate.Prepare calls it at the start of main, on the main
// thread, where the request runs. It returns an error only when prctl(2)
// or sched_setaffinity(2) refuses.
func Unpin() error {
	if r, err := C.postern_rtenv_unslow(); r != 0 {
		return fmt.Errorf("rtenv: prctl(PR_SET_TIMERSLACK): %v", err)
	}
	if r, err := C.postern_rtenv_unpin(); r != 0 {
		return fmt.Errorf("rtenv: sched_setaffinity: %v", err)
	}
	return nil
}

// timerSlack returns the calling thread's timer slack in nanoseconds
// (prctl(PR_GET_TIMERSLACK)), or -1 when the kernel has none.
func timerSlack() int64 { return int64(C.postern_rtenv_slack()) }

// CPUs returns how many CPUs the process's affinity allowed when it
// started, before the constructor narrowed it; 0 when it could not be
// read.
func CPUs() int { return int(C.postern_rtenv_started_cpus()) }

// cEnviron returns the entries of the C library's environ.
func cEnviron() []string {
	n := C.postern_rtenv_count()
	out := make([]string, 0, int(n))
	for i := C.size_t(0); i < n; i++ {
		out = append(out, C.GoString(C.postern_rtenv_entry(i)))
	}
	return out
}
