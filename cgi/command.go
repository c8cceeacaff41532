package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"postern/config"
)

// command runs postern from a shell: -version, -check-config. While
// setuid, only -version is honoured and no argument may choose a file.
func command(args []string, setuid bool, cfgPath string) int {
	fs := flag.NewFlagSet("postern", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	showVersion := fs.Bool("version", false, "print the version and exit")
	check := fs.Bool("check-config", false, "check the configuration file and exit (root only)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	switch {
	case *showVersion:
		fmt.Println("postern", version)
		return exitOK
	case *check:
		if setuid && os.Getuid() != 0 {
			fmt.Fprintln(os.Stderr, "postern: -check-config is for root")
			return exitCaller
		}
		return checkConfig(os.Stdout, cfgPath)
	}
	fmt.Fprintln(os.Stderr, "postern: this is a CGI program; run it from a web server (see postern(8))")
	if setuid {
		return exitNotCGI
	}
	return exitUsage
}

// checkConfig loads the configuration and reports each problem.
func checkConfig(w io.Writer, path string) int {
	cfg, err := config.Load(path)
	if err != nil {
		fmt.Fprintf(w, "%s: %v\n", path, err)
		return exitConfig
	}
	if _, err := newBackend(cfg); err != nil {
		fmt.Fprintf(w, "%s: %v\n", path, err)
		return exitConfig
	}
	fmt.Fprintf(w, "%s: ok (auth = %s)\n", path, cfg.Auth)
	return exitOK
}
