// Command postern is a webmail for Maildir, run by a web server as a CGI
// program once per request.
//
// The program is three steps, each a package of its own: gate.Prepare
// cleans the process (every run), gate.Enter is the root room of a web
// request (package gate: its doc is the security model), and app.Serve is
// the webmail after the privilege drop (package app). Outside a web
// request it is a command (command.go): -version, -check-config (root's,
// checkconfig.go) and index (the caller's own, indexcmd.go).
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
	os.Exit(run())
}

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
