// Package build holds no Go code: this directory holds the scripts and
// tools that the Makefile runs, and the tests of them and of the source
// tree itself.
//
//   - memprofrate/ (a command) sets runtime.MemProfileRate's initial
//     value to 0 in the linked request binary, whose linker turned memory
//     profiling off: the runtime would otherwise sample its first
//     allocations before it turns profiling off itself (see its doc).
//     make postern runs it right after the link; memprofrate_test.go
//     tests it and checks the request binary.
//   - apt-deps.sh checks that Debian packages are installed and, as root,
//     installs the missing ones; as another user it names the apt-get
//     command that would and fails (make demo, make bench), or warns
//     (make deps-apt, with -w). After a failed build, make runs it with
//     -n to name the package that is missing.
//   - layout_test.go keeps README.md's layout paragraph equal to the
//     package directories of the tree, goversion_test.go the documents'
//     Go version equal to go.mod's go line, makefile_test.go checks
//     what make demo runs, and bench_test.go that bench/run.sh and
//     bench/bench.py stop before measuring when a tool is missing.
package build
