// Command environonly is the counter-example of package rtenv's tests: its
// C constructor removes the GO* variables the way most C code would, by
// pointing the C library's environ at a clean copy, and leaves the initial
// envp array alone. It prints what the Go runtime saw: GOMAXPROCS, then
// whether the C library and os.Getenv still see the variable.
package main

/*
#include <stdlib.h>

extern char **environ;

static char *clean[64];

__attribute__((constructor(101)))
static void environonly_scrub(void) {
	size_t n = 0;
	for (char **e = environ; *e != NULL && n < 63; e++) {
		if (!((*e)[0] == 'G' && (*e)[1] == 'O')) {
			clean[n++] = *e;
		}
	}
	clean[n] = NULL;
	environ = clean;
}

static int c_sees(void) { return getenv("GOMAXPROCS") != NULL; }
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	_, goSees := os.LookupEnv("GOMAXPROCS")
	fmt.Printf("%d %t %t\n", runtime.GOMAXPROCS(0), C.c_sees() != 0, goSees)
}
