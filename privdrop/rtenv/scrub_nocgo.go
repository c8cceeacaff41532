//go:build !cgo

package rtenv

// cEnviron has no C library to read without cgo; os.Environ is then the
// only view.
func cEnviron() []string { return nil }

// Unpin has nothing to undo without the constructor.
func Unpin() error { return nil }

// CPUs is unknown without the constructor.
func CPUs() int { return 0 }

// timerSlack is unknown without cgo.
func timerSlack() int64 { return -1 }
