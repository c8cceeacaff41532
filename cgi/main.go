// Command postern is a webmail for Maildir, run by a web server as a CGI
// program once per request.
//
// The program is three steps, each a package of its own: gate.Prepare
// cleans the process (every run), gate.Enter is the root room of a web
// request (package gate: its doc is the security model), and app.Serve is
// the webmail after the privilege drop (package app). Outside a web
// request it is a command (command.go): -version, -check-config (root's,
// checkconfig.go) and index (the caller's own, indexcmd.go).
//
// The runtime's goroutine that would raise GOMAXPROCS to follow the CPU
// affinity or a container's limit is not started: privdrop/rtenv starts
// the program with one P, the count a request uses, and keeps it at one
// after it gives the main thread its affinity back (the goroutine, every
// second, would have undone that); starting it cost about half a percent
// of a warm request.
//
//go:debug updatemaxprocs=0
package main

import (
	"fmt"
	"os"

	"postern/app"
	"postern/gate"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	growStack()
	os.Exit(run())
}

// growStack grows the main goroutine's stack once, to 256 KB, while it is
// shallow. A request's stack grows from 8 KB by doubling, and each
// doubling copies the stack and walks every frame on it (the runtime's
// copystack: about 5% of a warm request's CPU, most of it reading the
// function tables); one copy of a short stack at the start costs less.
// The memory comes from the heap, which is in huge pages
// (privdrop/rtenv, "Huge pages").
//
//go:noinline
func growStack() {
	var buf [120 << 10]byte
	stackSink(buf[:])
}

// stackSink keeps growStack's array from being optimised away.
//
//go:noinline
func stackSink(b []byte) { b[0] = 1 }

func run() int {
	setuid, cfgPath, err := gate.Prepare()
	if err != nil {
		fmt.Fprintln(os.Stderr, "postern:", err)
		return gate.ExitInternal
	}
	if os.Getenv("GATEWAY_INTERFACE") == "" {
		return command(os.Args[1:], setuid, cfgPath)
	}
	e, code := gate.Enter(setuid, cfgPath)
	if e == nil {
		return code
	}
	return app.Serve(e)
}
