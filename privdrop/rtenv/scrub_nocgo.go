//go:build !cgo

package rtenv

// cEnviron has no C library to read without cgo; os.Environ is then the
// only view.
func cEnviron() []string { return nil }
