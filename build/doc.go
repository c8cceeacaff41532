// Package build holds no Go code: this directory holds the scripts that
// the Makefile runs, and the tests of them and of the source tree itself.
//
// layout_test.go keeps README.md's layout paragraph equal to the package
// directories of the tree.
package build
