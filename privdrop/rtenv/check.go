package rtenv

import (
	"fmt"
	"os"
	"slices"
	"strings"
)

// Prefix starts the name of every variable removed before the runtime
// starts.
const Prefix = "GO"

// Check returns an error naming each environment variable starting with
// Prefix that is still in the Go runtime's or the C library's environment.
// Called at the start of main, a nil error means the runtime started
// without any of them; a non-nil one means the constructor did not run
// (a build without cgo, or linked internally) and the program must exit.
func Check() error {
	left := Leftover(os.Environ())
	for _, name := range Leftover(cEnviron()) {
		if !slices.Contains(left, name) {
			left = append(left, name)
		}
	}
	if len(left) == 0 {
		return nil
	}
	return fmt.Errorf("rtenv: %s reached the Go runtime (the C constructor that removes them did not run: built without cgo or linked internally?)", strings.Join(left, ", "))
}

// RuntimeSecure is the one entry starting with Prefix that Check accepts:
// the Go runtime's own secure mode (AT_SECURE: a setuid or setgid start)
// adds it to the runtime's environment after the constructor has run,
// and it is the most restrictive setting anyway.
const RuntimeSecure = "GOTRACEBACK=none"

// Leftover returns the names of the entries of env ("NAME=value") that
// start with Prefix, once each, in order, except RuntimeSecure. An entry
// without '=' counts by the whole entry.
func Leftover(env []string) []string {
	var names []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, Prefix) || kv == RuntimeSecure {
			continue
		}
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}
