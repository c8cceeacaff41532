package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"postern/config"
	"postern/gate"
	"postern/privdrop"
)

// command runs postern from a shell: -version, -check-config (root's:
// checkconfig.go), index (the caller's: indexcmd.go). No command needs
// borrowed privileges, so a setuid run drops to the caller's own ids
// before it parses an argument: only root itself may check the
// configuration, and no argument may choose a file (the configuration
// checked is the one compiled in, config.Path).
func command(args []string, setuid bool, cfgPath string) int {
	if setuid && os.Getuid() != 0 {
		groups, err := os.Getgroups()
		if err == nil {
			err = privdrop.Drop(os.Getuid(), os.Getgid(), groups)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "postern: privilege drop failed:", err)
			return gate.ExitDrop
		}
	}
	if len(args) > 0 && args[0] == "index" {
		return indexCommand(args[1:], cfgPath)
	}
	return commandAs(args, setuid, os.Getuid(), cfgPath, os.Stdout, os.Stderr)
}

// commandAs is command with the caller's real uid and the outputs given,
// for tests.
func commandAs(args []string, setuid bool, uid int, cfgPath string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("postern", flag.ContinueOnError)
	fs.SetOutput(stderr)
	showVersion := fs.Bool("version", false, "print the version and the paths compiled in, and exit")
	check := fs.Bool("check-config", false, "check the configuration file, report each problem and exit (root only)")
	if err := fs.Parse(args); err != nil {
		return gate.ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "postern: unexpected argument %q\n", fs.Arg(0))
		return gate.ExitUsage
	}
	switch {
	case *showVersion:
		fmt.Fprint(stdout, versionText())
		return gate.ExitOK
	case *check:
		if setuid && uid != 0 {
			fmt.Fprintln(stderr, "postern: -check-config is for root")
			return gate.ExitCaller
		}
		return checkConfig(stdout, cfgPath, systemLookup)
	}
	fmt.Fprintln(stderr, "postern: this is a CGI program; run it from a web server (see postern(8))")
	if setuid {
		return gate.ExitNotCGI
	}
	return gate.ExitUsage
}

// versionText is what -version prints: the version, then the paths
// compiled in (-ldflags -X), one "name: path" line each, as the Makefile
// writes them to postern.paths so that make install can compare them.
func versionText() string {
	return fmt.Sprintf("postern %s\nconfig: %s\nwrapper: %s\nlogin: %s\nhelper: %s\n", version, config.Path, config.DefaultWrapper, config.LoginHelper, config.DefaultHelper)
}
