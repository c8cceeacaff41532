package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"postern/directory/ldapsearch"
	"postern/passkey/ceremony"
)

// MaxRequestBytes bounds the request read from stdin: the larger of the
// two kinds' limits.
const MaxRequestBytes = 128 << 10

// Exit statuses (doc.go).
const (
	exitOK       = 0
	exitWrite    = 1
	exitUsage    = 2
	exitBadInput = 3
)

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run is the program: args as os.Args.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) != 2 || (args[1] != "passkey" && args[1] != "directory") {
		fmt.Fprintln(stderr, "usage: postern-helper passkey|directory <request.json")
		return exitUsage
	}
	in, err := io.ReadAll(io.LimitReader(stdin, MaxRequestBytes+1))
	if err != nil {
		fmt.Fprintf(stderr, "postern-helper: reading the request: %v\n", err)
		return exitBadInput
	}
	if len(in) > MaxRequestBytes {
		fmt.Fprintf(stderr, "postern-helper: a request longer than %d bytes\n", MaxRequestBytes)
		return exitBadInput
	}
	var out []byte
	switch args[1] {
	case "passkey":
		out, err = ceremony.Serve(in)
	case "directory":
		out, err = ldapsearch.Serve(context.Background(), in)
	}
	if err != nil {
		fmt.Fprintf(stderr, "postern-helper %s: %v\n", args[1], err)
		return exitBadInput
	}
	if _, err := stdout.Write(append(out, '\n')); err != nil {
		fmt.Fprintf(stderr, "postern-helper: writing the answer: %v\n", err)
		return exitWrite
	}
	return exitOK
}
