//go:build !linux

package fakebsd

// ScratchBase is "" where no RAM file system is known: the default
// temporary directory.
func ScratchBase() string { return "" }
