// Command floor is the Go floor of make bench (bench/bench.py, "floor"
// rows): a CGI program built exactly as the request binary is (make floor:
// static PIE, cgo, the same tags and linker flags, so the same entry
// point and runtime settings of privdrop/rtenv) that does nothing but
// answer with a page as large as a warm list's. What Apache, the
// kernel's fork, exec and exit, and the Go runtime's start cost per
// request on a machine, with none of postern's work: the least a Go CGI
// program built so can cost there. bench.py measures it beside a C
// program that writes the same page (the floor of a CGI program at all).
package main

import (
	"os"
	"strings"

	"postern/privdrop/rtenv"
)

// pageBytes is about the size of postern's warm list page (10 rows).
const pageBytes = 16 << 10

func main() {
	if err := rtenv.Check(); err != nil {
		os.Exit(1)
	}
	_ = rtenv.Unpin()
	head := "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
	body := "<!DOCTYPE html><title>floor</title><p>" + strings.Repeat("x", pageBytes) + "</p>\n"
	os.Stdout.WriteString(head + body)
}
