package host

// Sysctls reads kernel sysctls. The live hn snapshot reads through it so
// that tests can substitute the emulated host's values.
type Sysctls interface {
	// String reads a string sysctl; ok is false when it does not exist.
	String(name string) (value string, ok bool, err error)
	// Int reads an integer sysctl; ok is false when it does not exist.
	Int(name string) (v int, ok bool, err error)
}
