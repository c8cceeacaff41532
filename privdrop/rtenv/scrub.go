package rtenv

/*
#include <stddef.h>

extern char **environ;

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
// rt0_go copies the environment (see doc.go). Priority 101 runs it before
// every constructor of this program without one.
#ifdef __GLIBC__
__attribute__((constructor(101)))
static void postern_rtenv_scrub(int argc, char **argv, char **envp) {
	(void)argc;
	(void)argv;
	postern_rtenv_blank_array(envp);
	if (environ != envp) {
		postern_rtenv_blank_array(environ);
	}
}
#else
__attribute__((constructor(101)))
static void postern_rtenv_scrub(void) {
	postern_rtenv_blank_array(environ);
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

// cEnviron returns the entries of the C library's environ.
func cEnviron() []string {
	n := C.postern_rtenv_count()
	out := make([]string, 0, int(n))
	for i := C.size_t(0); i < n; i++ {
		out = append(out, C.GoString(C.postern_rtenv_entry(i)))
	}
	return out
}
